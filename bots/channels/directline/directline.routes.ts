import type { Activity, ActivityHandler } from 'botbuilder';
import type { Request, Response, Server } from 'restify';
import { z } from 'zod';
import type { ActivityJson, ConversationService } from '../../../services/conversations/conversation.service';
import { randomId } from '../../../services/conversations/conversation.service';
import { ApiError } from '../../../services/http/api-error';
import { RateLimiter } from '../../../services/http/rate-limiter';
import type { TurnTracker } from '../../turn-tracker';
import { authorize, type DirectLineCaller, httpOrigin, streamOrigin } from './directline-auth';
import type { DirectLineTokens } from './directline-token';
import { type DirectLineAdapter, WEBCHAT_CHANNEL } from './directline.adapter';
import type { StreamHub } from './stream-hub';

export interface DirectLineSettings {
  /** DIRECTLINE_SECRET: lets a trusted backend start conversations for its own users. */
  secret: string | undefined;
  tokenTtlSeconds: number;
  ratePerMinute: number;
  /** Anyone may get a token for a new conversation (the public web chat). */
  anonymousWebChat: boolean;
  publicBaseUrl: string | undefined;
  bot: { id: string; name: string };
}

export interface DirectLineRoutesDeps {
  adapter: DirectLineAdapter;
  bot: Pick<ActivityHandler, 'run'>;
  conversations: ConversationService;
  hub: StreamHub;
  tokens: DirectLineTokens;
  tracker: TurnTracker;
  settings: DirectLineSettings;
  clock: { now(): Date };
  logger: { error(obj: object, msg?: string): void };
  /** The person is typing (shown to the agent attending them, if any). */
  onTyping?: (conversationId: string) => Promise<void>;
}

const STREAM_TOKEN_TTL_SECONDS = 300;
/** How long a POST waits for its turn before answering anyway. */
const TURN_WAIT_MS = 5_000;
const PREFIX = '/v3/directline';

const startBody = z
  .looseObject({
    user: z.looseObject({ id: z.string().min(1).max(128).optional(), name: z.string().max(256).optional() }).optional(),
    locale: z.string().max(20).optional(),
  })
  .optional();

const activityBody = z.looseObject({
  type: z.string().min(1).max(64),
  text: z.string().max(20_000).optional(),
  locale: z.string().max(20).optional(),
  from: z.looseObject({ id: z.string().max(256).optional(), name: z.string().max(256).optional() }).optional(),
  channelData: z.looseObject({ clientActivityID: z.string().max(200).optional() }).optional(),
});

/** Parses a JSON body that restify left as text (a missing or wrong Content-Type). */
function jsonBody(req: Request): unknown {
  const body: unknown = req.body;
  if (typeof body === 'string' || Buffer.isBuffer(body)) {
    const text = body.toString();
    if (text.trim() === '') return undefined;
    try {
      return JSON.parse(text) as unknown;
    } catch {
      throw new ApiError(400, 'BadArgument', 'El cuerpo de la solicitud no es JSON válido.');
    }
  }
  return body;
}

function watermarkOf(req: Request): number {
  const raw = (req.query as Record<string, unknown> | undefined)?.watermark;
  if (raw === undefined || raw === '' || raw === null) return 0;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0) throw new ApiError(400, 'BadArgument', 'El parámetro watermark debe ser un entero no negativo.');
  return n;
}

function paramOf(req: Request, name: string): string {
  const v = (req.params as Record<string, unknown>)[name];
  if (typeof v !== 'string' || v === '' || v.length > 128) throw new ApiError(400, 'BadArgument', `Falta el parámetro ${name}.`);
  return v;
}

/**
 * Direct Line 3.0 as `botframework-directlinejs` speaks it: tokens, conversations, activities
 * (posted activities are echoed to the stream with their clientActivityID), polling with a
 * watermark, and a WebSocket streamUrl (see directline-stream.ts).
 */
export class DirectLineRoutes {
  private readonly postLimiter: RateLimiter;
  private readonly generateLimiter: RateLimiter;

  constructor(private readonly deps: DirectLineRoutesDeps) {
    for (const k of ['adapter', 'bot', 'conversations', 'hub', 'tokens', 'tracker', 'settings', 'clock', 'logger'] as const) {
      if (!deps?.[k]) throw new Error(`DirectLineRoutes: ${k} is required`);
    }
    const perMinute = deps.settings.ratePerMinute;
    this.postLimiter = new RateLimiter(perMinute, Math.max(5, Math.ceil(perMinute / 6)), deps.clock);
    this.generateLimiter = new RateLimiter(30, 10, deps.clock);
  }

  register(server: Server): void {
    server.post(`${PREFIX}/tokens/generate`, async (req: Request, res: Response) => this.generate(req, res));
    server.post(`${PREFIX}/tokens/refresh`, async (req: Request, res: Response) => this.refresh(req, res));
    server.post(`${PREFIX}/conversations`, async (req: Request, res: Response) => this.start(req, res));
    server.get(`${PREFIX}/conversations/:conversationId`, async (req: Request, res: Response) => this.reconnect(req, res));
    server.post(`${PREFIX}/conversations/:conversationId/activities`, async (req: Request, res: Response) => this.post(req, res));
    server.get(`${PREFIX}/conversations/:conversationId/activities`, async (req: Request, res: Response) => this.poll(req, res));
    server.post(`${PREFIX}/conversations/:conversationId/upload`, async () => {
      throw new ApiError(400, 'UploadNotSupported', 'Por ahora no se pueden adjuntar archivos en este chat.');
    });
  }

  private auth(req: Request, conversationId?: string): DirectLineCaller {
    return authorize(req.headers.authorization, this.deps.tokens, this.deps.settings.secret, conversationId);
  }

  private issue(conversationId: string, userId: string) {
    return this.deps.tokens.issue({ cid: conversationId, uid: userId, use: 'conv' }, this.deps.settings.tokenTtlSeconds);
  }

  private streamUrl(req: Request, conversationId: string, userId: string, watermark: number | undefined): string {
    const t = this.deps.tokens.issue({ cid: conversationId, uid: userId, use: 'stream' }, STREAM_TOKEN_TTL_SECONDS).token;
    const wm = watermark === undefined ? '' : `&watermark=${watermark}`;
    return `${streamOrigin(req, this.deps.settings.publicBaseUrl)}${PREFIX}/conversations/${encodeURIComponent(conversationId)}/stream?t=${t}${wm}`;
  }

  /** A token for a new conversation: for a trusted backend (secret) or, when allowed, anyone (web chat). */
  private async generate(req: Request, res: Response): Promise<void> {
    let userId: string;
    if (req.headers.authorization) {
      const caller = this.auth(req);
      if (caller.kind !== 'secret') throw new ApiError(403, 'InvalidToken', 'Para generar un token use el secreto de Direct Line.');
      const parsed = startBody.safeParse(jsonBody(req));
      if (!parsed.success) throw new ApiError(400, 'BadArgument', 'El cuerpo debe ser {"user": {"id": "…"}}.');
      userId = parsed.data?.user?.id ?? `dl_${randomId(16)}`;
    } else {
      if (!this.deps.settings.anonymousWebChat) {
        throw new ApiError(401, 'MissingToken', 'Falta el encabezado Authorization: Bearer <secreto>.');
      }
      const wait = this.generateLimiter.take(`ip:${req.socket.remoteAddress ?? 'unknown'}`);
      if (wait > 0) throw tooMany(wait);
      // A browser never chooses its own user id: the server assigns it, so nobody can speak as another.
      userId = `dl_${randomId(16)}`;
    }
    const conversation = await this.deps.conversations.create(WEBCHAT_CHANNEL, userId);
    const { token, expiresIn } = this.issue(conversation.id, userId);
    res.send(200, { conversationId: conversation.id, token, expires_in: expiresIn, userId });
  }

  private async refresh(req: Request, res: Response): Promise<void> {
    const caller = this.auth(req);
    if (caller.kind !== 'token') throw new ApiError(400, 'BadArgument', 'Solo los tokens se renuevan; el secreto no expira.');
    const conversation = await this.deps.conversations.get(caller.claims.cid);
    if (!conversation) throw new ApiError(404, 'ConversationNotFound', 'La conversación no existe.');
    const { token, expiresIn } = this.issue(caller.claims.cid, caller.claims.uid);
    res.send(200, { conversationId: caller.claims.cid, token, expires_in: expiresIn });
  }

  /** Starts (or, for a token bound to one, resumes) a conversation; the bot greets on the first join. */
  private async start(req: Request, res: Response): Promise<void> {
    const caller = this.auth(req);
    const parsed = startBody.safeParse(jsonBody(req));
    if (!parsed.success) throw new ApiError(400, 'BadArgument', 'El cuerpo debe ser {"user": {"id": "…"}}.');
    const locale = parsed.data?.locale;
    let conversationId: string;
    let userId: string;
    let status = 200;
    if (caller.kind === 'token') {
      conversationId = caller.claims.cid;
      userId = caller.claims.uid;
      if (!(await this.deps.conversations.get(conversationId))) {
        throw new ApiError(404, 'ConversationNotFound', 'La conversación no existe.');
      }
    } else {
      userId = parsed.data?.user?.id ?? `dl_${randomId(16)}`;
      conversationId = (await this.deps.conversations.create(WEBCHAT_CHANNEL, userId)).id;
      status = 201;
    }
    if (await this.deps.conversations.markJoined(conversationId)) {
      await this.runTurn(conversationId, {
        type: 'conversationUpdate',
        id: `join-${randomId(10)}`,
        channelId: WEBCHAT_CHANNEL,
        conversation: { id: conversationId } as Activity['conversation'],
        from: { id: userId, role: 'user' } as Activity['from'],
        recipient: { ...this.deps.settings.bot, role: 'bot' } as Activity['recipient'],
        membersAdded: [{ id: userId, name: '' }, { id: this.deps.settings.bot.id, name: this.deps.settings.bot.name }],
        timestamp: this.deps.clock.now(),
        serviceUrl: httpOrigin(req, this.deps.settings.publicBaseUrl),
        ...(locale ? { locale } : {}),
      });
    }
    const { token, expiresIn } = this.issue(conversationId, userId);
    res.send(status, { conversationId, token, expires_in: expiresIn, streamUrl: this.streamUrl(req, conversationId, userId, undefined) });
  }

  /** Reconnect: a fresh streamUrl that resumes after `watermark`. */
  private async reconnect(req: Request, res: Response): Promise<void> {
    const conversationId = paramOf(req, 'conversationId');
    const caller = this.auth(req, conversationId);
    const watermark = watermarkOf(req);
    const conversation = await this.deps.conversations.get(conversationId);
    if (!conversation) throw new ApiError(404, 'ConversationNotFound', 'La conversación no existe.');
    const userId = caller.kind === 'token' ? caller.claims.uid : (conversation.userId ?? 'dl_secret');
    const { token, expiresIn } = this.issue(conversationId, userId);
    res.send(200, { conversationId, token, expires_in: expiresIn, streamUrl: this.streamUrl(req, conversationId, userId, watermark) });
  }

  private async poll(req: Request, res: Response): Promise<void> {
    const conversationId = paramOf(req, 'conversationId');
    this.auth(req, conversationId);
    const watermark = watermarkOf(req);
    if (!(await this.deps.conversations.get(conversationId))) {
      throw new ApiError(404, 'ConversationNotFound', 'La conversación no existe.');
    }
    const rows = await this.deps.conversations.since(conversationId, watermark);
    const last = rows.length > 0 ? rows[rows.length - 1]!.seq : watermark;
    res.send(200, { activities: rows.map((r) => r.activity), watermark: String(last) });
  }

  /** Records the user's activity, echoes it to the streams, then runs the bot's turn. */
  private async post(req: Request, res: Response): Promise<void> {
    const conversationId = paramOf(req, 'conversationId');
    const caller = this.auth(req, conversationId);
    const parsed = activityBody.safeParse(jsonBody(req));
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const where = issue?.path.length ? ` (${issue.path.join('.')})` : '';
      throw new ApiError(400, 'BadArgument', `La actividad no es válida${where}: debe ser un objeto JSON con "type".`);
    }
    const body = parsed.data;
    const userId = caller.kind === 'token' ? caller.claims.uid : (body.from?.id ?? 'dl_secret');
    const wait = this.postLimiter.take(`${conversationId}:${userId}`);
    if (wait > 0) throw tooMany(wait);

    const { id: _id, timestamp: _ts, serviceUrl: _su, conversation: _c, recipient: _r, channelId: _ch, from, ...rest } = body;
    const inbound: ActivityJson = {
      ...rest,
      type: body.type,
      channelId: WEBCHAT_CHANNEL,
      conversation: { id: conversationId },
      from: { id: userId, ...(from?.name ? { name: from.name } : {}), role: 'user' },
      recipient: { ...this.deps.settings.bot, role: 'bot' },
      timestamp: this.deps.clock.now().toISOString(),
      serviceUrl: httpOrigin(req, this.deps.settings.publicBaseUrl),
    };
    if (inbound.type === 'typing') {
      // Not part of the transcript; an agent attending the person sees it.
      if (this.deps.onTyping) {
        await this.deps.onTyping(conversationId).catch((err: unknown) => this.deps.logger.error({ err, conversationId }, 'directline: typing not relayed'));
      }
      res.send(200, { id: `typing-${randomId(10)}` });
      return;
    }
    // Recording is also the existence check: one query on the hot path instead of two.
    const recorded = await this.deps.conversations.record(conversationId, 'in', inbound).catch((err: unknown) => {
      if (isConversationNotFound(err)) throw new ApiError(404, 'ConversationNotFound', 'La conversación no existe.');
      throw err;
    });
    if (recorded.duplicate) {
      res.send(200, { id: recorded.activity.id });
      return;
    }
    this.deps.hub.notify(conversationId, [recorded]);
    const turn = this.runTurn(conversationId, { ...(recorded.activity as Partial<Activity>) }).catch((err: unknown) => {
      // The activity is recorded and onTurnError has apologised when it could: the client's
      // message was received, so it must not be marked as failed (and re-sent).
      this.deps.logger.error({ err, conversationId }, 'directline: turn failed after the activity was recorded');
    });
    // Answer when the turn is done, as Direct Line does, but never hold the client past
    // TURN_WAIT_MS: Web Chat gives up on a POST after 20 s and would show a received message as failed.
    // The turn goes on (and is awaited at shutdown) either way.
    await Promise.race([turn, new Promise((resolve) => setTimeout(resolve, TURN_WAIT_MS).unref())]);
    res.send(200, { id: recorded.activity.id });
  }

  /** One turn, serialized per conversation and counted for graceful shutdown. */
  private runTurn(conversationId: string, activity: Partial<Activity>): Promise<void> {
    return this.deps.tracker.run(conversationId, () =>
      this.deps.adapter.processActivity(activity, (context) => this.deps.bot.run(context)),
    );
  }
}

function isConversationNotFound(err: unknown): boolean {
  return typeof err === 'object' && err !== null && 'code' in err && err.code === 'conversation/not_found';
}

function tooMany(seconds: number): ApiError {
  return new ApiError(429, 'TooManyRequests', `Demasiadas solicitudes; intente de nuevo en ${seconds} s.`, {
    'Retry-After': String(seconds),
  });
}
