import type { Request, Response, Server } from 'restify';
import { ApiError } from '../../../services/http/api-error';
import { crcResponseToken, validXSignature, X_SIGNATURE_HEADER } from '../../../services/x/signature';
import type { XActivityPayload, XConversations, XLogger } from './x-conversations';

export interface XRoutesDeps {
  x: XConversations;
  /** X_CONSUMER_SECRET: the key of the CRC answer and of every event signature. */
  consumerSecret: string;
  logger: XLogger;
}

/**
 * `GET /api/x/webhook?crc_token=…`: the Challenge-Response Check, answered `{"response_token": "sha256=…"}`.
 * `POST /api/x/webhook`: Account Activity deliveries, signed (`x-twitter-webhooks-signature`, HMAC-SHA256 of the raw
 * body with the consumer secret); a missing or wrong signature is answered 403 and nothing runs. The answer (200)
 * comes after the delivery's turns ran and their replies were sent; a redelivery runs nothing twice.
 */
export class XRoutes {
  constructor(private readonly deps: XRoutesDeps) {
    for (const k of ['x', 'consumerSecret', 'logger'] as const) {
      if (!deps?.[k]) throw new Error(`XRoutes: ${k} is required`);
    }
  }

  register(server: Server): void {
    server.get('/api/x/webhook', async (req: Request, res: Response) => {
      const token = (req.query as Record<string, unknown> | undefined)?.crc_token;
      if (typeof token !== 'string' || token === '') throw new ApiError(400, 'BadArgument', 'Falta el parámetro crc_token.');
      res.setHeader('Cache-Control', 'no-store');
      res.send(200, { response_token: crcResponseToken(this.deps.consumerSecret, token) });
    });

    server.post('/api/x/webhook', async (req: Request, res: Response) => {
      const raw = rawBody(req);
      const header = req.headers[X_SIGNATURE_HEADER];
      const signature = Array.isArray(header) ? header[0] : header;
      if (!validXSignature(this.deps.consumerSecret, signature, raw)) {
        this.deps.logger.warn(
          { path: req.getPath?.() ?? req.url, signature: signature ? 'invalid' : 'missing', remote: req.socket?.remoteAddress },
          'x: webhook with an invalid signature refused',
        );
        throw new ApiError(403, 'InvalidSignature', 'La firma x-twitter-webhooks-signature de la solicitud no es válida.');
      }
      let payload: unknown;
      try {
        payload = JSON.parse(raw.toString('utf8'));
      } catch {
        throw new ApiError(400, 'BadArgument', 'El cuerpo de la solicitud no es JSON válido.');
      }
      if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) {
        throw new ApiError(400, 'BadArgument', 'El cuerpo de la solicitud debe ser un objeto JSON.');
      }
      const outcome = await this.deps.x.delivery(payload as XActivityPayload);
      res.send(200, { ok: true, ...outcome });
    });
  }
}

/** The body exactly as received (restify's body parser keeps it as `rawBody`). */
function rawBody(req: Request): Buffer {
  const raw: unknown = (req as Request & { rawBody?: unknown }).rawBody;
  if (Buffer.isBuffer(raw)) return raw;
  if (typeof raw === 'string') return Buffer.from(raw, 'utf8');
  return Buffer.alloc(0);
}
