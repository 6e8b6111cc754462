import { eq, sql } from 'drizzle-orm';
import type { Db } from '../db';
import { USER_ROLES, users } from '../schema';
import { isUniqueViolation } from './sql-rows';

export type UserRole = (typeof USER_ROLES)[number];
export { USER_ROLES };

export interface UserRow {
  id: string;
  email: string;
  displayName: string;
  role: UserRole;
  passwordHash: string;
  /** For resolvers: the resolver group whose tickets they work; null for other roles. */
  resolverGroup: string | null;
  /** For agents: where a phone call they accept rings (E.164 number or `sip:` URI); null = no phone. */
  voiceRoute: string | null;
  active: boolean;
  createdAt: Date;
  lastLoginAt: Date | null;
}

export class DuplicateEmailError extends Error {
  readonly code = 'user/duplicate_email' as const;
  constructor(readonly email: string) {
    super(`UserRepository.create(): a user with email ${email} already exists`);
  }
}

/** Console users (agents, resolvers, coordinators, admins). */
export class UserRepository {
  constructor(private readonly db: Db) {
    if (!db) throw new Error('UserRepository: db is required');
  }

  async create(u: {
    email: string;
    displayName: string;
    role: UserRole;
    passwordHash: string;
    resolverGroup?: string | null;
    skills?: string[];
    voiceRoute?: string | null;
  }): Promise<UserRow> {
    try {
      const [row] = await this.db.insert(users).values({ ...u, email: u.email.toLowerCase() }).returning();
      if (!row) throw new Error('UserRepository.create(): insert returned nothing');
      return row;
    } catch (err) {
      if (isUniqueViolation(err)) throw new DuplicateEmailError(u.email);
      throw err;
    }
  }

  async findByEmail(email: string): Promise<UserRow | null> {
    const [row] = await this.db
      .select()
      .from(users)
      .where(sql`lower(${users.email}) = ${email.toLowerCase()}`)
      .limit(1);
    return row ?? null;
  }

  async findById(id: string): Promise<UserRow | null> {
    const [row] = await this.db.select().from(users).where(eq(users.id, id)).limit(1);
    return row ?? null;
  }

  /** Sets where the user's accepted phone calls ring, or clears it with null. False when there is no such user. */
  async setVoiceRoute(id: string, voiceRoute: string | null): Promise<boolean> {
    const rows = await this.db.update(users).set({ voiceRoute }).where(eq(users.id, id)).returning({ id: users.id });
    return rows.length > 0;
  }

  async countByRole(role: UserRole): Promise<number> {
    const [row] = await this.db
      .select({ n: sql<number>`count(*)::int` })
      .from(users)
      .where(eq(users.role, role));
    return Number(row?.n ?? 0);
  }
}
