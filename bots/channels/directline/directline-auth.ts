import type { IncomingMessage } from 'node:http';
import { ApiError } from '../../../services/http/api-error';
import { sameSecret } from '../../../services/security/same-secret';
import type { DirectLineClaims, DirectLineTokens } from './directline-token';

/** Who is calling: a trusted backend holding the Direct Line secret, or a token holder. */
export type DirectLineCaller = { kind: 'secret' } | { kind: 'token'; claims: DirectLineClaims };

function bearerOf(header: string | string[] | undefined): string | null {
  const value = Array.isArray(header) ? header[0] : header;
  if (!value) return null;
  const m = /^Bearer\s+(\S+)\s*$/i.exec(value);
  return m ? (m[1] as string) : null;
}

/**
 * Checks the Authorization header. Missing → 401; forged, expired, or scoped to another
 * conversation → 403 (the statuses Direct Line clients act on: 403 makes them refresh or stop).
 */
export function authorize(
  authorization: string | string[] | undefined,
  tokens: DirectLineTokens,
  secret: string | undefined,
  conversationId?: string,
): DirectLineCaller {
  const bearer = bearerOf(authorization);
  if (!bearer) {
    throw new ApiError(401, 'MissingToken', 'Falta el encabezado Authorization: Bearer <token>.');
  }
  if (secret && sameSecret(bearer, secret)) return { kind: 'secret' };
  const check = tokens.check(bearer);
  if (!check.ok) {
    if (check.reason === 'expired') throw new ApiError(403, 'TokenExpired', 'El token expiró; solicite uno nuevo.');
    throw new ApiError(403, 'InvalidToken', 'El token no es válido.');
  }
  if (check.claims.use !== 'conv') throw new ApiError(403, 'InvalidToken', 'Ese token no sirve para esta operación.');
  if (conversationId !== undefined && check.claims.cid !== conversationId) {
    throw new ApiError(403, 'TokenConversationMismatch', 'El token no corresponde a esta conversación.');
  }
  return { kind: 'token', claims: check.claims };
}

/** The absolute ws:// or wss:// origin clients should connect their stream to. */
export function streamOrigin(req: IncomingMessage, publicBaseUrl: string | undefined): string {
  if (publicBaseUrl) return publicBaseUrl.replace(/^http/i, 'ws');
  const forwarded = req.headers['x-forwarded-proto'];
  const proto = (Array.isArray(forwarded) ? forwarded[0] : forwarded)?.split(',')[0]?.trim();
  const secure = proto === 'https' || ('encrypted' in req.socket && Boolean(req.socket.encrypted));
  const host = req.headers.host ?? 'localhost';
  return `${secure ? 'wss' : 'ws'}://${host}`;
}

/** The http(s) origin of this server as providers and clients reach it. */
export function httpOrigin(req: IncomingMessage, publicBaseUrl: string | undefined): string {
  return streamOrigin(req, publicBaseUrl).replace(/^ws/i, 'http');
}
