import WebSocket from 'ws';
import { ConsoleSession } from './console-session';

export interface SocketLine {
  seq: number;
  from: string;
  name: string | null;
  text: string;
}

export interface SnapshotView {
  id: string;
  conversationId: string;
  status: string;
  position: number | null;
  resolverGroup: string;
  requeues: number;
  agent: { userId: string; displayName: string } | null;
}

export interface Snapshot {
  me: { userId: string; status: string; displayName: string };
  queue: SnapshotView[];
  mine: SnapshotView[];
  others: SnapshotView[];
}

/**
 * An agent's console for API tests: the logged-in session plus the real-time socket, collecting snapshots and every
 * transcript line per conversation (with the watermarks it has, so a reconnect resumes where it left).
 */
export class AgentClient {
  ws: WebSocket | undefined;
  snapshot: Snapshot | undefined;
  readonly lines = new Map<string, SocketLine[]>();
  readonly follow: Record<string, number> = {};
  private waiters: Array<() => void> = [];
  private heartbeat: NodeJS.Timeout | undefined;

  private constructor(
    readonly session: ConsoleSession,
    readonly baseUrl: string,
  ) {}

  static async login(baseUrl: string, email: string, password: string): Promise<AgentClient> {
    return new AgentClient(await ConsoleSession.login(baseUrl, email, password), baseUrl);
  }

  /** Opens the socket (to `baseUrl`, or another instance) and says hello with the watermarks it has. */
  async connect(baseUrl = this.baseUrl, options: { heartbeat?: boolean } = {}): Promise<void> {
    const cookie = this.session.cookie;
    const ws = new WebSocket(`${baseUrl.replace(/^http/, 'ws')}/api/agent/socket`, { headers: { cookie, origin: baseUrl } });
    this.ws = ws;
    ws.on('message', (data) => {
      const m = JSON.parse(data.toString()) as { type: string } & Record<string, unknown>;
      if (m.type === 'snapshot') this.snapshot = m.snapshot as Snapshot;
      if (m.type === 'transcript') {
        const id = m.conversationId as string;
        const list = this.lines.get(id) ?? [];
        list.push(...(m.lines as SocketLine[]));
        this.lines.set(id, list);
        this.follow[id] = m.watermark as number;
      }
      for (const w of this.waiters.splice(0)) w();
    });
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('unexpected-response', (_req, res) => reject(new Error(`agent socket refused: ${res.statusCode}`)));
      ws.once('error', reject);
    });
    ws.send(JSON.stringify({ type: 'hello', follow: this.follow }));
    if (options.heartbeat !== false) {
      this.heartbeat = setInterval(() => ws.readyState === WebSocket.OPEN && ws.send(JSON.stringify({ type: 'heartbeat' })), 1000);
      this.heartbeat.unref();
    }
    ws.on('close', () => clearInterval(this.heartbeat));
  }

  /** Drops the socket abruptly (a network cut), without a close handshake. */
  drop(): void {
    clearInterval(this.heartbeat);
    this.ws?.terminate();
  }

  follows(conversationId: string, after = 0): void {
    this.follow[conversationId] ??= after;
    this.ws?.send(JSON.stringify({ type: 'follow', conversationId, after }));
  }

  async waitFor<T>(check: () => T | undefined | false, timeoutMs = 10_000, what = 'condition'): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const value = check();
      if (value) return value;
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`agent: ${what} not met; snapshot ${JSON.stringify(this.snapshot)}; lines ${JSON.stringify([...this.lines])}`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, Math.min(left, 250));
        this.waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
  }

  texts(conversationId: string, from?: string): string[] {
    return (this.lines.get(conversationId) ?? []).filter((l) => !from || l.from === from).map((l) => l.text);
  }

  request(method: string, path: string, body?: unknown) {
    return this.session.request(method, path, body);
  }
}
