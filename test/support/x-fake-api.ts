/**
 * A local stand-in for X's v2 direct-message API on a real HTTP server: it records every request and answers
 * `POST /2/dm_conversations/with/:participant_id/messages` as X does — 201 with
 * `{"data": {"dm_conversation_id": "<a>-<b>", "dm_event_id": "…"}}` — so tests point `X_API_BASE_URL` /
 * `HttpXDmClient.baseUrl` at it. A wrong bearer token answers 401, an empty or too long text 400.
 *
 *   const api = await XFakeApi.start({ accessToken: '…', ourUserId: '111' });
 *   api.failNext(1, 503);
 *   … await api.waitForMessages(1); api.messages[0].text …
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface XFakeRequest {
  method: string;
  path: string;
  headers: http.IncomingHttpHeaders;
  /** The bearer token sent, null without one. */
  bearer: string | null;
  /** Parsed JSON body (null when absent or invalid). */
  json: Record<string, unknown> | null;
  kind: 'sendMessage' | 'unknown';
  /** The recipient of a sendMessage. */
  participantId: string | null;
  status: number;
}

interface Failure {
  status: number;
  headers: Record<string, string>;
}

const SEND = /^\/2\/dm_conversations\/with\/([^/]+)\/messages$/;

export class XFakeApi {
  readonly requests: XFakeRequest[] = [];
  private failures: Failure[] = [];
  private waiters: Array<() => void> = [];
  private nextEventId = 1_800_000_000_000_000_000n;

  private constructor(
    private readonly server: http.Server,
    private readonly options: { accessToken?: string; ourUserId?: string },
  ) {}

  static async start(options: { accessToken?: string; ourUserId?: string } = {}): Promise<XFakeApi> {
    const server = http.createServer();
    const api = new XFakeApi(server, options);
    server.on('request', (req: http.IncomingMessage, res: http.ServerResponse) => {
      api.handle(req, res).catch((error: unknown) => {
        // Not chained: restify, once loaded in the process, makes writeHead return undefined.
        if (!res.headersSent) res.writeHead(500, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify({ title: 'Internal Error', detail: String(error) }));
      });
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    return api;
  }

  get baseUrl(): string {
    const { port } = this.server.address() as AddressInfo;
    return `http://127.0.0.1:${port}`;
  }

  /** Messages accepted (201), in order: recipient and text. */
  get messages(): Array<{ to: string; text: string }> {
    return this.requests
      .filter((r) => r.kind === 'sendMessage' && r.status === 201)
      .map((r) => ({ to: r.participantId ?? '', text: String(r.json?.text ?? '') }));
  }

  /** The next `count` requests answer `status` (X problem body); `headers` e.g. `x-rate-limit-reset`. */
  failNext(count: number, status: number, headers: Record<string, string> = {}): void {
    for (let i = 0; i < count; i += 1) this.failures.push({ status, headers });
  }

  async waitForMessages(count: number, timeoutMs = 5_000): Promise<Array<{ to: string; text: string }>> {
    const deadline = Date.now() + timeoutMs;
    while (this.messages.length < count) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`XFakeApi: expected ${count} messages, got ${this.messages.length}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
    return this.messages.slice(0, count);
  }

  reset(): void {
    this.requests.length = 0;
    this.failures = [];
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    let json: Record<string, unknown> | null = null;
    try {
      const parsed: unknown = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      json = typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, unknown>) : null;
    } catch {
      json = null;
    }
    const match = SEND.exec(url.pathname);
    const bearer = /^Bearer\s+(\S+)$/.exec(req.headers.authorization ?? '')?.[1] ?? null;
    const record: XFakeRequest = {
      method: req.method ?? 'GET', path: url.pathname, headers: req.headers, bearer, json,
      kind: match ? 'sendMessage' : 'unknown', participantId: match?.[1] ?? null, status: 0,
    };
    const [status, body, headers] = this.answer(record);
    record.status = status;
    this.requests.push(record);
    const waiters = this.waiters;
    this.waiters = [];
    for (const wake of waiters) wake();
    res.writeHead(status, { 'Content-Type': 'application/json', ...headers });
    res.end(JSON.stringify(body));
  }

  private answer(r: XFakeRequest): [number, Record<string, unknown>, Record<string, string>] {
    const problem = (status: number, title: string, detail: string): [number, Record<string, unknown>, Record<string, string>] =>
      [status, { title, detail, type: 'about:blank', status }, {}];
    const failure = this.failures.shift();
    if (failure) {
      const [status, body] = problem(failure.status, failure.status === 429 ? 'Too Many Requests' : 'Service Unavailable', 'Simulated failure');
      return [status, body, failure.headers];
    }
    if (this.options.accessToken !== undefined && r.bearer !== this.options.accessToken) return problem(401, 'Unauthorized', 'Unauthorized');
    if (r.kind !== 'sendMessage') return problem(404, 'Not Found Error', `${r.path} not found`);
    if (r.method !== 'POST') return problem(405, 'Method Not Allowed', 'Method not allowed');
    const text = r.json?.text;
    if (typeof text !== 'string' || text.trim() === '') return problem(400, 'Invalid Request', 'One or more parameters to your request was invalid.');
    if ([...text].length > 10_000) return problem(400, 'Invalid Request', 'text: must be at most 10000 characters');
    const ours = this.options.ourUserId ?? '1';
    const ids = [ours, r.participantId ?? ''].sort((a, b) => (BigInt(a) < BigInt(b) ? -1 : 1));
    this.nextEventId += 1n;
    return [201, { data: { dm_conversation_id: ids.join('-'), dm_event_id: String(this.nextEventId) } }, {}];
  }
}
