import { and, asc, desc, eq, inArray, isNull, lt, lte, or, sql } from 'drizzle-orm';
import type { Db } from '../db';
import { OUTBOX_KINDS, OUTBOX_STATUSES, outbox } from '../schema';

export type OutboxRow = typeof outbox.$inferSelect;
export type OutboxKind = (typeof OUTBOX_KINDS)[number];
export type OutboxStatus = (typeof OUTBOX_STATUSES)[number];
export { OUTBOX_KINDS, OUTBOX_STATUSES };

/** A message to deliver later: `kind` picks the transport, `payload` is what the transport needs. */
export interface NewOutboxMessage {
  kind: OutboxRow['kind'];
  payload: Record<string, unknown>;
  /** Same key twice → one message. */
  dedupeKey?: string | null;
}

/** Writes messages into the outbox with the caller's transaction (or connection); repeated dedupe keys are skipped. */
export async function insertOutboxMessages(tx: Pick<Db, 'insert'>, messages: readonly NewOutboxMessage[], now: Date): Promise<void> {
  if (messages.length === 0) return;
  await tx
    .insert(outbox)
    .values(messages.map((m) => ({ kind: m.kind, payload: m.payload, dedupeKey: m.dedupeKey ?? null, createdAt: now, nextAttemptAt: now })))
    .onConflictDoNothing();
}

export interface OutboxStats {
  pending: number;
  dead: number;
  /** Creation time of the oldest message still waiting, null when none waits. */
  oldestPendingAt: Date | null;
  /** Pending messages per kind (a kind without a transport keeps its messages here). */
  pendingByKind: Record<OutboxKind, number>;
  /** Creation time of the oldest message waiting, per kind (null: none of that kind waits). */
  oldestPendingAtByKind: Record<OutboxKind, Date | null>;
}

/** Longest `last_error` kept; SMTP servers and webhook receivers can answer with whole pages. */
const MAX_ERROR_LENGTH = 1000;

/**
 * The durable outbox of e-mails and webhooks. Rows are written in the transaction of what caused them
 * (see {@link insertOutboxMessages}); workers claim due rows under a lease, so a crashed worker's rows
 * are taken again once the lease runs out, and two workers never hold the same row at once.
 */
export class OutboxRepository {
  constructor(private readonly db: Db) {
    if (!db) throw new Error('OutboxRepository: db is required');
  }

  /** Adds messages outside any other transaction. Returns how many were new (a repeated dedupe key adds nothing). */
  async enqueue(messages: readonly NewOutboxMessage[], now: Date): Promise<number> {
    if (messages.length === 0) return 0;
    const rows = await this.db
      .insert(outbox)
      .values(messages.map((m) => ({ kind: m.kind, payload: m.payload, dedupeKey: m.dedupeKey ?? null, createdAt: now, nextAttemptAt: now })))
      .onConflictDoNothing()
      .returning({ id: outbox.id });
    return rows.length;
  }

  /**
   * Takes up to `limit` due messages (pending, `next_attempt_at <= now`, no live lease) and leases them
   * until `now + leaseMs`, oldest due first. One statement: the inner select locks the rows it picks and
   * skips rows another transaction is taking (`FOR UPDATE SKIP LOCKED`), and PostgreSQL re-checks the
   * lease on rows changed meanwhile, so concurrent workers on other connections or instances get
   * disjoint sets. (PGlite runs one statement at a time, which is trivially the same.)
   * `kinds` limits the claim to the kinds the caller can deliver; the others stay pending untouched.
   */
  async claimDue(limit: number, now: Date, leaseMs: number, kinds: readonly OutboxKind[] = OUTBOX_KINDS): Promise<OutboxRow[]> {
    if (limit <= 0 || kinds.length === 0) return [];
    const due = this.db
      .select({ id: outbox.id })
      .from(outbox)
      .where(
        and(
          eq(outbox.status, 'pending'),
          lte(outbox.nextAttemptAt, now),
          or(isNull(outbox.lockedUntil), lt(outbox.lockedUntil, now)),
          inArray(outbox.kind, [...kinds]),
        ),
      )
      .orderBy(asc(outbox.nextAttemptAt), asc(outbox.id))
      .limit(limit)
      .for('update', { skipLocked: true });
    const rows = await this.db
      .update(outbox)
      .set({ lockedUntil: new Date(now.getTime() + leaseMs) })
      .where(inArray(outbox.id, due))
      .returning();
    return rows.sort((a, b) => a.nextAttemptAt.getTime() - b.nextAttemptAt.getTime() || a.id - b.id);
  }

  /** Records a delivery. A row already sent or given up stays as it is. */
  async markSent(id: number, now: Date): Promise<void> {
    await this.db
      .update(outbox)
      .set({ status: 'sent', sentAt: now, lockedUntil: null, lastError: null })
      .where(and(eq(outbox.id, id), eq(outbox.status, 'pending')));
  }

  /**
   * Records a failed attempt: `attempts + 1`, the error (truncated), and either the next try at
   * `nextAttemptAt` or, when it is null, status `dead` (then `next_attempt_at` keeps `now`, when it was
   * given up). A row another worker already delivered is left alone.
   */
  async markFailed(id: number, error: string, nextAttemptAt: Date | null, now: Date): Promise<void> {
    const lastError = error.length > MAX_ERROR_LENGTH ? `${error.slice(0, MAX_ERROR_LENGTH - 1)}…` : error;
    await this.db
      .update(outbox)
      .set({
        attempts: sql`${outbox.attempts} + 1`,
        lastError,
        lockedUntil: null,
        status: nextAttemptAt ? 'pending' : 'dead',
        nextAttemptAt: nextAttemptAt ?? now,
      })
      .where(and(eq(outbox.id, id), eq(outbox.status, 'pending')));
  }

  /** Counts for the health view and metrics. Only reads pending and dead rows (the status index). */
  async stats(): Promise<OutboxStats> {
    const rows = await this.db
      .select({
        status: outbox.status,
        kind: outbox.kind,
        n: sql<number>`count(*)`.mapWith(Number),
        oldest: sql<Date | null>`min(${outbox.createdAt})`.mapWith(outbox.createdAt),
      })
      .from(outbox)
      .where(inArray(outbox.status, ['pending', 'dead']))
      .groupBy(outbox.status, outbox.kind);
    const stats: OutboxStats = { pending: 0, dead: 0, oldestPendingAt: null, pendingByKind: { email: 0, webhook: 0 }, oldestPendingAtByKind: { email: null, webhook: null } };
    for (const r of rows) {
      if (r.status === 'dead') {
        stats.dead += r.n;
        continue;
      }
      stats.pending += r.n;
      stats.pendingByKind[r.kind] += r.n;
      stats.oldestPendingAtByKind[r.kind] = r.oldest;
      if (r.oldest && (!stats.oldestPendingAt || r.oldest < stats.oldestPendingAt)) stats.oldestPendingAt = r.oldest;
    }
    return stats;
  }

  /** Newest first, for the admin view. `limit` is kept within 1–500. */
  async list(options: { status?: OutboxStatus; limit: number }): Promise<OutboxRow[]> {
    const limit = Math.min(Math.max(Math.trunc(options.limit) || 1, 1), 500);
    return this.db
      .select()
      .from(outbox)
      .where(options.status ? eq(outbox.status, options.status) : undefined)
      .orderBy(desc(outbox.id))
      .limit(limit);
  }

  async findById(id: number): Promise<OutboxRow | null> {
    const [row] = await this.db.select().from(outbox).where(eq(outbox.id, id)).limit(1);
    return row ?? null;
  }

  /**
   * Gives a dead message another full round of attempts, due at `now`. Returns false when the row
   * does not exist or is not dead (a pending or sent message is not touched). `last_error` is kept.
   */
  async retry(id: number, now: Date): Promise<boolean> {
    const rows = await this.db
      .update(outbox)
      .set({ status: 'pending', attempts: 0, nextAttemptAt: now, lockedUntil: null })
      .where(and(eq(outbox.id, id), eq(outbox.status, 'dead')))
      .returning({ id: outbox.id });
    return rows.length === 1;
  }
}
