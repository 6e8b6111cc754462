import { and, asc, eq, gt, isNull, sql } from 'drizzle-orm';
import type { Database, Db } from '../db';
import { activities, conversations } from '../schema';
import { isUniqueViolation } from './sql-rows';

export interface ConversationRow {
  id: string;
  channel: string;
  externalId: string;
  userId: string | null;
  lastSeq: number;
  joinedAt: Date | null;
  /** The person's first message (null: they never wrote or spoke); see the append statement. */
  personWroteAt: Date | null;
  createdAt: Date;
}

export interface NewActivity {
  direction: 'in' | 'out';
  channel: string;
  type: string;
  fromId: string | null;
  recipientId: string | null;
  clientActivityId: string | null;
  text: string | null;
  timestamp: Date;
  /** The activity as sent or received, without its `id` (assigned here). */
  payload: Record<string, unknown>;
}

export interface StoredActivity {
  seq: number;
  activityId: string;
  direction: 'in' | 'out';
  timestamp: Date;
  payload: Record<string, unknown>;
}

export class ConversationNotFoundError extends Error {
  readonly code = 'conversation/not_found' as const;
  constructor(readonly conversationId: string) {
    super(`ConversationRepository: conversation "${conversationId}" not found`);
  }
}

// Every activity goes through this statement (a prepared statement on the server, see Database.run).
// The counter bump and the insert are one statement, so concurrent appends never share or skip a
// number; several activities of one turn go in together (one round trip instead of one each). The
// person's first message also stamps `person_wrote_at` (what the reports count as a received request).
const APPEND = `
  with s as (
    update conversations set last_seq = last_seq + cardinality($2::text[]), updated_at = now(),
      person_wrote_at = coalesce(person_wrote_at,
        (select min(u.ts::timestamptz) from unnest($2::text[], $4::text[], $9::text[]) as u(direction, type, ts)
         where u.direction = 'in' and u.type = 'message'))
    where id = $1
    returning last_seq - cardinality($2::text[]) as base
  )
  insert into activities (conversation_id, seq, activity_id, direction, channel, type, from_id,
                          recipient_id, client_activity_id, text, timestamp, payload)
  select $1, s.base + a.ord, $1 || '|' || lpad((s.base + a.ord)::text, 7, '0'),
         a.direction, a.channel, a.type, a.from_id, a.recipient_id, a.client_activity_id, a.text,
         a.ts::timestamptz, a.payload::jsonb
  from s, unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[], $10::text[])
          with ordinality as a(direction, channel, type, from_id, recipient_id, client_activity_id, text, ts, payload, ord)
  returning seq, activity_id`;

/** PostgreSQL NOTIFY channel of recorded activities; the payload is `<conversationId> <last seq>`. */
export const ACTIVITY_CHANNEL = 'ventanilla_activity';

/** Conversations and their transcript. `seq` is gap-free per conversation and is the watermark. */
export class ConversationRepository {
  private readonly db: Db;

  constructor(private readonly database: Database) {
    if (!database) throw new Error('ConversationRepository: database is required');
    this.db = database.db;
  }

  async create(c: { id: string; channel: string; externalId: string; userId: string | null }): Promise<ConversationRow> {
    const [row] = await this.db.insert(conversations).values(c).returning();
    if (!row) throw new Error('ConversationRepository.create(): insert returned nothing');
    return row;
  }

  async findById(id: string): Promise<ConversationRow | null> {
    const [row] = await this.db.select().from(conversations).where(eq(conversations.id, id)).limit(1);
    return row ?? null;
  }

  /** The conversation for a provider's (channel, external id), created on first sight. */
  async ensure(c: { id: string; channel: string; externalId: string; userId: string | null }): Promise<ConversationRow> {
    const [inserted] = await this.db.insert(conversations).values(c).onConflictDoNothing().returning();
    if (inserted) return inserted;
    const [row] = await this.db
      .select()
      .from(conversations)
      .where(and(eq(conversations.channel, c.channel), eq(conversations.externalId, c.externalId)))
      .limit(1);
    if (!row) throw new Error(`ConversationRepository.ensure(): conversation ${c.channel}/${c.externalId} vanished`);
    return row;
  }

  /** Marks the conversation as joined; true only for the first caller (so the welcome runs once). */
  async markJoined(id: string): Promise<boolean> {
    const rows = await this.db
      .update(conversations)
      .set({ joinedAt: sql`now()` })
      .where(and(eq(conversations.id, id), isNull(conversations.joinedAt)))
      .returning({ id: conversations.id });
    return rows.length > 0;
  }

  /** Appends one activity; null when `clientActivityId` was already recorded (a client retry). */
  async append(conversationId: string, a: NewActivity): Promise<{ seq: number; activityId: string } | null> {
    try {
      const [row] = await this.appendMany(conversationId, [a]);
      return row ?? null;
    } catch (err) {
      if (a.clientActivityId !== null && isUniqueViolation(err)) return null;
      throw err;
    }
  }

  /** Appends activities in order, in one statement; they get consecutive sequence numbers. */
  async appendMany(conversationId: string, list: NewActivity[]): Promise<Array<{ seq: number; activityId: string }>> {
    if (list.length === 0) return [];
    const column = <K extends keyof NewActivity>(k: K) => list.map((a) => a[k]);
    const rows = await this.database.run<{ seq: number; activity_id: string }>('activity_append', APPEND, [
      conversationId,
      column('direction'),
      column('channel'),
      column('type'),
      column('fromId'),
      column('recipientId'),
      column('clientActivityId'),
      column('text'),
      list.map((a) => a.timestamp.toISOString()),
      list.map((a) => JSON.stringify(a.payload)),
    ]);
    if (rows.length === 0) throw new ConversationNotFoundError(conversationId);
    const appended = rows.map((r) => ({ seq: Number(r.seq), activityId: r.activity_id })).sort((x, y) => x.seq - y.seq);
    // Every instance hears of it (the person's stream or the agent's console may be on another one). A statement
    // of its own, after the insert committed: PostgreSQL serializes the commits of notifying transactions, and a
    // notification inside the insert's transaction would hold that lock through the WAL flush.
    await this.database.run('activity_notify', 'select pg_notify($1, $2)', [ACTIVITY_CHANNEL, `${conversationId} ${appended[appended.length - 1]?.seq ?? 0}`]);
    return appended;
  }

  async findByClientActivityId(conversationId: string, clientActivityId: string): Promise<StoredActivity | null> {
    const [row] = await this.db
      .select({
        seq: activities.seq,
        activityId: activities.activityId,
        direction: activities.direction,
        timestamp: activities.timestamp,
        payload: activities.payload,
      })
      .from(activities)
      .where(and(eq(activities.conversationId, conversationId), eq(activities.clientActivityId, clientActivityId)))
      .limit(1);
    return row ?? null;
  }

  /**
   * Replaces what a recorded activity said (a PIN keyed in on the phone): its text and the payload's `text`. True
   * when the activity exists.
   */
  async redactText(conversationId: string, activityId: string, replacement: string): Promise<boolean> {
    const rows = await this.db
      .update(activities)
      .set({ text: replacement, payload: sql`jsonb_set(${activities.payload}, '{text}', to_jsonb(${replacement}::text))` })
      .where(and(eq(activities.conversationId, conversationId), eq(activities.activityId, activityId)))
      .returning({ seq: activities.seq });
    return rows.length > 0;
  }

  /** Activities after `watermark` (exclusive), oldest first. */
  async since(conversationId: string, watermark: number, limit = 500): Promise<StoredActivity[]> {
    return this.db
      .select({
        seq: activities.seq,
        activityId: activities.activityId,
        direction: activities.direction,
        timestamp: activities.timestamp,
        payload: activities.payload,
      })
      .from(activities)
      .where(and(eq(activities.conversationId, conversationId), gt(activities.seq, watermark)))
      .orderBy(asc(activities.seq))
      .limit(limit);
  }
}
