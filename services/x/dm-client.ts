/**
 * The client for X's v2 direct-message endpoint: `POST {base}/2/dm_conversations/with/:participant_id/messages` with
 * `{"text": …}`, authorised with the account's user-context OAuth 2.0 token (`Authorization: Bearer X_ACCESS_TOKEN`,
 * scopes dm.read and dm.write). The base URL is configurable (`X_API_BASE_URL`) so tests point it at a local server.
 *
 * A 429 is a refusal, safe to repeat: it is retried (twice, after `x-rate-limit-reset` or Retry-After, at most 5 s).
 * A 5xx or a lost answer after a message create may mean the message exists: it is not resent (a duplicate DM is worse
 * than a missing one, which the transcript still shows). The token, the Authorization header and message texts are
 * never logged.
 */

/** What X answers a message create with. */
export interface XSentMessage {
  dmConversationId: string;
  dmEventId: string;
}

/** What the rest of the product needs from X's DM API. */
export interface XDmClient {
  /** Sends a one-to-one DM to the user `participantId` (at most {@link X_DM_MAX_CHARS} characters). */
  sendMessage(participantId: string, text: string): Promise<XSentMessage>;
}

/** X's limit for one direct message's text. */
export const X_DM_MAX_CHARS = 10_000;

/** A refused or failed request: `status` is the HTTP status (0: no answer). */
export class XApiError extends Error {
  override readonly name = 'XApiError';

  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export interface XClientLogger {
  warn(obj: object, msg?: string): void;
}

export interface HttpXDmClientOptions {
  /** X_ACCESS_TOKEN: OAuth 2.0 user-context access token of our account. */
  accessToken: string;
  /** Default `https://api.x.com`. */
  baseUrl?: string | undefined;
  fetch?: typeof fetch;
  /** Per-request timeout, default 10 s. */
  timeoutMs?: number;
  logger?: XClientLogger;
  sleep?: (ms: number) => Promise<void>;
}

export const X_DEFAULT_API_BASE_URL = 'https://api.x.com';
const RETRIES = 2;
const MAX_WAIT_MS = 5_000;
const USER_ID = /^\d{1,20}$/;

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null;

/** X's DM API over `fetch`. */
export class HttpXDmClient implements XDmClient {
  private readonly baseUrl: string;
  private readonly fetchFn: typeof fetch;
  private readonly timeoutMs: number;
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(private readonly options: HttpXDmClientOptions) {
    if (!options?.accessToken) throw new Error('HttpXDmClient: accessToken is required');
    this.baseUrl = (options.baseUrl ?? X_DEFAULT_API_BASE_URL).replace(/\/+$/, '');
    this.fetchFn = options.fetch ?? globalThis.fetch;
    this.timeoutMs = options.timeoutMs ?? 10_000;
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
  }

  async sendMessage(participantId: string, text: string): Promise<XSentMessage> {
    if (!USER_ID.test(participantId)) throw new Error('HttpXDmClient.sendMessage(): participantId must be a numeric X user id');
    if (text.trim() === '') throw new Error('HttpXDmClient.sendMessage(): text is empty');
    if ([...text].length > X_DM_MAX_CHARS) throw new Error(`HttpXDmClient.sendMessage(): text longer than ${X_DM_MAX_CHARS} characters`);
    const body = await this.request('sendMessage', `/2/dm_conversations/with/${participantId}/messages`, { text }, false);
    const data = isRecord(body.data) ? body.data : {};
    return { dmConversationId: String(data.dm_conversation_id ?? ''), dmEventId: String(data.dm_event_id ?? '') };
  }

  /** POSTs JSON; `repeatable` says whether a 5xx may be retried (false for creates that may have succeeded). */
  private async request(method: string, path: string, payload: unknown, repeatable: boolean): Promise<Record<string, unknown>> {
    const url = `${this.baseUrl}${path}`;
    for (let attempt = 0; ; attempt += 1) {
      let response: Response;
      try {
        response = await this.fetchFn(url, {
          method: 'POST',
          headers: { Authorization: `Bearer ${this.options.accessToken}`, 'Content-Type': 'application/json', Accept: 'application/json' },
          body: JSON.stringify(payload),
          redirect: 'error',
          signal: AbortSignal.timeout(this.timeoutMs),
        });
      } catch (error) {
        // Not retried: the request may have reached X.
        const reason = error instanceof Error ? error.message : String(error);
        this.options.logger?.warn({ method, reason }, 'X API request failed');
        throw new XApiError(0, `HttpXDmClient.${method}(): no answer from X: ${reason}`);
      }
      const body = await readJson(response);
      if (response.ok) return body;
      const retriable = response.status === 429 || (response.status >= 500 && repeatable);
      this.options.logger?.warn(
        { method, status: response.status, title: typeof body.title === 'string' ? body.title : null, attempt: attempt + 1, willRetry: retriable && attempt < RETRIES },
        'X API request refused',
      );
      if (!retriable || attempt >= RETRIES) {
        throw new XApiError(response.status, `HttpXDmClient.${method}(): X answered ${response.status}: ${problem(body) ?? (response.statusText || 'request failed')}`);
      }
      await this.sleep(retryDelay(response, attempt + 1));
    }
  }
}

/** Waits for Retry-After (seconds) or `x-rate-limit-reset` (epoch seconds), capped; else 250 ms × 2^(attempt-1). */
function retryDelay(response: Response, attempt: number): number {
  const after = response.headers.get('retry-after');
  if (after !== null && /^\d+$/.test(after.trim())) return Math.min(Number(after) * 1000, MAX_WAIT_MS);
  const reset = response.headers.get('x-rate-limit-reset');
  if (reset !== null && /^\d+$/.test(reset.trim())) return Math.max(0, Math.min(Number(reset) * 1000 - Date.now(), MAX_WAIT_MS));
  return 250 * 2 ** (attempt - 1);
}

function problem(body: Record<string, unknown>): string | null {
  if (typeof body.detail === 'string') return body.detail;
  if (typeof body.title === 'string') return body.title;
  const first = Array.isArray(body.errors) ? (body.errors[0] as unknown) : undefined;
  return isRecord(first) && typeof first.message === 'string' ? first.message : null;
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
