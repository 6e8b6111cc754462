import { and, asc, desc, eq, inArray, sql, type SQL } from 'drizzle-orm';
import type { Db } from '../db';
import { CALLBACK_KINDS, CALLBACK_STATUSES, callbackRequests, users } from '../schema';

export type CallbackRow = typeof callbackRequests.$inferSelect;
export type CallbackStatus = (typeof CALLBACK_STATUSES)[number];
export type CallbackKind = (typeof CALLBACK_KINDS)[number];
export { CALLBACK_KINDS, CALLBACK_STATUSES };

/** A callback to place: `phone` is always the number the desk dials. */
export interface NewCallbackRequest {
  kind: CallbackKind;
  conversationId: string;
  channel: string;
  phone: string;
  reason: string;
  name?: string | null;
  requesterId?: string | null;
  /** Their words («mañana a las diez»). */
  preferredTime?: string | null;
  /** Parsed from `preferredTime`; null = as soon as the desk is open. */
  scheduledAt?: Date | null;
  resolverGroup?: string | null;
  /** transfer: whom to connect them with; outbound: the staff member who asked (connected when the number answers). */
  directoryEntryId?: string | null;
  requestedBy?: string | null;
  maxAttempts?: number;
}

/** What one scheduler tick got under the advisory lock. */
export interface ClaimResult {
  /** False: another instance holds the scheduler lock; nothing was claimed. */
  locked: boolean;
  /** Due callbacks, now `calling` with `attempts` + 1, earliest due first. */
  claimed: CallbackRow[];
  /**
   * Attempts whose lease ran out without news (lost status callback, crashed instance): retried or failed — or done,
   * when the person had answered.
   */
  expired: CallbackRow[];
}

export type CancelOutcome = { ok: true; row: CallbackRow; was: CallbackStatus } | { ok: false; why: 'not_found' | 'closed' | 'forbidden'; row?: CallbackRow };

/** Only one scheduler places calls at a time, on any instance: `pg_try_advisory_xact_lock` of this key. */
export const CALLBACK_SCHEDULER_LOCK = 7172006;

const t = callbackRequests;
const DUE_ORDER = sql`coalesce(${t.nextAttemptAt}, ${t.scheduledAt}, ${t.createdAt})`;

/**
 * The end of an unsuccessful attempt: back to `pending` for `retryAt`, or `failed` once `max_attempts` were made.
 * (`attempts` was already counted when the attempt was claimed.)
 */
function retryOrFail(result: string, retryAt: Date, now: Date) {
  const exhausted = sql`${t.attempts} >= ${t.maxAttempts}`;
  return {
    status: sql<CallbackStatus>`case when ${exhausted} then 'failed' else 'pending' end`,
    nextAttemptAt: sql<Date | null>`case when ${exhausted} then null else ${retryAt.toISOString()}::timestamptz end`,
    handledAt: sql<Date | null>`case when ${exhausted} then ${now.toISOString()}::timestamptz else null end`,
    lastResult: result.slice(0, 500),
  };
}

/** The live attempt `callSid` of callback `id` (a sid not stored yet matches: its status callback may come first). */
function liveAttempt(id: string, callSid: string | null): SQL | undefined {
  return and(
    eq(t.id, id),
    eq(t.status, 'calling'),
    callSid === null ? sql`${t.lastCallSid} is null` : sql`(${t.lastCallSid} is null or ${t.lastCallSid} = ${callSid})`,
  );
}

/**
 * Callback requests (table `callback_requests`): durable, placed by one scheduler at a time. While a callback is
 * `calling`, `next_attempt_at` is the lease of that attempt: when it passes without news, the attempt is counted
 * as lost and the callback retried, so a crash or a lost status callback never leaves it stuck.
 */
export class CallbackRepository {
  constructor(private readonly db: Db) {
    if (!db) throw new Error('CallbackRepository: db is required');
  }

  /** Open (pending or ringing) call backs of a conversation or to a number, oldest first. */
  async openFor(q: { conversationId: string; phone: string }): Promise<CallbackRow[]> {
    return this.db
      .select()
      .from(t)
      .where(and(inArray(t.status, ['pending', 'calling']), sql`(${t.conversationId} = ${q.conversationId} or ${t.phone} = ${q.phone})`))
      .orderBy(asc(t.createdAt))
      .limit(20);
  }

  async create(c: NewCallbackRequest, now: Date): Promise<CallbackRow> {
    const [row] = await this.db
      .insert(t)
      .values({
        kind: c.kind,
        conversationId: c.conversationId,
        channel: c.channel,
        phone: c.phone,
        reason: c.reason,
        name: c.name ?? null,
        requesterId: c.requesterId ?? null,
        preferredTime: c.preferredTime ?? null,
        scheduledAt: c.scheduledAt ?? null,
        resolverGroup: c.resolverGroup ?? null,
        directoryEntryId: c.directoryEntryId ?? null,
        requestedBy: c.requestedBy ?? null,
        ...(c.maxAttempts !== undefined ? { maxAttempts: c.maxAttempts } : {}),
        createdAt: now,
      })
      .returning();
    if (!row) throw new Error('CallbackRepository.create(): insert returned nothing');
    return row;
  }

  async get(id: string): Promise<CallbackRow | null> {
    const [row] = await this.db.select().from(t).where(eq(t.id, id)).limit(1);
    return row ?? null;
  }

  /**
   * One scheduler tick, in one transaction that first takes the scheduler's advisory lock (without waiting: when
   * another instance holds it, nothing happens). Expired `calling` leases are retried or failed; then up to `limit`
   * due callbacks (pending, scheduled and next attempt not in the future) are locked with SKIP LOCKED and marked
   * `calling` with `attempts` + 1 and the lease `leaseUntil`. The calls are placed after the commit.
   */
  async claimDue(now: Date, options: { limit: number; leaseUntil: Date; retryAt: Date; lockKey?: number }): Promise<ClaimResult> {
    const nowIso = now.toISOString();
    return this.db.transaction(async (tx) => {
      const [lock] = await tx.select({ ok: sql<boolean>`pg_try_advisory_xact_lock(${options.lockKey ?? CALLBACK_SCHEDULER_LOCK})` }).from(sql`(select 1) as one`);
      if (!lock?.ok) return { locked: false, claimed: [], expired: [] };
      const leaseOver = and(eq(t.status, 'calling'), sql`${t.nextAttemptAt} <= ${nowIso}::timestamptz`);
      // Answered, then silence: the person was reached (calling them again would be worse than a missing status).
      const reached = await tx
        .update(t)
        .set({ status: 'done', handledAt: now, nextAttemptAt: null, lastResult: 'answered: no status callback' })
        .where(and(leaseOver, eq(t.lastResult, 'answered')))
        .returning();
      const lost = await tx.update(t).set(retryOrFail('lost: no status callback', options.retryAt, now)).where(leaseOver).returning();
      const expired = [...reached, ...lost];
      if (options.limit <= 0) return { locked: true, claimed: [], expired };
      const due = tx
        .select({ id: t.id })
        .from(t)
        .where(
          and(
            eq(t.status, 'pending'),
            sql`(${t.scheduledAt} is null or ${t.scheduledAt} <= ${nowIso}::timestamptz)`,
            sql`(${t.nextAttemptAt} is null or ${t.nextAttemptAt} <= ${nowIso}::timestamptz)`,
          ),
        )
        .orderBy(DUE_ORDER, asc(t.createdAt), asc(t.id))
        .limit(options.limit)
        .for('update', { skipLocked: true });
      const ids = (await due).map((r) => r.id);
      if (ids.length === 0) return { locked: true, claimed: [], expired };
      const claimed = await tx
        .update(t)
        .set({ status: 'calling', attempts: sql`${t.attempts} + 1`, nextAttemptAt: options.leaseUntil, lastCallSid: null, lastResult: 'dialing' })
        .where(and(inArray(t.id, ids), eq(t.status, 'pending')))
        .returning();
      const order = new Map(ids.map((id, i) => [id, i]));
      claimed.sort((a, b) => (order.get(a.id) ?? 0) - (order.get(b.id) ?? 0));
      return { locked: true, claimed, expired };
    });
  }

  /** Stores the Twilio CallSid of the attempt just placed. False when the callback moved on meanwhile (cancelled). */
  async attemptStarted(id: string, callSid: string, status: string): Promise<boolean> {
    const rows = await this.db.update(t).set({ lastCallSid: callSid, lastResult: status.slice(0, 500) }).where(liveAttempt(id, null)).returning({ id: t.id });
    return rows.length > 0;
  }

  /** The person answered attempt `callSid`: its lease becomes `leaseUntil` (a call may last hours). Null when not live. */
  async answered(id: string, callSid: string, leaseUntil: Date): Promise<CallbackRow | null> {
    const [row] = await this.db
      .update(t)
      .set({ lastCallSid: callSid, lastResult: 'answered', nextAttemptAt: leaseUntil })
      .where(liveAttempt(id, callSid))
      .returning();
    return row ?? null;
  }

  /** Attempt `callSid` reached its goal: `done`. Null when it was not the live attempt. */
  async complete(id: string, callSid: string, result: string, now: Date): Promise<CallbackRow | null> {
    const [row] = await this.db
      .update(t)
      .set({ status: 'done', handledAt: now, nextAttemptAt: null, lastCallSid: callSid, lastResult: result.slice(0, 500) })
      .where(liveAttempt(id, callSid))
      .returning();
    return row ?? null;
  }

  /**
   * Attempt `callSid` (null: the call could not even be placed) did not reach its goal: back to `pending` at
   * `retryAt`, or `failed` after the last attempt. Null when it was not the live attempt.
   */
  async retry(id: string, callSid: string | null, result: string, retryAt: Date, now: Date): Promise<CallbackRow | null> {
    const [row] = await this.db
      .update(t)
      .set({ ...retryOrFail(result, retryAt, now), ...(callSid !== null ? { lastCallSid: callSid } : {}) })
      .where(liveAttempt(id, callSid))
      .returning();
    return row ?? null;
  }

  /** The live attempt cannot succeed (nobody to connect them with): `failed` at once. */
  async fail(id: string, callSid: string, result: string, now: Date): Promise<CallbackRow | null> {
    const [row] = await this.db
      .update(t)
      .set({ status: 'failed', handledAt: now, nextAttemptAt: null, lastCallSid: callSid, lastResult: result.slice(0, 500) })
      .where(liveAttempt(id, callSid))
      .returning();
    return row ?? null;
  }

  /** Cancels a pending or calling callback when `allowed(row)`; serialized on the row. */
  async cancel(id: string, now: Date, allowed: (row: CallbackRow) => boolean, result = 'cancelled'): Promise<CancelOutcome> {
    return this.db.transaction(async (tx) => {
      const [row] = await tx.select().from(t).where(eq(t.id, id)).limit(1).for('update');
      if (!row) return { ok: false, why: 'not_found' };
      if (!allowed(row)) return { ok: false, why: 'forbidden', row };
      if (row.status !== 'pending' && row.status !== 'calling') return { ok: false, why: 'closed', row };
      const [updated] = await tx
        .update(t)
        .set({ status: 'cancelled', handledAt: now, nextAttemptAt: null, lastResult: result.slice(0, 500) })
        .where(eq(t.id, id))
        .returning();
      if (!updated) throw new Error('CallbackRepository.cancel(): update returned nothing');
      return { ok: true, row: updated, was: row.status };
    });
  }

  /**
   * Pending callbacks with words but no time yet (asked through the handoff's fallback, which only stores the
   * words), oldest first, for the service to schedule.
   */
  async unscheduled(limit: number): Promise<CallbackRow[]> {
    return this.db
      .select()
      .from(t)
      .where(and(eq(t.status, 'pending'), eq(t.attempts, 0), sql`${t.scheduledAt} is null`, sql`${t.preferredTime} is not null`))
      .orderBy(asc(t.createdAt))
      .limit(limit);
  }

  /** Sets the time of a still unscheduled, untried callback. */
  async setSchedule(id: string, scheduledAt: Date): Promise<boolean> {
    const rows = await this.db
      .update(t)
      .set({ scheduledAt })
      .where(and(eq(t.id, id), eq(t.status, 'pending'), eq(t.attempts, 0), sql`${t.scheduledAt} is null`))
      .returning({ id: t.id });
    return rows.length > 0;
  }

  /**
   * Callbacks for the console, newest first. `groups`: only those whose resolver group (or `defaultGroup` when
   * they have none: transfers, outbound calls) is one of them.
   */
  async list(filter: { statuses?: readonly CallbackStatus[]; groups?: readonly string[]; defaultGroup: string; limit: number }): Promise<CallbackRow[]> {
    const where = and(
      filter.statuses && filter.statuses.length > 0 ? inArray(t.status, [...filter.statuses]) : undefined,
      filter.groups ? inArray(sql`coalesce(${t.resolverGroup}, ${filter.defaultGroup})`, filter.groups.length > 0 ? [...filter.groups] : ['']) : undefined,
    );
    return this.db.select().from(t).where(where).orderBy(desc(t.createdAt), desc(t.id)).limit(filter.limit);
  }

  /** A console user's skills (their resolver groups) and whether the account is active; null when unknown. */
  async userSkills(userId: string): Promise<string[] | null> {
    const [row] = await this.db.select({ skills: users.skills }).from(users).where(eq(users.id, userId)).limit(1);
    return row ? row.skills : null;
  }
}
