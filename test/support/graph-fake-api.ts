/**
 * A local stand-in for the Messenger Send API (graph.facebook.com/v21.0/me/messages) on a real HTTP server: it
 * records every request (path, query, JSON body) and answers like Graph — `{ recipient_id, message_id }`, or
 * `{ error: { message, type, code, fbtrace_id } }` — so tests point `FACEBOOK_GRAPH_BASE_URL` at it.
 *
 *   const graph = await GraphFakeApi.start({ pageAccessToken: 'EAAB…' });
 *   graph.failNext(2, 503);  // the next two requests answer 503
 *   await graph.waitForMessages(1); graph.messages[0].body.message.text …
 */
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface GraphRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  body: {
    recipient?: { id?: string };
    messaging_type?: string;
    tag?: string;
    message?: { text?: string; quick_replies?: Array<{ content_type: string; title: string; payload: string }> };
    sender_action?: string;
  };
  status: number;
}

export class GraphFakeApi {
  readonly requests: GraphRequest[] = [];
  private failures: number[] = [];
  private waiters: Array<() => void> = [];

  private constructor(
    private readonly server: http.Server,
    readonly baseUrl: string,
    private readonly token: string | undefined,
  ) {}

  static async start(options: { pageAccessToken?: string } = {}): Promise<GraphFakeApi> {
    const holder: { api?: GraphFakeApi } = {};
    const server = http.createServer((req, res) => holder.api?.handle(req, res));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    const { port } = server.address() as AddressInfo;
    holder.api = new GraphFakeApi(server, `http://127.0.0.1:${port}`, options.pageAccessToken);
    return holder.api;
  }

  /** Text messages sent (sender actions left out). */
  get messages(): GraphRequest[] {
    return this.requests.filter((r) => r.status === 200 && r.body.message !== undefined);
  }

  /** The next `count` requests answer `status`. */
  failNext(count: number, status: number): void {
    for (let i = 0; i < count; i++) this.failures.push(status);
  }

  reset(): void {
    this.requests.length = 0;
    this.failures = [];
  }

  async waitForMessages(count: number, timeoutMs = 10_000): Promise<GraphRequest[]> {
    const deadline = Date.now() + timeoutMs;
    while (this.messages.length < count) {
      if (Date.now() > deadline) throw new Error(`graph fake: ${this.messages.length} of ${count} messages after ${timeoutMs} ms`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 50);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
    return this.messages;
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      this.server.closeAllConnections();
      this.server.close(() => resolve());
    });
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', this.baseUrl);
      let body: GraphRequest['body'] = {};
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as GraphRequest['body'];
      } catch {
        body = {};
      }
      const record: GraphRequest = { method: req.method ?? 'GET', path: url.pathname, query: Object.fromEntries(url.searchParams), body, status: 200 };
      let status = 200;
      let answer: unknown;
      const failure = this.failures.shift();
      if (failure !== undefined) {
        status = failure;
        answer = { error: { message: 'An unexpected error has occurred. Please retry your request later.', type: 'OAuthException', code: 2, is_transient: true, fbtrace_id: 'Afake' } };
      } else if (req.method !== 'POST' || !/^\/v\d+\.\d+\/me\/messages$/.test(url.pathname)) {
        status = 404;
        answer = { error: { message: 'Unknown path components', type: 'OAuthException', code: 2500, fbtrace_id: 'Afake' } };
      } else if (this.token !== undefined && url.searchParams.get('access_token') !== this.token) {
        status = 400;
        answer = { error: { message: 'Invalid OAuth access token - Cannot parse access token', type: 'OAuthException', code: 190, fbtrace_id: 'Afake' } };
      } else if (!body.recipient?.id) {
        status = 400;
        answer = { error: { message: '(#100) The parameter recipient is required', type: 'OAuthException', code: 100, fbtrace_id: 'Afake' } };
      } else {
        answer = body.message ? { recipient_id: body.recipient.id, message_id: `m_${randomBytes(12).toString('hex')}` } : { recipient_id: body.recipient.id };
      }
      record.status = status;
      this.requests.push(record);
      for (const w of this.waiters.splice(0)) w();
      res.setHeader('Content-Type', 'application/json');
      res.writeHead(status);
      res.end(JSON.stringify(answer));
    });
  }
}
