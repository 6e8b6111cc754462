import type { Request, Response, Server } from 'restify';
import { ApiError } from '../../../services/http/api-error';
import { FACEBOOK_SIGNATURE_HEADER, validFacebookSignature } from '../../../services/facebook/signature';
import type { FacebookConversations, FacebookLogger, MessengerWebhookBody } from './facebook-conversations';

export interface FacebookRoutesSettings {
  /** FACEBOOK_APP_SECRET: the key of `X-Hub-Signature-256`. */
  appSecret: string;
  /** FACEBOOK_VERIFY_TOKEN: what the app's webhook settings send when subscribing. */
  verifyToken: string;
}

/** The body exactly as received (restify's body parser keeps it as `req.rawBody`). */
export function rawBody(req: Request): string | Buffer | null {
  const raw: unknown = (req as Request & { rawBody?: unknown }).rawBody ?? req.body;
  return typeof raw === 'string' || Buffer.isBuffer(raw) ? raw : null;
}

function first(value: unknown): string | undefined {
  const v = Array.isArray(value) ? (value as unknown[])[0] : value;
  return typeof v === 'string' ? v : undefined;
}

/**
 * `GET /api/facebook/webhook`: Meta's subscription check (`hub.mode=subscribe`, `hub.verify_token` →
 * `hub.challenge` as text). `POST /api/facebook/webhook`: events, signed with `X-Hub-Signature-256` over the raw
 * body; a missing or wrong signature is answered 403 and nothing runs; a good one is answered 200 at once and its
 * events processed after.
 */
export class FacebookRoutes {
  constructor(
    private readonly settings: FacebookRoutesSettings,
    private readonly facebook: FacebookConversations,
    private readonly logger: FacebookLogger,
  ) {
    if (!settings?.appSecret) throw new Error('FacebookRoutes: settings.appSecret is required');
    if (!settings.verifyToken) throw new Error('FacebookRoutes: settings.verifyToken is required');
    if (!facebook) throw new Error('FacebookRoutes: facebook is required');
    if (!logger) throw new Error('FacebookRoutes: logger is required');
  }

  register(server: Server): void {
    server.get('/api/facebook/webhook', async (req: Request, res: Response) => {
      const query = (req.query ?? {}) as Record<string, unknown>;
      const mode = first(query['hub.mode']);
      const token = first(query['hub.verify_token']);
      const challenge = first(query['hub.challenge']) ?? '';
      if (mode !== 'subscribe' || token !== this.settings.verifyToken) {
        this.logger.warn({ mode: mode ?? null, token: token ? 'wrong' : 'missing' }, 'facebook: webhook verification refused');
        throw new ApiError(403, 'Forbidden', 'El token de verificación del webhook de Messenger no es válido.');
      }
      res.setHeader('Content-Type', 'text/plain; charset=utf-8');
      res.setHeader('Cache-Control', 'no-store');
      res.sendRaw(200, challenge);
    });

    server.post('/api/facebook/webhook', async (req: Request, res: Response) => {
      const raw = rawBody(req);
      const header = first(req.headers[FACEBOOK_SIGNATURE_HEADER.toLowerCase()]);
      if (raw === null || !validFacebookSignature(this.settings.appSecret, header, raw)) {
        this.logger.warn(
          { signature: header ? 'invalid' : 'missing', remote: req.socket?.remoteAddress },
          'facebook: webhook with an invalid signature refused',
        );
        throw new ApiError(403, 'InvalidSignature', 'La firma X-Hub-Signature-256 de la solicitud no es válida.');
      }
      let body: MessengerWebhookBody;
      try {
        body = JSON.parse(typeof raw === 'string' ? raw : raw.toString('utf8')) as MessengerWebhookBody;
      } catch {
        throw new ApiError(400, 'BadArgument', 'El cuerpo de la solicitud no es JSON válido.');
      }
      this.facebook.accept(body);
      res.setHeader('Content-Type', 'text/plain; charset=utf-8');
      res.sendRaw(200, 'EVENT_RECEIVED');
    });
  }
}
