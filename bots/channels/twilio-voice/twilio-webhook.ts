import type { Request, Response } from 'restify';
import { ApiError } from '../../../services/http/api-error';
import { type TwilioParams, TWILIO_SIGNATURE_HEADER, validTwilioSignature } from '../../../services/twilio/signature';
import { TWIML_CONTENT_TYPE } from '../../../services/twilio/twiml';

export interface TwilioWebhookSettings {
  /** TWILIO_AUTH_TOKEN: the key of every request signature. */
  authToken: string;
  /** PUBLIC_BASE_URL without a trailing slash: the URL Twilio calls, which it signs (with the path and query). */
  publicBaseUrl: string;
}

interface Logger {
  warn(obj: object, msg?: string): void;
}

/**
 * The posted form parameters exactly as sent, from the raw body (restify's parser would read `a[b]=` as nested
 * objects): every name once, a repeated name with all its values in order.
 */
export function formParams(req: Request): TwilioParams {
  const raw: unknown = (req as Request & { rawBody?: unknown }).rawBody;
  const text = typeof raw === 'string' ? raw : Buffer.isBuffer(raw) ? raw.toString('utf8') : '';
  const contentType = String(req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase();
  if (text === '' || contentType !== 'application/x-www-form-urlencoded') return {};
  const out: TwilioParams = {};
  for (const [name, value] of new URLSearchParams(text)) {
    const seen = out[name];
    if (seen === undefined) out[name] = value;
    else out[name] = Array.isArray(seen) ? [...seen, value] : [seen, value];
  }
  return out;
}

/** The first value of a parameter, trimmed; undefined when absent or empty. */
export function param(params: TwilioParams, name: string): string | undefined {
  const v = params[name];
  const first = Array.isArray(v) ? v[0] : v;
  const trimmed = first?.trim();
  return trimmed === undefined || trimmed === '' ? undefined : trimmed;
}

/** A query-string parameter of the request (our own URLs carry the conversation id and the like). */
export function queryParam(req: Request, name: string): string | undefined {
  const v = (req.query as Record<string, unknown> | undefined)?.[name];
  return typeof v === 'string' && v !== '' ? v : undefined;
}

/** Answers with a TwiML document. */
export function sendTwiml(res: Response, xml: string): void {
  res.setHeader('Content-Type', TWIML_CONTENT_TYPE);
  res.setHeader('Cache-Control', 'no-store');
  res.sendRaw(200, xml);
}

/**
 * Checks `X-Twilio-Signature` on every Twilio webhook: HMAC over `PUBLIC_BASE_URL` + the request's path and query,
 * and the posted parameters. A request that fails is answered 403 (`InvalidSignature`) and logged; nothing else runs.
 * Used by the voice, SMS and callback routes.
 */
export class TwilioWebhook {
  constructor(
    private readonly settings: TwilioWebhookSettings,
    private readonly logger: Logger,
  ) {
    if (!settings?.authToken) throw new Error('TwilioWebhook: settings.authToken is required');
    if (!settings.publicBaseUrl) {
      throw new Error('TwilioWebhook: PUBLIC_BASE_URL is required with Twilio (the request signatures are checked against it)');
    }
    if (!logger) throw new Error('TwilioWebhook: logger is required');
  }

  /** The public URL of this request, as Twilio requested (and signed) it. */
  publicUrl(req: Request): string {
    return `${this.settings.publicBaseUrl}${req.url ?? ''}`;
  }

  /** The verified form parameters; throws ApiError 403 when the signature is missing or wrong. */
  verify(req: Request): TwilioParams {
    const params = formParams(req);
    const header = req.headers[TWILIO_SIGNATURE_HEADER.toLowerCase()];
    const signature = Array.isArray(header) ? header[0] : header;
    if (!validTwilioSignature(this.settings.authToken, signature, this.publicUrl(req), params)) {
      this.logger.warn(
        { path: req.getPath?.() ?? req.url, signature: signature ? 'invalid' : 'missing', remote: req.socket?.remoteAddress },
        'twilio: webhook with an invalid signature refused',
      );
      throw new ApiError(403, 'InvalidSignature', 'La firma X-Twilio-Signature de la solicitud no es válida.');
    }
    return params;
  }
}
