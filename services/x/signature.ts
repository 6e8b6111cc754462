/**
 * The two checks of X's webhooks (Account Activity API), both HMAC-SHA256 keyed with the app's consumer secret
 * (API secret key), base64-encoded and prefixed with `sha256=`:
 *
 * - the Challenge-Response Check: `GET <webhook>?crc_token=…` is answered `{"response_token": "sha256=<hmac of the
 *   crc_token>"}`;
 * - every event `POST` carries `x-twitter-webhooks-signature: sha256=<hmac of the raw body>`.
 *
 * Pure functions; the routes pass the raw request body exactly as received.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

/** The header of every event delivery (lower case, as Node exposes it). */
export const X_SIGNATURE_HEADER = 'x-twitter-webhooks-signature';

/** `sha256=` + base64 HMAC-SHA256 of `data` keyed with `consumerSecret`. */
export function xHmac(consumerSecret: string, data: string | Buffer): string {
  return `sha256=${createHmac('sha256', consumerSecret).update(data).digest('base64')}`;
}

/** The `response_token` answering a CRC request's `crc_token`. */
export function crcResponseToken(consumerSecret: string, crcToken: string): string {
  return xHmac(consumerSecret, Buffer.from(crcToken, 'utf8'));
}

/** The `x-twitter-webhooks-signature` X sends with `rawBody`. */
export function xWebhookSignature(consumerSecret: string, rawBody: string | Buffer): string {
  return xHmac(consumerSecret, typeof rawBody === 'string' ? Buffer.from(rawBody, 'utf8') : rawBody);
}

/** Whether `header` is the signature of `rawBody` (constant-time compare; a missing or malformed header is false). */
export function validXSignature(consumerSecret: string, header: string | undefined, rawBody: string | Buffer): boolean {
  if (!consumerSecret || typeof header !== 'string' || !header.startsWith('sha256=')) return false;
  const expected = Buffer.from(xWebhookSignature(consumerSecret, rawBody), 'utf8');
  const given = Buffer.from(header.trim(), 'utf8');
  return given.length === expected.length && timingSafeEqual(given, expected);
}
