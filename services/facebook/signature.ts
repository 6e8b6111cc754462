/**
 * Meta's webhook signature (`X-Hub-Signature-256`): `sha256=` + hex HMAC-SHA256 of the raw request body, keyed with
 * the app secret (FACEBOOK_APP_SECRET). Pure functions; the route passes the body exactly as received.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

/** Name of the header that carries the signature. */
export const FACEBOOK_SIGNATURE_HEADER = 'X-Hub-Signature-256';

/** The `X-Hub-Signature-256` value Meta sends for `rawBody`. */
export function facebookSignature(appSecret: string, rawBody: string | Buffer): string {
  const bytes = typeof rawBody === 'string' ? Buffer.from(rawBody, 'utf8') : rawBody;
  return `sha256=${createHmac('sha256', appSecret).update(bytes).digest('hex')}`;
}

/** True when `header` is the signature of `rawBody` (constant-time compare; missing or malformed → false). */
export function validFacebookSignature(appSecret: string, header: string | undefined, rawBody: string | Buffer): boolean {
  if (!appSecret || typeof header !== 'string') return false;
  const match = /^sha256=([0-9a-f]{64})$/i.exec(header.trim());
  if (!match) return false;
  const given = Buffer.from((match[1] as string).toLowerCase(), 'hex');
  const expected = Buffer.from(facebookSignature(appSecret, rawBody).slice('sha256='.length), 'hex');
  return given.length === expected.length && timingSafeEqual(given, expected);
}
