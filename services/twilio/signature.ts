/**
 * Twilio's request signature (`X-Twilio-Signature`), the legacy Auth Token scheme that every voice and messaging
 * webhook carries: base64 of HMAC-SHA1, keyed with the account's Auth Token, over the full URL Twilio requested (with
 * its query string) followed by each POST parameter name and value, names in sorted order.
 *
 * Pure functions; the adapter passes the URL rebuilt from `PUBLIC_BASE_URL` + path + query and the parsed form body.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

/** Posted form parameters; a repeated name carries every value. */
export type TwilioParams = Record<string, string | string[]>;

/** Name of the header that carries the signature. */
export const TWILIO_SIGNATURE_HEADER = 'X-Twilio-Signature';

/**
 * The string Twilio signs: `url`, then for each parameter name in code-unit order the name followed by its value;
 * a repeated name appears once per distinct value, values sorted.
 */
function signedData(url: string, params: TwilioParams): string {
  let data = url;
  for (const name of Object.keys(params).sort()) {
    const value = params[name];
    if (value === undefined) continue;
    const values = Array.isArray(value) ? [...new Set(value)].sort() : [value];
    for (const v of values) data += name + v;
  }
  return data;
}

/**
 * The `X-Twilio-Signature` Twilio sends for a request to `url` with `params` (the POST body; `{}` for GET).
 *
 * @param authToken - the account's Auth Token
 * @param url - the URL Twilio requested, exactly, with its query string
 * @param params - the form parameters posted
 * @returns base64 HMAC-SHA1
 */
export function twilioSignature(authToken: string, url: string, params: TwilioParams): string {
  return createHmac('sha1', authToken).update(Buffer.from(signedData(url, params), 'utf8')).digest('base64');
}

const URL_PARTS = /^([a-z][a-z0-9+.-]*:\/\/)([^/?#]*)(.*)$/is;
const DEFAULT_PORTS: Record<string, string> = { 'https://': '443', 'http://': '80' };

/**
 * The forms of `url` Twilio may have signed: as given, without its port, and with the scheme's default port when
 * it has none (Twilio signs the URL as it requested it; proxies and configuration may add or drop `:443`).
 */
function urlVariants(url: string): string[] {
  const match = URL_PARTS.exec(url);
  if (match === null) return [url];
  const [, scheme = '', authority = '', rest = ''] = match;
  const userInfoEnd = authority.lastIndexOf('@') + 1;
  const hostPort = authority.slice(userInfoEnd);
  const portStart = hostPort.indexOf(':', hostPort.lastIndexOf(']') + 1); // after an IPv6 literal's bracket
  const host = portStart === -1 ? hostPort : hostPort.slice(0, portStart);
  const prefix = scheme + authority.slice(0, userInfoEnd) + host;
  const variants = [url, prefix + rest];
  const defaultPort = DEFAULT_PORTS[scheme.toLowerCase()];
  if (portStart === -1 && defaultPort !== undefined) variants.push(`${prefix}:${defaultPort}${rest}`);
  return [...new Set(variants)];
}

function sameBytes(a: string, b: string): boolean {
  const x = Buffer.from(a, 'utf8');
  const y = Buffer.from(b, 'utf8');
  return x.length === y.length && timingSafeEqual(x, y);
}

/**
 * True when `signature` (the `X-Twilio-Signature` header) signs `url` and `params` with `authToken`. The URL is
 * also tried without its port and with the default port; comparisons are constant-time.
 *
 * @param authToken - the account's Auth Token (an empty token never validates)
 * @param signature - the header value; missing or empty → false
 * @param url - the public URL of the request (`PUBLIC_BASE_URL` + path + query)
 * @param params - the parsed form body
 */
export function validTwilioSignature(authToken: string, signature: string | undefined, url: string, params: TwilioParams): boolean {
  if (!authToken || !signature) return false;
  let valid = false;
  for (const candidate of urlVariants(url)) {
    // Every variant is checked (no early exit), so the time taken does not depend on which one matched.
    valid = sameBytes(signature, twilioSignature(authToken, candidate, params)) || valid;
  }
  return valid;
}
