import type { Request, Response, Server } from 'restify';
import { z } from 'zod';
import type { SessionService } from '../../services/auth/session.service';
import { ApiError } from '../../services/http/api-error';
import type { RateLimiter } from '../../services/http/rate-limiter';
import { jsonBody, readCookie, route, SESSION_COOKIE, sessionCookie, type ConsoleRoutes } from './console-http';

const loginSchema = z.object({ email: z.string().trim().min(3).max(200), password: z.string().min(1).max(500) });

/** Login, logout and "who am I" for the console. */
export class AuthRoutes implements ConsoleRoutes {
  constructor(
    private readonly deps: {
      sessions: SessionService;
      /** Limits login attempts per client address and per account. */
      limiter: RateLimiter;
      secureCookies: boolean;
      sessionMaxAgeSeconds: number;
    },
  ) {
    if (!deps.sessions) throw new Error('AuthRoutes: sessions are required');
  }

  register(server: Server): void {
    server.post('/api/auth/login', route((req, res) => this.login(req, res)));
    server.post('/api/auth/logout', route((req, res) => this.logout(req, res)));
    server.get('/api/auth/me', route((req, res) => this.me(req, res)));
  }

  private async login(req: Request, res: Response): Promise<void> {
    const parsed = loginSchema.safeParse(jsonBody(req));
    if (!parsed.success) throw new ApiError(400, 'BadArgument', 'Escriba su correo y su contraseña.');
    const { email, password } = parsed.data;
    for (const key of [`ip:${req.socket.remoteAddress ?? 'unknown'}`, `email:${email.toLowerCase()}`]) {
      const wait = this.deps.limiter.take(key);
      if (wait > 0) {
        throw new ApiError(429, 'TooManyAttempts', `Demasiados intentos de inicio de sesión; espere ${wait} s e inténtelo de nuevo.`, { 'Retry-After': String(wait) });
      }
    }
    const session = await this.deps.sessions.login(email, password);
    res.setHeader('Set-Cookie', sessionCookie(session.token, this.deps.secureCookies, this.deps.sessionMaxAgeSeconds));
    res.setHeader('Cache-Control', 'no-store');
    res.send(200, { user: session.user, csrfToken: session.csrfToken });
  }

  private async logout(req: Request, res: Response): Promise<void> {
    await this.deps.sessions.logout(readCookie(req, SESSION_COOKIE));
    res.setHeader('Set-Cookie', sessionCookie('', this.deps.secureCookies, 0));
    res.send(204);
  }

  private async me(req: Request, res: Response): Promise<void> {
    const session = await this.deps.sessions.resume(readCookie(req, SESSION_COOKIE));
    if (!session) throw new ApiError(401, 'Unauthenticated', 'Inicie sesión para continuar.');
    res.setHeader('Cache-Control', 'no-store');
    res.send(200, { user: session.user, csrfToken: session.csrfToken });
  }
}
