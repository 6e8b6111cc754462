import { createHmac } from 'node:crypto';
import { z } from 'zod';
import { sameSecret } from '../security/same-secret';
import { PermanentDeliveryError, type OutboxMessage, type Transport } from './outbox-worker';

/** What a `webhook` outbox message carries. The secret is not in it: the transport has it. */
export interface WebhookPayload {
  url: string;
  event: string;
  body: unknown;
}

const webhookPayloadSchema = z.object({
  url: z.string().regex(/^https?:\/\//),
  event: z.string().regex(/^[a-z][a-z0-9_.-]*$/),
  body: z.unknown(),
});

/** `sha256=<hex HMAC-SHA256 of "<timestamp>.<raw body>">`, the value of `X-Ventanilla-Signature`. */
export function signWebhook(secret: string, timestamp: string | number, rawBody: string | Buffer): string {
  const hmac = createHmac('sha256', secret);
  hmac.update(`${timestamp}.`);
  hmac.update(rawBody);
  return `sha256=${hmac.digest('hex')}`;
}

/**
 * For receivers: true when `header` (`X-Ventanilla-Signature`) signs `timestamp` (`X-Ventanilla-Timestamp`)
 * and the raw request body with `secret`, compared in constant time, and the timestamp is within
 * `toleranceSeconds` (default 300) of `now` — an old request replayed later is refused. Verify the raw
 * bytes as received, before parsing the JSON.
 */
export function verifyWebhookSignature(
  secret: string,
  timestamp: string | number | undefined,
  rawBody: string | Buffer,
  header: string | undefined,
  options: { now?: Date; toleranceSeconds?: number } = {},
): boolean {
  if (!secret || timestamp === undefined || header === undefined) return false;
  const ts = String(timestamp);
  if (!/^\d{1,12}$/.test(ts)) return false;
  const nowSeconds = Math.floor((options.now ?? new Date()).getTime() / 1000);
  if (Math.abs(nowSeconds - Number(ts)) > (options.toleranceSeconds ?? 300)) return false;
  return sameSecret(header.trim(), signWebhook(secret, ts, rawBody));
}

export interface WebhookTransportOptions {
  /** Signing secret (TICKET_WEBHOOK_SECRET), at least 16 characters. */
  secret: string;
  /** Per-request timeout, default 10 s. */
  timeoutMs?: number;
  clock?: { now(): Date };
  /** Injected for tests; the global fetch by default. */
  fetch?: typeof fetch;
}

/**
 * POSTs `webhook` outbox messages: the body is `payload.body` as JSON with `delivery` (the outbox id, the same on
 * every retry, for receivers to drop repeats) added, signed with HMAC-SHA256 over `"<timestamp>.<body>"`. Headers:
 * `X-Ventanilla-Event`, `X-Ventanilla-Delivery` (the same id), `X-Ventanilla-Timestamp` (Unix seconds) and
 * `X-Ventanilla-Signature`. A non-2xx answer, a redirect, a timeout or a network error rejects (retried).
 */
export class WebhookTransport implements Transport {
  private readonly timeoutMs: number;
  private readonly clock: { now(): Date };
  private readonly fetchFn: typeof fetch;

  constructor(private readonly options: WebhookTransportOptions) {
    if (!options?.secret || options.secret.length < 16) throw new Error('WebhookTransport: a secret of at least 16 characters is required');
    this.timeoutMs = options.timeoutMs ?? 10_000;
    this.clock = options.clock ?? { now: () => new Date() };
    this.fetchFn = options.fetch ?? fetch;
  }

  async send(message: OutboxMessage): Promise<void> {
    const parsed = webhookPayloadSchema.safeParse(message.payload);
    if (!parsed.success || parsed.data.body === undefined) {
      throw new PermanentDeliveryError(`WebhookTransport.send(): invalid webhook payload in outbox message ${message.id}`);
    }
    const { url, event, body } = parsed.data;
    // The delivery id goes inside the signed body too: receivers drop repeats by it, so it must not be forgeable
    // by replaying a captured request with another X-Ventanilla-Delivery header.
    const delivery = String(message.id);
    const raw = JSON.stringify(body !== null && typeof body === 'object' && !Array.isArray(body) ? { ...body, delivery } : body);
    const timestamp = String(Math.floor(this.clock.now().getTime() / 1000));
    const response = await this.fetchFn(url, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/json',
        'User-Agent': 'Ventanilla-Webhook/1',
        'X-Ventanilla-Event': event,
        'X-Ventanilla-Delivery': delivery,
        'X-Ventanilla-Timestamp': timestamp,
        'X-Ventanilla-Signature': signWebhook(this.options.secret, timestamp, raw),
      },
      body: raw,
      redirect: 'manual',
      signal: AbortSignal.timeout(this.timeoutMs),
    });
    // Read the answer (within the same timeout) so the connection is reused; keep a little of it for last_error.
    const answer = (await response.text().catch(() => '')).slice(0, 200);
    if (response.status < 200 || response.status > 299) {
      throw new Error(`WebhookTransport.send(): ${withoutQuery(url)} answered HTTP ${response.status}${answer ? `: ${answer}` : ''}`);
    }
  }
}

/** The URL for logs and last_error: a token in its query string or credentials stay out. */
function withoutQuery(url: string): string {
  try {
    const u = new URL(url);
    return `${u.origin}${u.pathname}`;
  } catch {
    return 'the webhook URL';
  }
}
