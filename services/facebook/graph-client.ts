/**
 * The Messenger Send API (`POST {base}/v21.0/me/messages?access_token=…`) over `fetch`: 5xx, 429 and network
 * failures are retried with backoff, other 4xx are not (the request itself is wrong, or the person cannot be messaged).
 * The page access token travels only in the query string and never appears in logs or error messages.
 */

/** The channel id of Messenger conversations. */
export const FACEBOOK_CHANNEL = 'facebook';

/** Graph API version used in the path. */
export const GRAPH_API_VERSION = 'v21.0';

/** Messenger's limits. */
export const MESSENGER_MAX_CHARS = 2000;
export const MAX_QUICK_REPLIES = 13;
export const QUICK_REPLY_TITLE_MAX = 20;
export const QUICK_REPLY_PAYLOAD_MAX = 1000;

export interface QuickReply {
  content_type: 'text';
  title: string;
  payload: string;
}

/** One Send API request body. */
export type SendRequest = {
  recipient: { id: string };
  messaging_type: 'RESPONSE' | 'UPDATE' | 'MESSAGE_TAG';
  tag?: 'HUMAN_AGENT';
} & ({ message: { text: string; quick_replies?: QuickReply[] } } | { sender_action: 'typing_on' | 'typing_off' | 'mark_seen' });

export interface MessengerSender {
  send(request: SendRequest): Promise<{ messageId: string | null }>;
}

export class GraphApiError extends Error {
  override readonly name = 'GraphApiError';
  constructor(
    readonly status: number,
    /** Graph's `error.code` (e.g. 10 / 2018278: outside the allowed window; 100: bad parameter), null when absent. */
    readonly code: number | null,
    readonly subcode: number | null,
    message: string,
  ) {
    super(message);
  }
}

export interface GraphClientLogger {
  warn(obj: object, msg?: string): void;
}

export interface GraphSendClientOptions {
  pageAccessToken: string;
  /** FACEBOOK_GRAPH_BASE_URL; default `https://graph.facebook.com`. */
  baseUrl?: string | undefined;
  apiVersion?: string;
  fetch?: typeof fetch;
  /** Per-request timeout, default 10 s. */
  timeoutMs?: number;
  /** Retries after the first attempt (default 3). */
  retries?: number;
  logger?: GraphClientLogger;
  /** Waits before retry `attempt` (1, 2, …); default 300 ms × 2^(attempt-1), or Retry-After (at most 10 s). */
  sleep?: (ms: number) => Promise<void>;
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null;

export class GraphSendClient implements MessengerSender {
  private readonly baseUrl: string;
  private readonly apiVersion: string;
  private readonly fetchFn: typeof fetch;
  private readonly timeoutMs: number;
  private readonly retries: number;
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(private readonly options: GraphSendClientOptions) {
    if (!options?.pageAccessToken) throw new Error('GraphSendClient: pageAccessToken is required');
    this.baseUrl = (options.baseUrl ?? 'https://graph.facebook.com').replace(/\/+$/, '');
    this.apiVersion = options.apiVersion ?? GRAPH_API_VERSION;
    this.fetchFn = options.fetch ?? globalThis.fetch;
    this.timeoutMs = options.timeoutMs ?? 10_000;
    this.retries = options.retries ?? 3;
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
  }

  async send(request: SendRequest): Promise<{ messageId: string | null }> {
    const url = `${this.baseUrl}/${this.apiVersion}/me/messages?access_token=${encodeURIComponent(this.options.pageAccessToken)}`;
    const payload = JSON.stringify(request);
    for (let attempt = 0; ; attempt += 1) {
      const willRetry = attempt < this.retries;
      let response: Response;
      try {
        response = await this.fetchFn(url, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
          body: payload,
          redirect: 'error',
          signal: AbortSignal.timeout(this.timeoutMs),
        });
      } catch (error) {
        const reason = this.redact(error instanceof Error ? error.message : String(error));
        this.options.logger?.warn({ attempt: attempt + 1, reason, willRetry }, 'Messenger Send API: no answer');
        if (!willRetry) throw new GraphApiError(0, null, null, `GraphSendClient.send(): no answer from the Graph API: ${reason}`);
        await this.sleep(300 * 2 ** attempt);
        continue;
      }
      const body = await readJson(response);
      if (response.ok) return { messageId: typeof body.message_id === 'string' ? body.message_id : null };
      const error = isRecord(body.error) ? body.error : {};
      const code = typeof error.code === 'number' ? error.code : null;
      const subcode = typeof error.error_subcode === 'number' ? error.error_subcode : null;
      const retriable = response.status === 429 || response.status >= 500;
      this.options.logger?.warn(
        { status: response.status, code, subcode, attempt: attempt + 1, willRetry: retriable && willRetry },
        'Messenger Send API refused the request',
      );
      if (!retriable || !willRetry) {
        const message = this.redact(typeof error.message === 'string' ? error.message : response.statusText || 'request failed');
        throw new GraphApiError(response.status, code, subcode, `GraphSendClient.send(): Graph answered ${response.status}: ${message}`);
      }
      await this.sleep(retryDelay(response, attempt + 1));
    }
  }

  private redact(text: string): string {
    return text.split(this.options.pageAccessToken).join('***').split(encodeURIComponent(this.options.pageAccessToken)).join('***');
  }
}

function retryDelay(response: Response, attempt: number): number {
  const header = response.headers.get('retry-after');
  const seconds = header !== null && /^\d+$/.test(header.trim()) ? Number(header) : NaN;
  if (Number.isFinite(seconds)) return Math.min(seconds * 1000, 10_000);
  return 300 * 2 ** (attempt - 1);
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
