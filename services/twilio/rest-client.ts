/**
 * The one client for Twilio's REST API (2010-04-01): place and redirect calls, start recordings, send messages.
 *
 * Requests are form-encoded POSTs with HTTP Basic auth (Account SID : Auth Token) to a configurable base URL
 * (`TWILIO_API_BASE_URL`), so tests point it at a local server that records what it receives. 429 and 5xx answers
 * are retried twice with backoff; other failures throw {@link TwilioApiError} with Twilio's error code. Neither the
 * token, the Authorization header nor request bodies (phone numbers) are ever logged.
 */

/** Parameters of {@link TwilioRestClient.createCall}. */
export interface CreateCallParams {
  to: string;
  from: string;
  /** TwiML URL requested when the call is answered. */
  url: string;
  statusCallback?: string;
  /** `initiated`, `ringing`, `answered`, `completed` (Twilio's default is `completed` only). */
  statusCallbackEvent?: string[];
  /** Seconds to ring before `no-answer`. */
  timeout?: number;
  sendDigits?: string;
  record?: boolean;
}

/** Parameters of {@link TwilioRestClient.updateCall}: new TwiML (by URL or inline) or the end of the call. */
export interface UpdateCallParams {
  url?: string;
  twiml?: string;
  status?: 'completed' | 'canceled';
}

/** Parameters of {@link TwilioRestClient.startRecording}. */
export interface StartRecordingParams {
  recordingStatusCallback?: string;
}

/** Parameters of {@link TwilioRestClient.sendMessage}. */
export interface SendMessageParams {
  /** E.164 number, or `whatsapp:+52…`. */
  to: string;
  from: string;
  body: string;
  statusCallback?: string;
}

/** What the rest of the product needs from Twilio's REST API. */
export interface TwilioRestClient {
  createCall(p: CreateCallParams): Promise<{ sid: string; status: string }>;
  updateCall(callSid: string, p: UpdateCallParams): Promise<{ sid: string; status: string }>;
  startRecording(callSid: string, p: StartRecordingParams): Promise<{ sid: string }>;
  sendMessage(p: SendMessageParams): Promise<{ sid: string; status: string }>;
}

/** A refused or failed request: `status` is the HTTP status (0: no answer), `code` Twilio's error code when given. */
export class TwilioApiError extends Error {
  override readonly name = 'TwilioApiError';

  constructor(
    readonly status: number,
    readonly code: number | null,
    message: string,
  ) {
    super(message);
  }
}

/** Where retries and failures are reported (pino-compatible). */
export interface TwilioClientLogger {
  warn(obj: object, msg?: string): void;
}

/** Options of {@link HttpTwilioRestClient}. */
export interface HttpTwilioRestClientOptions {
  accountSid: string;
  authToken: string;
  /** Default `https://api.twilio.com`. */
  baseUrl?: string;
  fetch?: typeof fetch;
  /** Per-request timeout, default 10 s. */
  timeoutMs?: number;
  logger?: TwilioClientLogger;
  /** Waits before retry `attempt` (1, 2); default 250 ms × 2^(attempt-1), or the server's Retry-After (at most 5 s). */
  sleep?: (ms: number) => Promise<void>;
}

type Form = Array<[string, string]>;

const RETRIES = 2;
const MAX_RETRY_AFTER_MS = 5_000;

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null;

/** Twilio's REST API over `fetch`. */
export class HttpTwilioRestClient implements TwilioRestClient {
  private readonly baseUrl: string;
  private readonly fetchFn: typeof fetch;
  private readonly timeoutMs: number;
  private readonly authorization: string;
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(private readonly options: HttpTwilioRestClientOptions) {
    if (!options?.accountSid) throw new Error('HttpTwilioRestClient: accountSid is required');
    if (!options.authToken) throw new Error('HttpTwilioRestClient: authToken is required');
    this.baseUrl = (options.baseUrl ?? 'https://api.twilio.com').replace(/\/+$/, '');
    this.fetchFn = options.fetch ?? globalThis.fetch;
    this.timeoutMs = options.timeoutMs ?? 10_000;
    this.authorization = `Basic ${Buffer.from(`${options.accountSid}:${options.authToken}`, 'utf8').toString('base64')}`;
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
  }

  /** Places an outbound call; Twilio requests `url` when it is answered. */
  async createCall(p: CreateCallParams): Promise<{ sid: string; status: string }> {
    const form: Form = [['To', p.to], ['From', p.from], ['Url', p.url], ['Method', 'POST']];
    if (p.statusCallback !== undefined) form.push(['StatusCallback', p.statusCallback], ['StatusCallbackMethod', 'POST']);
    for (const event of p.statusCallbackEvent ?? []) form.push(['StatusCallbackEvent', event]);
    if (p.timeout !== undefined) form.push(['Timeout', String(p.timeout)]);
    if (p.sendDigits) form.push(['SendDigits', p.sendDigits]);
    if (p.record !== undefined) form.push(['Record', String(p.record)]);
    const body = await this.post('createCall', '/Calls.json', form);
    return { sid: text(body, 'sid'), status: text(body, 'status') };
  }

  /** Redirects a live call to new TwiML, or ends it. */
  async updateCall(callSid: string, p: UpdateCallParams): Promise<{ sid: string; status: string }> {
    const form: Form = [];
    if (p.url !== undefined) form.push(['Url', p.url], ['Method', 'POST']);
    if (p.twiml !== undefined) form.push(['Twiml', p.twiml]);
    if (p.status !== undefined) form.push(['Status', p.status]);
    if (form.length === 0) throw new Error('HttpTwilioRestClient.updateCall(): nothing to update');
    const body = await this.post('updateCall', `/Calls/${sid(callSid)}.json`, form);
    return { sid: text(body, 'sid'), status: text(body, 'status') };
  }

  /** Starts recording a live call (both legs); the recording status callback gets the file when it ends. */
  async startRecording(callSid: string, p: StartRecordingParams): Promise<{ sid: string }> {
    const form: Form = [];
    if (p.recordingStatusCallback !== undefined) {
      form.push(['RecordingStatusCallback', p.recordingStatusCallback], ['RecordingStatusCallbackMethod', 'POST']);
    }
    const body = await this.post('startRecording', `/Calls/${sid(callSid)}/Recordings.json`, form);
    return { sid: text(body, 'sid') };
  }

  /** Sends an SMS or WhatsApp message. */
  async sendMessage(p: SendMessageParams): Promise<{ sid: string; status: string }> {
    const form: Form = [['To', p.to], ['From', p.from], ['Body', p.body]];
    if (p.statusCallback !== undefined) form.push(['StatusCallback', p.statusCallback]);
    const body = await this.post('sendMessage', '/Messages.json', form);
    return { sid: text(body, 'sid'), status: text(body, 'status') };
  }

  private async post(method: string, resource: string, form: Form): Promise<Record<string, unknown>> {
    const url = `${this.baseUrl}/2010-04-01/Accounts/${encodeURIComponent(this.options.accountSid)}${resource}`;
    const payload = new URLSearchParams(form).toString();
    for (let attempt = 0; ; attempt += 1) {
      let response: Response;
      try {
        response = await this.fetchFn(url, {
          method: 'POST',
          headers: { Authorization: this.authorization, 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'application/json' },
          body: payload,
          redirect: 'error',
          signal: AbortSignal.timeout(this.timeoutMs),
        });
      } catch (error) {
        // Not retried: the request may have reached Twilio (a second call or message would be a duplicate).
        const reason = error instanceof Error ? error.message : String(error);
        this.options.logger?.warn({ method, resource: resourceName(resource), reason }, 'Twilio REST request failed');
        throw new TwilioApiError(0, null, `HttpTwilioRestClient.${method}(): no answer from Twilio: ${reason}`);
      }
      const body = await readJson(response);
      if (response.ok) return body;
      // 429 means refused, safe to repeat; after a 5xx a new call or message may exist, so only updates are repeated.
      const retriable = response.status === 429 || (response.status >= 500 && method !== 'createCall' && method !== 'sendMessage');
      const code = typeof body.code === 'number' ? body.code : null;
      this.options.logger?.warn(
        { method, resource: resourceName(resource), status: response.status, code, attempt: attempt + 1, willRetry: retriable && attempt < RETRIES },
        'Twilio REST request refused',
      );
      if (!retriable || attempt >= RETRIES) {
        const message = typeof body.message === 'string' ? body.message : response.statusText || 'request failed';
        throw new TwilioApiError(response.status, code, `HttpTwilioRestClient.${method}(): Twilio answered ${response.status}: ${message}`);
      }
      await this.sleep(retryDelay(response, attempt + 1));
    }
  }
}

function retryDelay(response: Response, attempt: number): number {
  const header = response.headers.get('retry-after');
  const seconds = header !== null && /^\d+$/.test(header.trim()) ? Number(header) : NaN;
  if (Number.isFinite(seconds)) return Math.min(seconds * 1000, MAX_RETRY_AFTER_MS);
  return 250 * 2 ** (attempt - 1);
}

async function readJson(response: Response): Promise<Record<string, unknown>> {
  const raw = await response.text();
  if (raw === '') return {};
  try {
    const parsed: unknown = JSON.parse(raw);
    return isRecord(parsed) ? parsed : {};
  } catch {
    return {};
  }
}

function text(body: Record<string, unknown>, field: string): string {
  const value = body[field];
  if (typeof value !== 'string') throw new TwilioApiError(200, null, `HttpTwilioRestClient: Twilio's answer has no "${field}"`);
  return value;
}

function sid(callSid: string): string {
  if (!/^[A-Za-z0-9]+$/.test(callSid)) throw new Error(`HttpTwilioRestClient: invalid call SID "${callSid}"`);
  return callSid;
}

/** The resource kind for logs, without SIDs: `/Calls/CA…/Recordings.json` → `Calls/Recordings`. */
function resourceName(resource: string): string {
  return resource.replace(/\.json$/, '').split('/').filter((part) => part !== '' && !/^[A-Z]{2}[0-9a-fA-F]{10,}$/.test(part)).join('/');
}
