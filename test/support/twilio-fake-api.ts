/**
 * A local stand-in for Twilio's REST API (api.twilio.com/2010-04-01) on a real HTTP server: it records every request
 * (method, path, form body, Basic auth) and answers like Twilio — JSON with a `sid` (`CA…` calls, `RE…` recordings,
 * `SM…` messages) and a `status` — so tests point `TWILIO_API_BASE_URL` / `HttpTwilioRestClient.baseUrl` at it.
 *
 *   const api = await TwilioFakeApi.start({ accountSid: 'AC…', authToken: '…' });
 *   api.failNext(2, 503);            // the next two requests answer 503
 *   … await api.waitForRequests(1); api.requests[0].form.To …
 *   await api.close();
 */
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request as received. */
export interface FakeApiRequest {
  method: string;
  /** Path without the query string. */
  path: string;
  query: Record<string, string>;
  /** Form body; a repeated name (`StatusCallbackEvent`) keeps every value in an array. */
  form: Record<string, string | string[]>;
  /** Decoded Basic credentials, null without (or with a malformed) Authorization header. */
  auth: { username: string; password: string } | null;
  headers: http.IncomingHttpHeaders;
  /** What kind of resource it was, for assertions. */
  kind: 'createCall' | 'updateCall' | 'startRecording' | 'sendMessage' | 'unknown';
  /** The status answered. */
  status: number;
}

/** A call placed through the fake (createCall), updated by later requests. */
export interface FakeCall {
  sid: string;
  to: string;
  from: string;
  url: string | null;
  status: string;
  statusCallback: string | null;
  statusCallbackEvent: string[];
  /** TwiML or URL updates and hang-ups, in order. */
  updates: Array<Record<string, string | string[]>>;
}

export interface TwilioFakeApiOptions {
  /** When set with `authToken`, requests with other credentials answer 401 (Twilio error 20003). */
  accountSid?: string;
  authToken?: string;
}

interface Failure {
  status: number;
  body: Record<string, unknown>;
  headers: Record<string, string>;
}

const ROUTES: Array<[RegExp, FakeApiRequest['kind']]> = [
  [/^\/2010-04-01\/Accounts\/([^/]+)\/Calls\.json$/, 'createCall'],
  [/^\/2010-04-01\/Accounts\/([^/]+)\/Calls\/([^/]+)\.json$/, 'updateCall'],
  [/^\/2010-04-01\/Accounts\/([^/]+)\/Calls\/([^/]+)\/Recordings\.json$/, 'startRecording'],
  [/^\/2010-04-01\/Accounts\/([^/]+)\/Messages\.json$/, 'sendMessage'],
];

/** A Twilio-style SID: two letters and 32 hex digits. */
export function fakeSid(prefix: string): string {
  return prefix + randomBytes(16).toString('hex');
}

function parseForm(raw: string): Record<string, string | string[]> {
  const form: Record<string, string | string[]> = {};
  for (const [name, value] of new URLSearchParams(raw)) {
    const existing = form[name];
    if (existing === undefined) form[name] = value;
    else form[name] = Array.isArray(existing) ? [...existing, value] : [existing, value];
  }
  return form;
}

function parseAuth(header: string | undefined): FakeApiRequest['auth'] {
  const match = /^Basic\s+([A-Za-z0-9+/=]+)$/.exec(header ?? '');
  if (match?.[1] === undefined) return null;
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return colon === -1 ? null : { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

const one = (value: string | string[] | undefined): string | undefined => (Array.isArray(value) ? value[0] : value);
const many = (value: string | string[] | undefined): string[] => (value === undefined ? [] : Array.isArray(value) ? value : [value]);

/** Twilio's REST API, locally. */
export class TwilioFakeApi {
  /** Every request, in arrival order. */
  readonly requests: FakeApiRequest[] = [];
  /** Calls created through `createCall`, by SID. */
  readonly calls = new Map<string, FakeCall>();
  private failures: Failure[] = [];
  private waiters: Array<() => void> = [];

  private constructor(
    private readonly server: http.Server,
    private readonly options: TwilioFakeApiOptions,
  ) {}

  /** Starts the server on 127.0.0.1 and a free port. */
  static async start(options: TwilioFakeApiOptions = {}): Promise<TwilioFakeApi> {
    const server = http.createServer();
    const api = new TwilioFakeApi(server, options);
    server.on('request', (req: http.IncomingMessage, res: http.ServerResponse) => {
      api.handle(req, res).catch((error: unknown) => {
        // Not chained: restify, once loaded in the process, makes writeHead return undefined.
        if (!res.headersSent) res.writeHead(500, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify({ message: String(error) }));
      });
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    return api;
  }

  /** `http://127.0.0.1:<port>`, for `baseUrl` / `TWILIO_API_BASE_URL`. */
  get baseUrl(): string {
    const { port } = this.server.address() as AddressInfo;
    return `http://127.0.0.1:${port}`;
  }

  /** Requests of one kind, in order. */
  requestsOf(kind: FakeApiRequest['kind']): FakeApiRequest[] {
    return this.requests.filter((r) => r.kind === kind);
  }

  /**
   * The next `count` requests answer `status` with a Twilio error body (`{code, message, more_info, status}`);
   * `body` and `headers` (e.g. `Retry-After`) override the defaults. Calls add up in order.
   */
  failNext(count: number, status: number, body: Record<string, unknown> = {}, headers: Record<string, string> = {}): void {
    const code = status === 429 ? 20429 : status >= 500 ? 20500 : status === 404 ? 20404 : 21201;
    const message = status === 429 ? 'Too Many Requests' : status >= 500 ? 'Service Unavailable' : 'Bad Request';
    for (let i = 0; i < count; i += 1) {
      this.failures.push({ status, body: { code, message, more_info: `https://www.twilio.com/docs/errors/${code}`, status, ...body }, headers });
    }
  }

  /** Resolves once at least `count` requests arrived (rejects after `timeoutMs`). */
  async waitForRequests(count: number, timeoutMs = 5_000): Promise<FakeApiRequest[]> {
    const deadline = Date.now() + timeoutMs;
    while (this.requests.length < count) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`TwilioFakeApi: expected ${count} requests, got ${this.requests.length}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
    return this.requests.slice(0, count);
  }

  /** Forgets requests, calls and pending failures. */
  reset(): void {
    this.requests.length = 0;
    this.calls.clear();
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
    const route = ROUTES.map(([pattern, kind]) => [pattern.exec(url.pathname), kind] as const).find(([m]) => m !== null);
    const record: FakeApiRequest = {
      method: req.method ?? 'GET',
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      form: parseForm(Buffer.concat(chunks).toString('utf8')),
      auth: parseAuth(req.headers.authorization),
      headers: req.headers,
      kind: route?.[1] ?? 'unknown',
      status: 0,
    };
    const [status, body, headers] = this.answer(record, route?.[0] ?? null);
    record.status = status;
    this.requests.push(record);
    const waiters = this.waiters;
    this.waiters = [];
    for (const wake of waiters) wake();
    res.writeHead(status, { 'Content-Type': 'application/json', ...headers });
    res.end(JSON.stringify(body));
  }

  private answer(r: FakeApiRequest, match: RegExpExecArray | null): [number, Record<string, unknown>, Record<string, string>] {
    const failure = this.failures.shift();
    if (failure !== undefined) return [failure.status, failure.body, failure.headers];
    const error = (status: number, code: number, message: string): [number, Record<string, unknown>, Record<string, string>] =>
      [status, { code, message, more_info: `https://www.twilio.com/docs/errors/${code}`, status }, {}];
    const { accountSid, authToken } = this.options;
    if (accountSid !== undefined && authToken !== undefined &&
        (r.auth?.username !== accountSid || r.auth.password !== authToken || match?.[1] !== accountSid)) {
      return error(401, 20003, 'Authenticate');
    }
    if (match === null) return error(404, 20404, `The requested resource ${r.path} was not found`);
    if (r.method !== 'POST') return error(405, 20004, 'Method not allowed');
    const form = r.form;
    const now = new Date().toUTCString();
    switch (r.kind) {
      case 'createCall': {
        const to = one(form.To);
        const from = one(form.From);
        if (!to) return error(400, 21201, "No 'To' number is specified");
        if (!from) return error(400, 21213, "No 'From' number is specified");
        if (!one(form.Url) && !one(form.Twiml) && !one(form.ApplicationSid)) return error(400, 21205, 'Url parameter is required.');
        const call: FakeCall = {
          sid: fakeSid('CA'), to, from, url: one(form.Url) ?? null, status: 'queued',
          statusCallback: one(form.StatusCallback) ?? null, statusCallbackEvent: many(form.StatusCallbackEvent), updates: [],
        };
        this.calls.set(call.sid, call);
        return [201, { sid: call.sid, account_sid: match[1], to, from, status: call.status, direction: 'outbound-api', date_created: now, api_version: '2010-04-01' }, {}];
      }
      case 'updateCall': {
        const callSid = match[2] ?? '';
        // Calls Twilio created itself (inbound ones, in webhook tests) are not in `calls`: accept them too.
        const call = this.calls.get(callSid);
        const requested = one(form.Status);
        const status = requested === 'completed' || requested === 'canceled' ? requested : 'in-progress';
        if (call !== undefined) {
          call.status = status;
          call.updates.push(form);
        }
        return [200, { sid: callSid, account_sid: match[1], status, date_updated: now, api_version: '2010-04-01' }, {}];
      }
      case 'startRecording':
        return [201, { sid: fakeSid('RE'), account_sid: match[1], call_sid: match[2], status: 'in-progress', channels: 2, source: 'StartCallRecordingAPI', date_created: now }, {}];
      case 'sendMessage': {
        const to = one(form.To);
        if (!to) return error(400, 21604, "A 'To' phone number is required.");
        if (!one(form.From)) return error(400, 21603, "A 'From' phone number is required.");
        if (!one(form.Body)) return error(400, 21602, 'Message body is required.');
        return [201, { sid: fakeSid('SM'), account_sid: match[1], to, from: one(form.From), body: one(form.Body), status: 'queued', num_segments: '1', date_created: now }, {}];
      }
      default:
        return error(404, 20404, `The requested resource ${r.path} was not found`);
    }
  }
}
