import type { Request, Response, Server } from 'restify';
import { AuthError, sameSecret, type Session, type SessionService, type UserRole } from '../../services/auth/session.service';
import { CatalogError } from '../../services/catalog/catalog.service';
import { CatalogValidationError } from '../../services/catalog/catalog-format';
import { ApiError } from '../../services/http/api-error';

/** A group of console routes that registers itself on the server. */
export interface ConsoleRoutes {
  register(server: Server): void;
}

export const SESSION_COOKIE = 'vt_session';

/** Reads one cookie from the request. */
export function readCookie(req: Request, name: string): string | undefined {
  const header = req.headers.cookie;
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return decodeURIComponent(part.slice(eq + 1).trim());
  }
  return undefined;
}

/** The session cookie: httpOnly, SameSite=Strict, Secure when served over https. */
export function sessionCookie(token: string, secure: boolean, maxAgeSeconds: number): string {
  return `${SESSION_COOKIE}=${encodeURIComponent(token)}; Path=/; HttpOnly; SameSite=Strict; Max-Age=${maxAgeSeconds}${secure ? '; Secure' : ''}`;
}

const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * Resolves the caller's session and checks it: 401 without one, 403 when the role is not allowed
 * or when a state-changing request lacks the session's CSRF token.
 */
export async function authorize(sessions: SessionService, req: Request, roles: readonly UserRole[]): Promise<Session> {
  const session = await sessions.resume(readCookie(req, SESSION_COOKIE));
  if (!session) throw new ApiError(401, 'Unauthenticated', 'Inicie sesión para continuar.');
  if (UNSAFE.has(req.method ?? 'GET')) {
    const given = req.headers['x-csrf-token'];
    if (typeof given !== 'string' || !sameSecret(given, session.csrfToken)) {
      throw new ApiError(403, 'CsrfFailed', 'La solicitud no trae el token de seguridad de la sesión; recargue la página.');
    }
  }
  if (!roles.includes(session.user.role)) throw new ApiError(403, 'Forbidden', 'Su cuenta no tiene permiso para esta operación.');
  return session;
}

/** Maps domain errors to HTTP errors with Spanish messages; anything else is rethrown (500). */
export function toHttpError(err: unknown): unknown {
  if (err instanceof CatalogValidationError) {
    return new ApiError(400, 'InvalidCatalog', err.message, {}, err.problems);
  }
  if (err instanceof CatalogError) {
    const map: Record<CatalogError['code'], [number, string]> = {
      'catalog/empty': [404, 'NoPublishedCatalog'],
      'catalog/service_not_found': [404, 'ServiceNotFound'],
      'catalog/version_not_found': [404, 'VersionNotFound'],
      'catalog/duplicate_code': [409, 'DuplicateCode'],
      'catalog/nothing_to_publish': [409, 'NothingToPublish'],
    };
    const [status, code] = map[err.code];
    return new ApiError(status, code, err.message);
  }
  if (err instanceof AuthError) {
    const status = err.code === 'auth/invalid_credentials' || err.code === 'auth/unauthenticated' ? 401 : 403;
    return new ApiError(status, err.code === 'auth/invalid_credentials' ? 'InvalidCredentials' : 'Forbidden', err.message);
  }
  return err;
}

/** Wraps a route so domain errors leave as JSON 4xx. */
export function route(fn: (req: Request, res: Response) => Promise<void>): (req: Request, res: Response) => Promise<void> {
  return async (req, res) => {
    try {
      await fn(req, res);
    } catch (err) {
      throw toHttpError(err);
    }
  };
}

/** The JSON body, or a 400 when it is not an object. */
export function jsonBody(req: Request): Record<string, unknown> {
  const body: unknown = req.body;
  if (body === undefined || body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw new ApiError(400, 'BadArgument', 'El cuerpo de la solicitud debe ser un objeto JSON.');
  }
  return body as Record<string, unknown>;
}

