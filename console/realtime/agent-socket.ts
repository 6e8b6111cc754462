import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocket, WebSocketServer, type RawData } from 'ws';
import { z } from 'zod';
import type { SessionService } from '../../services/auth/session.service';
import { HandoffError, type AgentActor, type AgentSnapshot, type HandoffEvent, type TranscriptLine } from '../../services/handoff/handoff-types';
import { SESSION_COOKIE } from '../api/console-http';
import { actorOf, HANDOFF_ROLES, type AgentHandoff, type HandoffActivity } from '../api/handoff.routes';

/** Where the agent console opens its WebSocket. */
export const AGENT_SOCKET_PATH = '/api/agent/socket';
/** Close codes the console understands: the session ended (log in again) / the account may not attend. */
export const CLOSE_UNAUTHENTICATED = 4401;
export const CLOSE_FORBIDDEN = 4403;

const PING_INTERVAL_MS = 30_000;
const SNAPSHOT_DEBOUNCE_MS = 30;
const HEARTBEAT_MIN_INTERVAL_MS = 5_000;
const TYPING_MIN_INTERVAL_MS = 1_000;
const RETRY_MS = 1_000;
const MAX_FOLLOWS = 200;
const MAX_PAYLOAD_BYTES = 64 * 1024;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

type Logger = { warn(obj: object, msg?: string): void; debug(obj: object, msg?: string): void };

/** What the socket uses of the handoff service. */
export type AgentSocketHandoff = Pick<AgentHandoff, 'subscribe' | 'snapshot' | 'heartbeat' | 'transcriptSince' | 'canFollow' | 'typing'>;

export interface AgentSocketsOptions {
  sessions: Pick<SessionService, 'resume'>;
  handoff: AgentSocketHandoff;
  logger: Logger;
  /** Origins accepted besides the request's own host (e.g. the origin of PUBLIC_BASE_URL behind a proxy). */
  allowedOrigins?: readonly string[];
  /** Milliseconds clock for the heartbeat and typing throttles (tests). */
  now?: () => number;
}

const conversationId = z.string().min(1).max(200);
const seq = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);

/** Messages from the console. */
const clientMessage = z.discriminatedUnion('type', [
  z.object({ type: z.literal('hello'), follow: z.record(conversationId, seq).optional() }),
  z.object({ type: z.literal('follow'), conversationId, after: seq.optional() }),
  z.object({ type: z.literal('heartbeat') }),
  z.object({ type: z.literal('typing'), handoffId: z.string().regex(UUID) }),
]);
type ClientMessage = z.infer<typeof clientMessage>;

/** Messages to the console. */
export type AgentServerMessage =
  | { type: 'snapshot'; snapshot: AgentSnapshot }
  | { type: 'transcript'; conversationId: string; lines: TranscriptLine[]; watermark: number }
  | { type: 'typing'; conversationId: string }
  | { type: 'error'; message: string; code?: string };

const TEXT = {
  notJson: 'El mensaje no es JSON válido.',
  binary: 'La consola solo envía mensajes de texto JSON.',
  unknown: 'Mensaje desconocido o incompleto; use hello, follow, heartbeat o typing.',
  tooMany: `Se pueden seguir hasta ${MAX_FOLLOWS} conversaciones a la vez.`,
  cannotFollow: 'No puede seguir esa conversación.',
  snapshotFailed: 'No se pudo actualizar la lista de conversaciones; se intentará de nuevo.',
  transcriptFailed: 'No se pudieron leer los mensajes nuevos de la conversación; se intentará de nuevo.',
  failed: 'No se pudo atender el mensaje; intente de nuevo.',
};

/** Reads one cookie of an upgrade request (console-http's readCookie takes restify's Request). */
function cookieOf(req: IncomingMessage, name: string): string | undefined {
  const header = req.headers.cookie;
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) {
      try {
        return decodeURIComponent(part.slice(eq + 1).trim());
      } catch {
        return undefined;
      }
    }
  }
  return undefined;
}

function refuse(socket: Duplex, status: 401 | 403 | 503, code: string, message: string): void {
  const reason = { 401: 'Unauthorized', 403: 'Forbidden', 503: 'Service Unavailable' }[status];
  const body = JSON.stringify({ error: { code, message } });
  socket.write(
    `HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
  );
  socket.destroy();
}

/**
 * The agent console's live channel (`/api/agent/socket`): snapshots of the queue and the agent's conversations,
 * transcript lines of the conversations the agent follows (in order, each once per socket, resuming from the
 * watermarks the console sends on reconnect) and the person's typing.
 *
 * The upgrade needs the console session cookie of an agent, coordinator or admin and an `Origin` of the same host
 * (or one of `allowedOrigins`): a page of another site cannot open it with the agent's cookie. Each message checks
 * the session again; a session that ended closes the socket with 4401 (4403 when the role no longer may attend).
 */
export class AgentSockets {
  private readonly wss = new WebSocketServer({ noServer: true, maxPayload: MAX_PAYLOAD_BYTES });
  private readonly connections = new Set<AgentConnection>();
  private readonly unsubscribe: () => void;
  private readonly allowedOrigins: ReadonlySet<string>;
  private readonly now: () => number;
  private readonly pinger: NodeJS.Timeout;
  private closing = false;

  constructor(private readonly options: AgentSocketsOptions) {
    if (!options?.sessions) throw new Error('AgentSockets: sessions are required');
    if (!options.handoff) throw new Error('AgentSockets: handoff service is required');
    if (!options.logger) throw new Error('AgentSockets: logger is required');
    this.allowedOrigins = new Set((options.allowedOrigins ?? []).map((o) => o.toLowerCase()));
    this.now = options.now ?? Date.now;
    this.unsubscribe = options.handoff.subscribe((event) => this.dispatch(event));
    this.pinger = setInterval(() => this.ping(), PING_INTERVAL_MS);
    this.pinger.unref();
  }

  /** Open agent sockets on this instance. */
  get open(): number {
    return this.connections.size;
  }

  /**
   * Takes the upgrade when its path is the agent socket's (true), else leaves it for another handler (false).
   * A refused upgrade is answered 401/403 with a JSON error body.
   */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): boolean {
    const pathname = new URL(req.url ?? '/', 'http://localhost').pathname.replace(/\/+$/, '');
    if (pathname !== AGENT_SOCKET_PATH) return false;
    if (this.closing) {
      refuse(socket, 503, 'ShuttingDown', 'El servidor se está reiniciando; la consola se reconectará sola.');
      return true;
    }
    if (!this.sameOrigin(req)) {
      refuse(socket, 403, 'CrossOrigin', 'La conexión debe abrirse desde la consola de este mismo sitio.');
      return true;
    }
    // The socket may fail while the session is looked up; nothing is listening to it yet.
    const onEarlyError = (): void => {
      socket.destroy();
    };
    socket.on('error', onEarlyError);
    const token = cookieOf(req, SESSION_COOKIE);
    this.options.sessions
      .resume(token)
      .then((session) => {
        socket.off('error', onEarlyError);
        if (socket.destroyed) return;
        if (!session) return refuse(socket, 401, 'Unauthenticated', 'Inicie sesión para continuar.');
        if (!HANDOFF_ROLES.includes(session.user.role)) return refuse(socket, 403, 'Forbidden', 'Su cuenta no tiene permiso para atender conversaciones.');
        if (this.closing) return refuse(socket, 503, 'ShuttingDown', 'El servidor se está reiniciando; la consola se reconectará sola.');
        this.wss.handleUpgrade(req, socket, head, (ws) => this.accept(ws, token ?? '', actorOf(session)));
        return undefined;
      })
      .catch((err: unknown) => {
        socket.off('error', onEarlyError);
        this.options.logger.warn({ err }, 'agent socket: session lookup failed');
        if (!socket.destroyed) refuse(socket, 503, 'Unavailable', 'No se pudo verificar la sesión; la consola se reconectará sola.');
      });
    return true;
  }

  /** Closes every agent socket (shutdown): consoles reconnect to another instance and resume from their watermarks. */
  close(): void {
    if (this.closing) return;
    this.closing = true;
    clearInterval(this.pinger);
    this.unsubscribe();
    for (const c of this.connections) c.shutdown(1001, 'server shutting down');
    this.wss.close();
  }

  private accept(ws: WebSocket, token: string, actor: AgentActor): void {
    const connection = new AgentConnection(ws, token, actor, {
      sessions: this.options.sessions,
      handoff: this.options.handoff,
      logger: this.options.logger,
      now: this.now,
    });
    this.connections.add(connection);
    ws.on('close', () => {
      connection.dispose();
      this.connections.delete(connection);
    });
  }

  private dispatch(event: HandoffEvent | HandoffActivity): void {
    for (const c of this.connections) {
      try {
        c.onEvent(event);
      } catch (err) {
        this.options.logger.warn({ err, event: event.type }, 'agent socket: event dispatch failed');
      }
    }
  }

  /** Origin must name this host (browsers always send it on WebSocket upgrades). */
  private sameOrigin(req: IncomingMessage): boolean {
    const origin = req.headers.origin;
    if (typeof origin !== 'string' || origin === '') return false;
    if (this.allowedOrigins.has(origin.toLowerCase())) return true;
    const host = req.headers.host;
    if (typeof host !== 'string' || host === '') return false;
    try {
      const from = new URL(origin);
      if (from.protocol !== 'http:' && from.protocol !== 'https:') return false;
      // Parsed with the origin's scheme, so a default port written out (":443") compares equal to none.
      return from.host === new URL(`${from.protocol}//${host}`).host;
    } catch {
      return false;
    }
  }

  private ping(): void {
    for (const c of this.connections) c.ping();
  }
}

interface ConnectionDeps {
  sessions: Pick<SessionService, 'resume'>;
  handoff: AgentSocketHandoff;
  logger: Logger;
  now: () => number;
}

interface Pump {
  running: boolean;
  again: boolean;
  retry: NodeJS.Timeout | undefined;
}

/** One console's socket: what it follows, up to where it has been sent, and the snapshot refreshes. */
class AgentConnection {
  /** Highest seq sent to (or declared seen by) this socket, per conversation; kept after unfollowing. */
  private readonly watermarks = new Map<string, number>();
  /** Followed conversations: `auto` (one of the agent's, dropped when it stops being theirs) or `explicit`. */
  private readonly following = new Map<string, 'auto' | 'explicit'>();
  private readonly pumps = new Map<string, Pump>();
  private readonly lastTyping = new Map<string, number>();
  private mine = new Set<string>();
  private greeted = false;
  private closed = false;
  private alive = true;
  private lastHeartbeat = Number.NEGATIVE_INFINITY;
  private snapshotTimer: NodeJS.Timeout | undefined;
  private snapshotRunning = false;
  private snapshotAgain = false;
  private inbox: Promise<void> = Promise.resolve();

  constructor(
    private readonly ws: WebSocket,
    private readonly token: string,
    private actor: AgentActor,
    private readonly deps: ConnectionDeps,
  ) {
    ws.on('pong', () => {
      this.alive = true;
    });
    ws.on('message', (data: RawData, isBinary: boolean) => {
      // One message at a time, in arrival order; pumps and snapshots run beside the queue.
      this.inbox = this.inbox.then(() => this.handle(data, isBinary)).catch((err: unknown) => this.deps.logger.warn({ err }, 'agent socket: message failed'));
    });
    ws.on('error', (err) => this.deps.logger.debug({ err, userId: actor.userId }, 'agent socket error'));
  }

  onEvent(event: HandoffEvent | HandoffActivity): void {
    if (this.closed || !this.greeted) return;
    switch (event.type) {
      case 'activity':
        if (this.following.has(event.conversationId)) this.pump(event.conversationId);
        return;
      case 'resync':
        // Notifications were lost while the database listener reconnected: re-read everything followed.
        for (const id of this.following.keys()) this.pump(id);
        this.scheduleSnapshot();
        return;
      case 'typing':
        if (this.following.has(event.conversationId)) this.send({ type: 'typing', conversationId: event.conversationId });
        return;
      case 'handoff':
      case 'presence':
        this.scheduleSnapshot();
        return;
      default:
        return;
    }
  }

  ping(): void {
    if (this.closed) return;
    if (!this.alive) {
      this.ws.terminate();
      return;
    }
    this.alive = false;
    try {
      this.ws.ping();
    } catch (err) {
      this.deps.logger.debug({ err }, 'agent socket ping failed');
    }
  }

  shutdown(code: number, reason: string): void {
    this.dispose();
    this.ws.close(code, reason);
  }

  dispose(): void {
    this.closed = true;
    if (this.snapshotTimer) clearTimeout(this.snapshotTimer);
    for (const p of this.pumps.values()) if (p.retry) clearTimeout(p.retry);
  }

  // --- messages from the console -----------------------------------------------------------------------
  private async handle(data: RawData, isBinary: boolean): Promise<void> {
    if (this.closed) return;
    const session = await this.deps.sessions.resume(this.token);
    if (this.closed) return;
    if (!session) return this.shutdown(CLOSE_UNAUTHENTICATED, 'Sesión terminada');
    if (!HANDOFF_ROLES.includes(session.user.role)) return this.shutdown(CLOSE_FORBIDDEN, 'Sin permiso');
    this.actor = actorOf(session);

    if (isBinary) return this.error(TEXT.binary);
    let raw: unknown;
    try {
      raw = JSON.parse(rawText(data));
    } catch {
      return this.error(TEXT.notJson);
    }
    const parsed = clientMessage.safeParse(raw);
    if (!parsed.success) return this.error(TEXT.unknown);
    try {
      await this.run(parsed.data);
    } catch (err) {
      if (err instanceof HandoffError) return this.error(err.message, err.code);
      this.deps.logger.warn({ err, type: parsed.data.type }, 'agent socket: message failed');
      this.error(TEXT.failed);
    }
    return undefined;
  }

  private async run(message: ClientMessage): Promise<void> {
    switch (message.type) {
      case 'hello':
        return this.hello(message.follow ?? {});
      case 'follow':
        return this.follow(message.conversationId, message.after ?? 0);
      case 'heartbeat':
        return this.heartbeat();
      case 'typing':
        return this.typing(message.handoffId.toLowerCase());
    }
  }

  /** (Re)connect: the snapshot, the agent's conversations and the ones the console had open, from its watermarks. */
  private async hello(follow: Record<string, number>): Promise<void> {
    const entries = Object.entries(follow);
    if (entries.length > MAX_FOLLOWS) this.error(TEXT.tooMany);
    const requested = entries.slice(0, MAX_FOLLOWS);
    for (const [id, after] of requested) this.raiseWatermark(id, after);
    this.greeted = true;
    // A failed heartbeat must not cost the console its snapshot; the next one (10 s) tries again.
    await this.heartbeat().catch((err: unknown) => this.deps.logger.warn({ err, userId: this.actor.userId }, 'agent socket: heartbeat failed'));
    await this.refreshSnapshot();
    for (const [id] of requested) {
      if (this.closed) return;
      if (this.following.has(id)) continue;
      await this.followIfAllowed(id, false);
    }
  }

  private async follow(id: string, after: number): Promise<void> {
    if (!this.greeted) {
      // A console that opens a conversation before its hello is answered: the hello will follow it.
      this.greeted = true;
      await this.refreshSnapshot();
    }
    this.raiseWatermark(id, after);
    if (this.following.get(id) === 'explicit') {
      this.pump(id);
      return;
    }
    await this.followIfAllowed(id, true);
  }

  private async followIfAllowed(id: string, report: boolean): Promise<void> {
    if (this.following.size >= MAX_FOLLOWS && !this.following.has(id)) {
      if (report) this.error(TEXT.tooMany);
      return;
    }
    const allowed = this.mine.has(id) || (await this.deps.handoff.canFollow(this.actor, id));
    if (this.closed) return;
    if (!allowed) {
      if (report) this.error(TEXT.cannotFollow, 'Forbidden');
      return;
    }
    this.following.set(id, 'explicit');
    this.pump(id);
  }

  private async heartbeat(): Promise<void> {
    const now = this.deps.now();
    if (now - this.lastHeartbeat < HEARTBEAT_MIN_INTERVAL_MS) return;
    this.lastHeartbeat = now;
    await this.deps.handoff.heartbeat(this.actor);
  }

  private async typing(handoffId: string): Promise<void> {
    const now = this.deps.now();
    if (now - (this.lastTyping.get(handoffId) ?? Number.NEGATIVE_INFINITY) < TYPING_MIN_INTERVAL_MS) return;
    this.lastTyping.set(handoffId, now);
    await this.deps.handoff.typing(this.actor, handoffId);
  }

  private raiseWatermark(id: string, after: number): void {
    this.watermarks.set(id, Math.max(this.watermarks.get(id) ?? 0, after));
  }

  // --- snapshots -----------------------------------------------------------------------------------------
  private scheduleSnapshot(): void {
    if (this.snapshotTimer || this.closed) return;
    this.snapshotTimer = setTimeout(() => {
      this.snapshotTimer = undefined;
      void this.refreshSnapshot();
    }, SNAPSHOT_DEBOUNCE_MS);
  }

  /** One refresh at a time; a request meanwhile runs it once more when it ends. */
  private async refreshSnapshot(): Promise<void> {
    if (this.snapshotRunning) {
      this.snapshotAgain = true;
      return;
    }
    this.snapshotRunning = true;
    try {
      do {
        this.snapshotAgain = false;
        const snapshot = await this.deps.handoff.snapshot(this.actor);
        if (this.closed) return;
        this.send({ type: 'snapshot', snapshot });
        this.followMine(snapshot);
      } while (this.snapshotAgain && !this.closed);
    } catch (err) {
      if (err instanceof HandoffError) this.error(err.message, err.code);
      else {
        this.deps.logger.warn({ err, userId: this.actor.userId }, 'agent socket: snapshot failed');
        this.error(TEXT.snapshotFailed);
        if (!this.closed) setTimeout(() => this.scheduleSnapshot(), RETRY_MS).unref();
      }
    } finally {
      this.snapshotRunning = false;
    }
  }

  /** Follows every conversation offered to or attended by the agent; stops following the ones no longer theirs. */
  private followMine(snapshot: AgentSnapshot): void {
    this.mine = new Set(snapshot.mine.map((v) => v.conversationId));
    for (const [id, how] of this.following) {
      if (how === 'auto' && !this.mine.has(id)) this.following.delete(id);
    }
    for (const id of this.mine) {
      if (this.following.has(id)) continue;
      this.following.set(id, 'auto');
      this.pump(id);
    }
  }

  // --- transcripts ---------------------------------------------------------------------------------------
  /**
   * Sends the lines after this socket's watermark. One pump per conversation at a time; a request while it runs
   * makes it read again when done, so nothing recorded meanwhile is missed and nothing is sent twice.
   */
  private pump(id: string): void {
    let pump = this.pumps.get(id);
    if (!pump) {
      pump = { running: false, again: false, retry: undefined };
      this.pumps.set(id, pump);
    }
    if (pump.running) {
      pump.again = true;
      return;
    }
    void this.runPump(id, pump);
  }

  private async runPump(id: string, pump: Pump): Promise<void> {
    pump.running = true;
    try {
      do {
        pump.again = false;
        if (this.closed || !this.following.has(id)) return;
        const lines = await this.deps.handoff.transcriptSince(this.actor, id, this.watermarks.get(id) ?? 0);
        if (this.closed || !this.following.has(id)) return;
        // The watermark may have risen meanwhile (a follow with a later `after`): only what is still new goes.
        let mark = this.watermarks.get(id) ?? 0;
        const fresh: TranscriptLine[] = [];
        for (const line of [...lines].sort((a, b) => a.seq - b.seq)) {
          if (!Number.isSafeInteger(line.seq) || line.seq <= mark) continue;
          fresh.push(line);
          mark = line.seq;
        }
        if (fresh.length > 0) {
          this.watermarks.set(id, mark);
          this.send({ type: 'transcript', conversationId: id, lines: fresh, watermark: mark });
        }
      } while (pump.again);
    } catch (err) {
      if (err instanceof HandoffError && (err.status === 403 || err.status === 404)) {
        // No longer theirs to see (transferred, or another group's): stop quietly; the snapshot says why.
        this.following.delete(id);
        this.deps.logger.debug({ conversationId: id, code: err.code }, 'agent socket: stopped following');
      } else {
        this.deps.logger.warn({ err, conversationId: id }, 'agent socket: transcript read failed');
        this.error(TEXT.transcriptFailed);
        if (!this.closed && !pump.retry) {
          pump.retry = setTimeout(() => {
            pump.retry = undefined;
            this.pump(id);
          }, RETRY_MS);
          pump.retry.unref();
        }
      }
    } finally {
      pump.running = false;
    }
  }

  // --- out -----------------------------------------------------------------------------------------------
  private send(message: AgentServerMessage): void {
    if (this.closed || this.ws.readyState !== WebSocket.OPEN) return;
    this.ws.send(JSON.stringify(message));
  }

  private error(message: string, code?: string): void {
    this.send(code ? { type: 'error', message, code } : { type: 'error', message });
  }
}

function rawText(data: RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  if (data instanceof ArrayBuffer) return Buffer.from(data).toString('utf8');
  return data.toString('utf8');
}
