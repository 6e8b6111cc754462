import { createHash, randomBytes } from 'node:crypto';
import type { SessionRepository, SessionUser, UserRole } from '../../models';

export type { SessionUser, UserRole };
import type { UserService } from '../users/user.service';
import { sameSecret } from '../security/same-secret';

export { sameSecret };

export interface Session {
  user: SessionUser;
  csrfToken: string;
}

export interface SessionSettings {
  /** A session ends after this long without a request. */
  idleMinutes: number;
  /** …and in any case this long after login. */
  absoluteHours: number;
}

export class AuthError extends Error {
  constructor(
    readonly code: 'auth/invalid_credentials' | 'auth/unauthenticated' | 'auth/forbidden' | 'auth/csrf',
    message: string,
  ) {
    super(message);
  }
}

function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** Constant-time comparison of two short secrets. */
/**
 * Console sessions: a random token in an httpOnly cookie (only its hash is stored), a CSRF token
 * the page sends back in a header, idle and absolute expiry.
 */
export class SessionService {
  constructor(
    private readonly users: UserService,
    private readonly sessions: SessionRepository,
    private readonly clock: { now(): Date },
    private readonly settings: SessionSettings = { idleMinutes: 120, absoluteHours: 12 },
  ) {
    if (!users) throw new Error('SessionService: user service is required');
    if (!sessions) throw new Error('SessionService: session repository is required');
  }

  /** Checks the password and opens a session; the returned token goes in the cookie. */
  async login(email: string, password: string): Promise<Session & { token: string }> {
    const user = await this.users.verifyPassword(email, password);
    if (!user) throw new AuthError('auth/invalid_credentials', 'Correo o contraseña incorrectos.');
    const token = randomBytes(32).toString('base64url');
    const csrfToken = randomBytes(24).toString('base64url');
    const now = this.clock.now();
    // Expired sessions are swept here: logins are rare, and the delete uses the expiry index.
    await this.sessions.deleteExpired(now);
    await this.sessions.create({ tokenHash: hashToken(token), userId: user.id, csrfToken, expiresAt: this.expiry(now, now), now });
    return { token, csrfToken, user: { id: user.id, email: user.email, displayName: user.displayName, role: user.role } };
  }

  /** The session of a cookie token, extending its idle expiry; null when absent or expired. */
  async resume(token: string | undefined): Promise<Session | null> {
    if (!token || token.length > 100) return null;
    const hash = hashToken(token);
    const now = this.clock.now();
    const row = await this.sessions.find(hash, now);
    if (!row) return null;
    // Touch at most once a minute: a busy console should not write on every request.
    if (now.getTime() - row.lastSeenAt.getTime() > 60_000) {
      await this.sessions.touch(hash, now, this.expiry(row.createdAt, now));
    }
    return { user: row.user, csrfToken: row.csrfToken };
  }

  async logout(token: string | undefined): Promise<void> {
    if (token) await this.sessions.delete(hashToken(token));
  }

  /** Throws unless the session's role is one of `roles`. */
  static requireRole(session: Session, roles: readonly UserRole[]): void {
    if (!roles.includes(session.user.role)) throw new AuthError('auth/forbidden', 'Su cuenta no tiene permiso para esta operación.');
  }

  private expiry(loginAt: Date, now: Date): Date {
    const idle = now.getTime() + this.settings.idleMinutes * 60_000;
    const absolute = loginAt.getTime() + this.settings.absoluteHours * 3_600_000;
    return new Date(Math.min(idle, absolute));
  }
}
