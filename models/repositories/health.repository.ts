import fs from 'node:fs';
import path from 'node:path';
import { and, count, desc, eq, inArray, lt, sql } from 'drizzle-orm';
import { migrationsFolder, type Database, type Db } from '../db';
import { emailMessages, handoffs, healthChecks, OUTBOX_KINDS, users } from '../schema';
import { insertOutboxMessages, OutboxRepository, type NewOutboxMessage } from './outbox.repository';

/**
 * The session advisory lock (Database.tryLock, `hashtext` of this key) under which one instance runs the month's
 * health check. A text key like the mailbox readers' (`ventanilla.imap:<mailbox>`), because tryLock hashes its key;
 * the integer keys 7172001–7172018 of the transaction locks stay apart.
 */
export const HEALTH_CHECK_LOCK = 'ventanilla.health-check:monthly';

/** `monthly` (the scheduler, evidence of the month's preventive maintenance) or `manual` (an admin or the CLI). */
export type HealthRunKind = 'monthly' | 'manual';
export type HealthStatus = 'ok' | 'warn' | 'fail' | 'skipped';

/** One check of a run, as stored in `health_checks.results`. */
export interface HealthResult {
  /** Stable id: `database`, `twilio`, `imap:<user@host/mailbox>`, … */
  name: string;
  status: HealthStatus;
  /** What was found, in Spanish, without secrets. */
  detail: string;
  /** How long the check took. */
  ms: number;
}

/** A run to store. `month` only for monthly runs (YYYY-MM, the desk's calendar). */
export interface NewHealthRun {
  at: Date;
  kind: HealthRunKind;
  month: string | null;
  checkedBy: string;
  ok: boolean;
  results: HealthResult[];
}

/** What the head of the area decided after reading a run (seed 004 stage 2: «analiza resultados… define la acción»). */
export interface HealthNote {
  note: string | null;
  /** Who wrote it (e-mail). */
  notedBy: string | null;
  notedAt: Date | null;
}

/** A stored run. */
export interface HealthRun extends NewHealthRun, HealthNote {
  id: number;
}

/** A month's monthly run (the month's evidence), as the year view marks it. */
export interface MonthlyEvidence {
  month: string;
  id: number;
  at: Date;
  ok: boolean;
  counts: Record<HealthStatus, number>;
}

/** A stored run without its results, for the history. */
export type HealthRunSummary = Omit<HealthRun, 'results'> & { counts: Record<HealthStatus, number> };

/** What the database check reads. */
export interface DatabaseProbe {
  kind: 'postgres' | 'pglite';
  /** `server_version` (e.g. `16.4`). */
  version: string;
  /** Rows of drizzle's `drizzle.__drizzle_migrations`. */
  appliedMigrations: number;
  /** Entries of models/migrations/meta/_journal.json (what this build ships). */
  shippedMigrations: number;
}

/** Pending outbox messages: how many and the oldest per kind, plus the dead ones. */
export interface OutboxLag {
  pending: number;
  dead: number;
  byKind: Array<{ kind: string; pending: number; oldestAt: Date | null }>;
}

/** People waiting in the internal queues for an agent. */
export interface QueueLag {
  queued: number;
  /** When the longest current wait began (null: nobody waits). */
  longestSince: Date | null;
}

const h = healthChecks;
const SUMMARY = { id: h.id, at: h.at, kind: h.kind, month: h.month, checkedBy: h.checkedBy, ok: h.ok, note: h.note, notedBy: h.notedBy, notedAt: h.notedAt };
/** The counts per status of a run's results, computed in SQL. */
const COUNTS = sql<Record<HealthStatus, number>>`(select jsonb_build_object(
    'ok', count(*) filter (where r->>'status' = 'ok'), 'warn', count(*) filter (where r->>'status' = 'warn'),
    'fail', count(*) filter (where r->>'status' = 'fail'), 'skipped', count(*) filter (where r->>'status' = 'skipped'))
  from jsonb_array_elements(${h.results}) as r)`;

/**
 * Health checks (table `health_checks`, seed 004 «deja evidencia de lo realizado»): the stored runs, one monthly run
 * per month (partial unique index), and the read-only probes of the checks that need SQL.
 */
export class HealthRepository {
  private readonly db: Db;

  constructor(private readonly database: Database) {
    if (!database?.db) throw new Error('HealthRepository: database is required');
    this.db = database.db;
  }

  /**
   * Stores a run; null when it is a monthly run and its month already has one (nothing is written). With
   * `messagesFor`, the messages it builds from the stored run (its id, for links) are queued in the outbox in the same
   * transaction: stored and queued together, or neither.
   */
  async insert(run: NewHealthRun, messagesFor?: (stored: HealthRun) => NewOutboxMessage[]): Promise<HealthRun | null> {
    const values = { at: run.at, kind: run.kind, month: run.kind === 'monthly' ? run.month : null, checkedBy: run.checkedBy, ok: run.ok, results: [...run.results] as unknown as Array<Record<string, unknown>> };
    if (!messagesFor) {
      const [row] = await this.db.insert(h).values(values).onConflictDoNothing().returning();
      return row ? toRun(row) : null;
    }
    return this.db.transaction(async (tx) => {
      const [row] = await tx.insert(h).values(values).onConflictDoNothing().returning();
      if (!row) return null;
      const stored = toRun(row);
      await insertOutboxMessages(tx, messagesFor(stored), run.at);
      return stored;
    });
  }

  /** Writes (or replaces) the head's note on a run; the run as it is now, or null when there is none. */
  async setNote(id: number, note: string, by: string, at: Date): Promise<HealthRun | null> {
    const [row] = await this.db.update(h).set({ note, notedBy: by, notedAt: at }).where(eq(h.id, id)).returning();
    return row ? toRun(row) : null;
  }

  /** The monthly runs of the given months (YYYY-MM), with their counts per status. */
  async monthlyEvidence(months: readonly string[]): Promise<MonthlyEvidence[]> {
    if (months.length === 0) return [];
    const rows = await this.db
      .select({ month: h.month, id: h.id, at: h.at, ok: h.ok, counts: COUNTS })
      .from(h)
      .where(and(eq(h.kind, 'monthly'), inArray(h.month, [...months])))
      .orderBy(h.month);
    return rows.map((r) => ({ ...r, month: r.month ?? '' }));
  }

  /** E-mail addresses of the active coordinators, lower case, sorted (whom the monthly run is reported to). */
  async coordinatorEmails(): Promise<string[]> {
    const rows = await this.db
      .select({ email: sql<string>`lower(${users.email})` })
      .from(users)
      .where(and(eq(users.role, 'coordinator'), eq(users.active, true)))
      .orderBy(sql`lower(${users.email})`);
    return rows.map((row) => row.email);
  }

  /** Runs newest first (`limit` 1–100), without their results, and how many there are in all. */
  async list(options: { limit: number; offset: number; kind?: HealthRunKind }): Promise<{ runs: HealthRunSummary[]; total: number }> {
    const limit = Math.min(Math.max(Math.trunc(options.limit) || 1, 1), 100);
    const offset = Math.max(Math.trunc(options.offset) || 0, 0);
    const where = options.kind ? eq(h.kind, options.kind) : undefined;
    const [rows, [total]] = await Promise.all([
      this.db.select({ ...SUMMARY, counts: COUNTS }).from(h).where(where).orderBy(desc(h.at), desc(h.id)).limit(limit).offset(offset),
      this.db.select({ n: count() }).from(h).where(where),
    ]);
    return { runs: rows.map((r) => ({ ...r, kind: r.kind as HealthRunKind })), total: total?.n ?? 0 };
  }

  /** One run with its results, or null. */
  async get(id: number): Promise<HealthRun | null> {
    const [row] = await this.db.select().from(h).where(eq(h.id, id)).limit(1);
    return row ? toRun(row) : null;
  }

  /** When the newest run (of any kind) started, or null. */
  async latestAt(): Promise<Date | null> {
    const [row] = await this.db.select({ at: h.at }).from(h).orderBy(desc(h.at)).limit(1);
    return row?.at ?? null;
  }

  /** The month (YYYY-MM) already has its monthly run. */
  async monthlyExists(month: string): Promise<boolean> {
    const [row] = await this.db.select({ id: h.id }).from(h).where(and(eq(h.kind, 'monthly'), eq(h.month, month))).limit(1);
    return row !== undefined;
  }

  // --- probes (read-only) -----------------------------------------------------------------------------------

  /** A round trip that reads the server version and the migrations applied (throws when the database fails). */
  async probeDatabase(): Promise<DatabaseProbe> {
    const [row] = await this.db
      .select({
        version: sql<string>`current_setting('server_version')`,
        applied: sql<number>`(select count(*) from drizzle.__drizzle_migrations)`.mapWith(Number),
      })
      .from(sql`(select 1) as one`);
    return { kind: this.database.kind, version: row?.version ?? '?', appliedMigrations: row?.applied ?? 0, shippedMigrations: shippedMigrations() };
  }

  /** Pending outbox messages per kind with the oldest one's creation time, and how many were given up (the outbox's own counts). */
  async outboxLag(): Promise<OutboxLag> {
    const stats = await new OutboxRepository(this.db).stats();
    return {
      pending: stats.pending,
      dead: stats.dead,
      byKind: OUTBOX_KINDS.map((kind) => ({ kind, pending: stats.pendingByKind[kind], oldestAt: stats.oldestPendingAtByKind[kind] })),
    };
  }

  /** Conversations queued for an agent (internal queues) and when the longest current wait began. */
  async queueLag(): Promise<QueueLag> {
    const [row] = await this.db
      .select({ n: sql<number>`count(*)`.mapWith(Number), since: sql<Date | null>`min(coalesce(${handoffs.waitStartedAt}, ${handoffs.queuedAt}))`.mapWith(handoffs.queuedAt) })
      .from(handoffs)
      .where(and(eq(handoffs.status, 'queued'), eq(handoffs.external, false)));
    return { queued: row?.n ?? 0, longestSince: row && row.n > 0 ? row.since : null };
  }

  /** Inbound e-mails read but still not processed that were read before `before` (a turn that keeps failing). */
  async stuckEmails(before: Date): Promise<{ count: number; oldestAt: Date | null }> {
    const [row] = await this.db
      .select({ n: sql<number>`count(*)`.mapWith(Number), oldest: sql<Date | null>`min(${emailMessages.createdAt})`.mapWith(emailMessages.createdAt) })
      .from(emailMessages)
      .where(and(eq(emailMessages.direction, 'in'), eq(emailMessages.status, 'received'), lt(emailMessages.createdAt, before)));
    return { count: row?.n ?? 0, oldestAt: row && row.n > 0 ? row.oldest : null };
  }
}

function toRun(row: typeof healthChecks.$inferSelect): HealthRun {
  return {
    id: row.id, at: row.at, kind: row.kind as HealthRunKind, month: row.month, checkedBy: row.checkedBy, ok: row.ok, results: row.results as unknown as HealthResult[],
    note: row.note, notedBy: row.notedBy, notedAt: row.notedAt,
  };
}

/** The migrations this build ships: the entries of models/migrations/meta/_journal.json. */
function shippedMigrations(): number {
  const journal = JSON.parse(fs.readFileSync(path.join(migrationsFolder(), 'meta', '_journal.json'), 'utf8')) as { entries?: unknown[] };
  return journal.entries?.length ?? 0;
}
