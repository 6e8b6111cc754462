import { and, asc, desc, eq, gte, lt, sql } from 'drizzle-orm';
import type { Db } from '../db';
import { calls, conversations } from '../schema';

export type CallRow = typeof calls.$inferSelect;

/** A call as the voice adapter first sees it (the incoming webhook, or an outbound call it places). */
export interface NewCall {
  callSid: string;
  parentCallSid?: string | null;
  conversationId?: string | null;
  direction: 'inbound' | 'outbound';
  /** caller, callback, outbound, agent. */
  purpose: string;
  fromNumber?: string | null;
  toNumber?: string | null;
  status: string;
  callbackId?: string | null;
  agentUserId?: string | null;
  /** Inbound calls are answered by the first webhook's TwiML. */
  answeredAt?: Date | null;
  /** The recording notice was said (VOICE_RECORDING=on). */
  recordingConsent?: boolean;
  meta?: Record<string, unknown>;
}

/** Fields the adapter sets as the call goes; `meta` is merged (shallow, jsonb `||`) into the stored one. */
export type CallPatch = Partial<
  Pick<
    CallRow,
    | 'outcome'
    | 'queueGroup'
    | 'queueWaitSeconds'
    | 'recordingSid'
    | 'recordingUrl'
    | 'recordingSeconds'
    | 'messageRecordingUrl'
    | 'ticketNumber'
    | 'recordingConsent'
    | 'agentUserId'
    | 'conversationId'
  >
> & { meta?: Record<string, unknown> };

/** The newest conversation of a sender on a messaging channel, with when it last had activity. */
export interface LatestConversation {
  id: string;
  externalId: string;
  updatedAt: Date;
}

/**
 * Phone calls for the indicators and the quality review (table `calls`), and the per-call state the voice adapter
 * keeps between webhooks (`meta`). Every method is keyed by Twilio's CallSid, unique in the table.
 */
export class CallRepository {
  constructor(private readonly db: Db) {
    if (!db) throw new Error('CallRepository: db is required');
  }

  /** Records a call; idempotent on `callSid` (a repeated webhook returns the existing row unchanged). */
  async start(c: NewCall, now: Date = new Date()): Promise<CallRow> {
    const [row] = await this.db
        .insert(calls)
        .values({
          callSid: c.callSid,
          parentCallSid: c.parentCallSid ?? null,
          conversationId: c.conversationId ?? null,
          direction: c.direction,
          purpose: c.purpose,
          fromNumber: c.fromNumber ?? null,
          toNumber: c.toNumber ?? null,
          status: c.status,
          callbackId: c.callbackId ?? null,
          agentUserId: c.agentUserId ?? null,
          answeredAt: c.answeredAt ?? null,
          recordingConsent: c.recordingConsent ?? false,
          meta: c.meta ?? {},
          startedAt: now,
        })
        .onConflictDoNothing({ target: calls.callSid })
        .returning();
    if (row) return row;
    const existing = await this.get(c.callSid);
    if (!existing) throw new Error(`CallRepository.start(): call ${c.callSid} vanished`);
    return existing;
  }

  async get(callSid: string): Promise<CallRow | null> {
    const [row] = await this.db.select().from(calls).where(eq(calls.callSid, callSid)).limit(1);
    return row ?? null;
  }

  /**
   * Twilio's latest CallStatus. `answeredAt` is kept from the first time it is given; `endedAt` and the duration
   * when the call completed. Returns the updated row (null: unknown call).
   */
  async updateStatus(
    callSid: string,
    s: { status: string; answeredAt?: Date | null; endedAt?: Date | null; durationSeconds?: number | null },
  ): Promise<CallRow | null> {
    const [row] = await this.db
      .update(calls)
      .set({
        // Twilio's status callbacks can arrive out of order: a final status is never replaced by an earlier one.
        status: sql`case when ${calls.status} in ('completed', 'busy', 'no-answer', 'failed', 'canceled') then ${calls.status} else ${s.status} end`,
        ...(s.answeredAt ? { answeredAt: sql`coalesce(${calls.answeredAt}, ${s.answeredAt.toISOString()}::timestamptz)` } : {}),
        ...(s.endedAt ? { endedAt: s.endedAt } : {}),
        ...(s.durationSeconds !== undefined && s.durationSeconds !== null ? { durationSeconds: s.durationSeconds } : {}),
      })
      .where(eq(calls.callSid, callSid))
      .returning();
    return row ?? null;
  }

  /** Sets the given fields; `meta` is merged into the stored object (keys given replace, others stay). */
  async patch(callSid: string, fields: CallPatch): Promise<CallRow | null> {
    const { meta, ...rest } = fields;
    const set: Record<string, unknown> = { ...rest };
    if (meta !== undefined) set.meta = sql`${calls.meta} || ${JSON.stringify(meta)}::jsonb`;
    if (Object.keys(set).length === 0) return this.get(callSid);
    const [row] = await this.db.update(calls).set(set).where(eq(calls.callSid, callSid)).returning();
    return row ?? null;
  }

  /** Sets `outcome` only when the call has none yet (the first thing that happened decides). */
  async outcomeIfUnset(callSid: string, outcome: string): Promise<void> {
    await this.db
      .update(calls)
      .set({ outcome })
      .where(and(eq(calls.callSid, callSid), sql`${calls.outcome} is null`));
  }

  /** Appends one transfer attempt ({ at, entryId, name, extension, status, durationSeconds }). */
  async addTransfer(callSid: string, transfer: Record<string, unknown>): Promise<void> {
    await this.db
      .update(calls)
      .set({ transfers: sql`${calls.transfers} || jsonb_build_array(${JSON.stringify(transfer)}::jsonb)` })
      .where(eq(calls.callSid, callSid));
  }

  /** The calls of a conversation, oldest first (the caller's leg, then agent legs and callbacks). */
  async byConversation(conversationId: string): Promise<CallRow[]> {
    return this.db.select().from(calls).where(eq(calls.conversationId, conversationId)).orderBy(asc(calls.startedAt), asc(calls.id));
  }

  /** Calls started in [from, to), newest first. */
  async list(q: { from?: Date; to?: Date; limit?: number } = {}): Promise<CallRow[]> {
    const where = and(q.from ? gte(calls.startedAt, q.from) : undefined, q.to ? lt(calls.startedAt, q.to) : undefined);
    return this.db
      .select()
      .from(calls)
      .where(where)
      .orderBy(desc(calls.startedAt))
      .limit(Math.min(Math.max(q.limit ?? 500, 1), 10_000));
  }

  /**
   * The newest conversation of `userId` on a messaging channel (SMS, WhatsApp), with the time of its last recorded
   * activity (the transcript's own timestamp, from the application's clock; its creation when it has none): a thread
   * idle too long starts anew.
   */
  async latestConversation(channel: string, userId: string): Promise<LatestConversation | null> {
    const lastActivity = sql<Date>`coalesce((select a.timestamp from activities a where a.conversation_id = ${conversations.id} order by a.seq desc limit 1), ${conversations.createdAt})`;
    const [row] = await this.db
      .select({ id: conversations.id, externalId: conversations.externalId, updatedAt: lastActivity.mapWith(conversations.createdAt) })
      .from(conversations)
      .where(and(eq(conversations.channel, channel), eq(conversations.userId, userId)))
      .orderBy(desc(conversations.createdAt))
      .limit(1);
    return row ?? null;
  }
}
