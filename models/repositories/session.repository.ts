import { and, eq, gt, lt, sql } from 'drizzle-orm';
import type { Db } from '../db';
import { sessions, users } from '../schema';
import type { UserRole } from './user.repository';

export interface SessionUser {
  id: string;
  email: string;
  displayName: string;
  role: UserRole;
}

export interface SessionRow {
  user: SessionUser;
  csrfToken: string;
  expiresAt: Date;
  lastSeenAt: Date;
  createdAt: Date;
}

/** Console sessions, keyed by a hash of the cookie token. */
export class SessionRepository {
  constructor(private readonly db: Db) {
    if (!db) throw new Error('SessionRepository: db is required');
  }

  async create(s: { tokenHash: string; userId: string; csrfToken: string; expiresAt: Date; now: Date }): Promise<void> {
    const { now, ...row } = s;
    await this.db.insert(sessions).values({ ...row, createdAt: now, lastSeenAt: now });
    await this.db.update(users).set({ lastLoginAt: sql`now()` }).where(eq(users.id, s.userId));
  }

  /** The live session of an active user, or null (expired, unknown, or the user was deactivated). */
  async find(tokenHash: string, now: Date): Promise<SessionRow | null> {
    const [row] = await this.db
      .select({
        id: users.id,
        email: users.email,
        displayName: users.displayName,
        role: users.role,
        csrfToken: sessions.csrfToken,
        expiresAt: sessions.expiresAt,
        lastSeenAt: sessions.lastSeenAt,
        createdAt: sessions.createdAt,
      })
      .from(sessions)
      .innerJoin(users, eq(users.id, sessions.userId))
      .where(and(eq(sessions.tokenHash, tokenHash), gt(sessions.expiresAt, now), eq(users.active, true)))
      .limit(1);
    if (!row) return null;
    const { csrfToken, expiresAt, lastSeenAt, createdAt, ...user } = row;
    return { user, csrfToken, expiresAt, lastSeenAt, createdAt };
  }

  async touch(tokenHash: string, now: Date, expiresAt: Date): Promise<void> {
    await this.db.update(sessions).set({ lastSeenAt: now, expiresAt }).where(eq(sessions.tokenHash, tokenHash));
  }

  async delete(tokenHash: string): Promise<void> {
    await this.db.delete(sessions).where(eq(sessions.tokenHash, tokenHash));
  }

  async deleteExpired(now: Date): Promise<number> {
    const rows = await this.db.delete(sessions).where(lt(sessions.expiresAt, now)).returning({ t: sessions.tokenHash });
    return rows.length;
  }
}
