/**
 * The baseline for `npm run bench:turns`: a bare botbuilder echo bot on restify, behind the smallest Direct Line
 * surface the load generator needs (tokens/generate with the secret, POST /conversations with a ws streamUrl, POST
 * activities, the stream). In-memory state, no database, no dialogs, no metrics, no logging.
 *
 * Started by bench/turns.bench.ts as a child process (it reports its port over IPC); not meant to be run by hand.
 */
import { randomBytes } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import {
  type Activity,
  ActivityHandler,
  BotAdapter,
  ConversationState,
  MemoryStorage,
  type ResourceResponse,
  TurnContext,
} from 'botbuilder';
import restify, { type Request, type Response } from 'restify';
import { WebSocket, WebSocketServer } from 'ws';
import { serveChild } from './load';

const PREFIX = '/v3/directline';
const BOT = { id: 'echo-bot', name: 'Echo', role: 'bot' };
const STREAM_PATH = /^\/v3\/directline\/conversations\/([^/?]+)\/stream$/;

interface EchoConversation {
  id: string;
  token: string;
  userId: string;
  seq: number;
  sockets: Set<WebSocket>;
}

const newId = () => randomBytes(16).toString('base64url');

/** Conversations, by id and by token, and their open sockets. */
class Conversations {
  private readonly byId = new Map<string, EchoConversation>();
  private readonly byToken = new Map<string, EchoConversation>();

  create(userId: string): EchoConversation {
    const c: EchoConversation = { id: newId(), token: newId(), userId, seq: 0, sockets: new Set() };
    this.byId.set(c.id, c);
    this.byToken.set(c.token, c);
    return c;
  }

  byBearer(req: IncomingMessage): EchoConversation | undefined {
    const m = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '');
    return m ? this.byToken.get(m[1] as string) : undefined;
  }

  get(id: string): EchoConversation | undefined {
    return this.byId.get(id);
  }

  /** Gives the activity its id and sends it to the conversation's sockets. */
  push(c: EchoConversation, activity: Partial<Activity>): string {
    c.seq++;
    const id = `${c.id}|${c.seq}`;
    const frame = JSON.stringify({ activities: [{ ...activity, id }], watermark: String(c.seq) });
    for (const ws of c.sockets) if (ws.readyState === WebSocket.OPEN) ws.send(frame);
    return id;
  }
}

/** A BotAdapter whose "channel" is the conversation's WebSocket(s). */
class EchoDirectLineAdapter extends BotAdapter {
  constructor(private readonly conversations: Conversations) {
    super();
  }

  processActivity(activity: Partial<Activity>, logic: (context: TurnContext) => Promise<void>): Promise<void> {
    return this.runMiddleware(new TurnContext(this, activity), logic);
  }

  async sendActivities(context: TurnContext, activities: Partial<Activity>[]): Promise<ResourceResponse[]> {
    const c = this.conversations.get(context.activity.conversation.id);
    if (!c) throw new Error('echo: unknown conversation');
    return activities.map((a) => ({
      id: this.conversations.push(c, {
        ...a,
        from: BOT,
        recipient: context.activity.from,
        timestamp: new Date(),
        replyToId: a.replyToId ?? context.activity.id,
      }),
    }));
  }

  async updateActivity(): Promise<void> {
    throw new Error('echo: updateActivity is not supported');
  }

  async deleteActivity(): Promise<void> {
    throw new Error('echo: deleteActivity is not supported');
  }

  async continueConversation(): Promise<void> {
    throw new Error('echo: continueConversation is not supported');
  }
}

/** Replies "echo: <text>" and counts the conversation's messages in conversation state (in memory). */
class EchoBot extends ActivityHandler {
  constructor(private readonly state: ConversationState) {
    super();
    const count = state.createProperty<number>('count');
    this.onMessage(async (context, next) => {
      await count.set(context, (await count.get(context, 0)) + 1);
      await context.sendActivity(`echo: ${context.activity.text ?? ''}`);
      await next();
    });
  }

  override async run(context: TurnContext): Promise<void> {
    await super.run(context);
    await this.state.saveChanges(context, false);
  }
}

function unauthorized(res: Response): void {
  res.send(403, { error: { code: 'InvalidToken', message: 'bad token' } });
}

async function startEchoServer(secret: string): Promise<{ port: number; stop(): Promise<void> }> {
  const conversations = new Conversations();
  const adapter = new EchoDirectLineAdapter(conversations);
  const bot = new EchoBot(new ConversationState(new MemoryStorage()));
  const server = restify.createServer({ name: 'echo-baseline' });
  server.use(restify.plugins.bodyParser({ mapParams: false }));

  server.post(`${PREFIX}/tokens/generate`, async (req: Request, res: Response) => {
    if (req.headers.authorization !== `Bearer ${secret}`) return unauthorized(res);
    const body = req.body as { user?: { id?: string } } | undefined;
    const c = conversations.create(body?.user?.id ?? newId());
    res.send(200, { conversationId: c.id, token: c.token, expires_in: 1800, userId: c.userId });
  });

  server.post(`${PREFIX}/conversations`, async (req: Request, res: Response) => {
    const c = conversations.byBearer(req);
    if (!c) return unauthorized(res);
    const streamUrl = `ws://${req.headers.host}${PREFIX}/conversations/${c.id}/stream?t=${c.token}`;
    res.send(201, { conversationId: c.id, token: c.token, expires_in: 1800, streamUrl });
  });

  server.post(`${PREFIX}/conversations/:conversationId/activities`, async (req: Request, res: Response) => {
    const c = conversations.byBearer(req);
    if (!c || c.id !== (req.params as { conversationId?: string }).conversationId) return unauthorized(res);
    const body = (req.body ?? {}) as Partial<Activity>;
    const inbound: Partial<Activity> = {
      ...body,
      channelId: 'webchat',
      conversation: { id: c.id } as Activity['conversation'],
      from: { id: c.userId, role: 'user' } as Activity['from'],
      recipient: BOT as Activity['recipient'],
      serviceUrl: `http://${req.headers.host}`,
      timestamp: new Date(),
    };
    inbound.id = conversations.push(c, inbound);
    await adapter.processActivity(inbound, (context) => bot.run(context));
    res.send(200, { id: inbound.id });
  });

  const wss = new WebSocketServer({ noServer: true });
  server.server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const c = conversations.get(decodeURIComponent(STREAM_PATH.exec(url.pathname)?.[1] ?? ''));
    if (!c || url.searchParams.get('t') !== c.token) {
      socket.end('HTTP/1.1 403 Forbidden\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      c.sockets.add(ws);
      ws.on('close', () => c.sockets.delete(ws));
      ws.on('error', () => undefined);
    });
  });

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as AddressInfo;
  return {
    port,
    stop: async () => {
      for (const ws of wss.clients) ws.terminate();
      wss.close();
      server.server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

const secret = process.env.DIRECTLINE_SECRET;
if (!secret || secret.length < 24) throw new Error('echo-baseline: DIRECTLINE_SECRET (≥ 24 characters) is required');
serveChild(() => startEchoServer(secret));
