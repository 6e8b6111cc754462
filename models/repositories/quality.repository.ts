import { and, asc, desc, eq, sql, type SQL } from 'drizzle-orm';
import type { Db } from '../db';
import { correctiveActions, qualityReviewItems, qualityReviews, users } from '../schema';

export type QualityReviewRow = typeof qualityReviews.$inferSelect;
export type QualityItemRow = typeof qualityReviewItems.$inferSelect;
export type CorrectiveActionRow = typeof correctiveActions.$inferSelect;

/** A conversation of the month's population: its channel and the agent who last took it (null: the bot alone). */
export interface PopulationRow {
  id: string;
  channel: string;
  agentUserId: string | null;
}

/** A transcript message, classified by who wrote it. */
export interface LineRow {
  conversationId: string;
  seq: number;
  at: Date;
  direction: 'in' | 'out';
  from: 'person' | 'bot' | 'agent' | 'system';
  name: string | null;
  text: string;
}

/** An attention with the identification of its requester on file. */
export interface AttentionFactRow {
  conversationId: string;
  outcome: string;
  description: string | null;
  person: { name: string | null; unitCode: string | null; unitName: string | null; role: string | null; extension: string | null; email: string | null; phone: string | null } | null;
}

/** A handoff with its agent's display name. */
export interface HandoffFactRow {
  id: string;
  conversationId: string;
  queuedAt: Date;
  acceptedAt: Date | null;
  closedAt: Date | null;
  status: string;
  closeReason: string | null;
  resolverGroup: string;
  agentUserId: string | null;
  agentName: string | null;
  transferNote: string | null;
  context: Record<string, unknown>;
}

/** The person's phone call of a conversation (the caller's or the call-back's leg). */
export interface CallFactRow {
  id: string;
  conversationId: string;
  startedAt: Date;
  answeredAt: Date | null;
  durationSeconds: number | null;
  transfers: Array<Record<string, unknown>>;
  agentUserId: string | null;
  recordingSid: string | null;
  recordingUrl: string | null;
}

/** What the pre-checks read of a set of conversations, keyed by conversation id. */
export interface FactRows {
  lines: Map<string, LineRow[]>;
  attentions: Map<string, AttentionFactRow[]>;
  handoffs: Map<string, HandoffFactRow[]>;
  calls: Map<string, CallFactRow>;
}

/** A review with its item counts, for the list. */
export interface ReviewListRow {
  month: string;
  status: string;
  sampleSize: number;
  items: number;
  reviewed: number;
  createdAt: Date;
}

/** A new review's sampled item. */
export type NewQualityItem = Omit<typeof qualityReviewItems.$inferInsert, 'id' | 'reviewId'>;

/** A corrective action with its review's month and its agent's name. */
export type ActionRow = CorrectiveActionRow & { reviewMonth: string; agentName: string | null };

const ts = (d: Date) => sql`${d.toISOString()}::timestamptz`;
const CHUNK = 1000;

async function rowsOf<T>(db: Pick<Db, 'execute'>, query: SQL): Promise<T[]> {
  const result: unknown = await db.execute(query);
  const rows = (result as { rows?: unknown }).rows;
  if (!Array.isArray(rows)) throw new Error('QualityRepository: the driver answered without rows');
  return rows as T[];
}

const dateOrNull = (v: unknown): Date | null => (v === null || v === undefined ? null : new Date(v as string));
const strOrNull = (v: unknown): string | null => (v === null || v === undefined ? null : String(v));
const idList = (ids: readonly string[]) => sql`(${sql.join(ids.map((id) => sql`${id}`), sql`, `)})`;

function push<T>(map: Map<string, T[]>, key: string, value: T): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

/**
 * The quality review's storage (tables `quality_reviews`, `quality_review_items`, `corrective_actions`) and the reads
 * it needs: the month's population (the same «received» conversations the reports count) and, in one statement per
 * kind, the facts the pre-checks look at for any list of conversations.
 */
export class QualityRepository {
  constructor(private readonly db: Db) {
    if (!db) throw new Error('QualityRepository: db is required');
  }

  /** The conversations of `[from, to)` a person wrote in, by id, with the agent of their latest accepted handoff. */
  async population(from: Date, to: Date): Promise<PopulationRow[]> {
    const rows = await rowsOf<Record<string, unknown>>(this.db, sql`
      select c.id, c.channel, coalesce(
        (select h.agent_user_id from handoffs h where h.conversation_id = c.id and h.accepted_at is not null and h.agent_user_id is not null
          order by h.accepted_at desc, h.id desc limit 1),
        (select k.agent_user_id from calls k where k.conversation_id = c.id and k.agent_user_id is not null order by k.started_at limit 1)) as agent
      from conversations c
      where c.created_at >= ${ts(from)} and c.created_at < ${ts(to)}
        and exists (select 1 from activities a where a.conversation_id = c.id and a.direction = 'in' and a.type = 'message')
      order by c.id`);
    return rows.map((r) => ({ id: String(r.id), channel: String(r.channel), agentUserId: strOrNull(r.agent) }));
  }

  /** Every handoff an agent accepted in `[from, to)` (each one: a conversation may have several), with its agent. */
  async acceptedIn(from: Date, to: Date): Promise<Array<{ handoffId: string; conversationId: string; channel: string; agentUserId: string; agentName: string }>> {
    const rows = await rowsOf<Record<string, unknown>>(this.db, sql`
      select h.id, h.conversation_id, h.channel, h.agent_user_id, u.display_name
      from handoffs h join users u on u.id = h.agent_user_id
      where h.accepted_at >= ${ts(from)} and h.accepted_at < ${ts(to)}
      order by h.accepted_at, h.id`);
    return rows.map((r) => ({ handoffId: String(r.id), conversationId: String(r.conversation_id), channel: String(r.channel), agentUserId: String(r.agent_user_id), agentName: String(r.display_name) }));
  }

  /** Transcript messages, attentions, handoffs and the person's call of `ids`: four statements per thousand ids. */
  async facts(ids: readonly string[]): Promise<FactRows> {
    const out: FactRows = { lines: new Map(), attentions: new Map(), handoffs: new Map(), calls: new Map() };
    for (let i = 0; i < ids.length; i += CHUNK) {
      const chunk = idList(ids.slice(i, i + CHUNK));
      const [lines, attentions, handoffRows, callRows] = await Promise.all([
        rowsOf<Record<string, unknown>>(this.db, sql`
          select conversation_id, seq, timestamp, direction, text, payload->'channelData'->>'agent' as agent,
            payload->'channelData'->>'automatic' as automatic, payload->'channelData'->>'speakerName' as speaker
          from activities where conversation_id in ${chunk} and type = 'message' and coalesce(text, '') <> ''
          order by conversation_id, seq`),
        rowsOf<Record<string, unknown>>(this.db, sql`
          select a.conversation_id, a.outcome, a.description, r.id as rid, r.name, coalesce(r.unit_code, a.unit_code) as unit_code, r.unit_name, r.role,
            r.extension, r.email, r.phone
          from attentions a left join requesters r on r.id = a.requester_id
          where a.conversation_id in ${chunk} order by a.created_at, a.id`),
        rowsOf<Record<string, unknown>>(this.db, sql`
          select h.id, h.conversation_id, h.queued_at, h.accepted_at, h.closed_at, h.status, h.close_reason, h.resolver_group, h.agent_user_id,
            u.display_name, h.transfer_note, h.context
          from handoffs h left join users u on u.id = h.agent_user_id
          where h.conversation_id in ${chunk} order by h.queued_at, h.id`),
        rowsOf<Record<string, unknown>>(this.db, sql`
          select distinct on (conversation_id) id, conversation_id, started_at, answered_at, duration_seconds, transfers, agent_user_id,
            recording_sid, recording_url
          from calls where conversation_id in ${chunk} and purpose in ('caller', 'callback')
          order by conversation_id, started_at, id`),
      ]);
      for (const r of lines) {
        const direction = r.direction === 'in' ? 'in' : 'out';
        const from = direction === 'in' ? 'person' : r.automatic === 'true' ? 'system' : r.agent === 'true' ? 'agent' : 'bot';
        push(out.lines, String(r.conversation_id), { conversationId: String(r.conversation_id), seq: Number(r.seq), at: new Date(r.timestamp as string), direction, from, name: strOrNull(r.speaker), text: String(r.text) });
      }
      for (const r of attentions) {
        push(out.attentions, String(r.conversation_id), {
          conversationId: String(r.conversation_id),
          outcome: String(r.outcome),
          description: strOrNull(r.description),
          person:
            r.rid === null && r.unit_code === null
              ? null
              : { name: strOrNull(r.name), unitCode: strOrNull(r.unit_code), unitName: strOrNull(r.unit_name), role: strOrNull(r.role), extension: strOrNull(r.extension), email: strOrNull(r.email), phone: strOrNull(r.phone) },
        });
      }
      for (const r of handoffRows) {
        push(out.handoffs, String(r.conversation_id), {
          id: String(r.id),
          conversationId: String(r.conversation_id),
          queuedAt: new Date(r.queued_at as string),
          acceptedAt: dateOrNull(r.accepted_at),
          closedAt: dateOrNull(r.closed_at),
          status: String(r.status),
          closeReason: strOrNull(r.close_reason),
          resolverGroup: String(r.resolver_group),
          agentUserId: strOrNull(r.agent_user_id),
          agentName: strOrNull(r.display_name),
          transferNote: strOrNull(r.transfer_note),
          context: (r.context ?? {}) as Record<string, unknown>,
        });
      }
      for (const r of callRows) {
        out.calls.set(String(r.conversation_id), {
          id: String(r.id),
          conversationId: String(r.conversation_id),
          startedAt: new Date(r.started_at as string),
          answeredAt: dateOrNull(r.answered_at),
          durationSeconds: r.duration_seconds === null ? null : Number(r.duration_seconds),
          transfers: Array.isArray(r.transfers) ? (r.transfers as Array<Record<string, unknown>>) : [],
          agentUserId: strOrNull(r.agent_user_id),
          recordingSid: strOrNull(r.recording_sid),
          recordingUrl: strOrNull(r.recording_url),
        });
      }
    }
    return out;
  }

  /** Which of the calls `ids` have a recording (a URL or a SID). */
  async recordedCalls(ids: readonly string[]): Promise<Set<string>> {
    if (ids.length === 0) return new Set();
    const rows = await rowsOf<Record<string, unknown>>(
      this.db,
      sql`select id from calls where id::text in ${idList(ids)} and (recording_url is not null or recording_sid is not null)`,
    );
    return new Set(rows.map((r) => String(r.id)));
  }

  /** Display names of console users by id. */
  async userNames(ids: readonly string[]): Promise<Map<string, string>> {
    if (ids.length === 0) return new Map();
    const rows = await rowsOf<Record<string, unknown>>(this.db, sql`select id, display_name from users where id::text in ${idList(ids)}`);
    return new Map(rows.map((r) => [String(r.id), String(r.display_name)]));
  }

  /** A user by id (to check an action's agent). */
  async user(id: string): Promise<{ id: string; displayName: string; role: string; active: boolean } | null> {
    const [row] = await this.db.select({ id: users.id, displayName: users.displayName, role: users.role, active: users.active }).from(users).where(eq(users.id, id));
    return row ?? null;
  }

  /** Stores a review and its items in one transaction; null when the month already has one. */
  async createReview(review: typeof qualityReviews.$inferInsert, items: readonly NewQualityItem[]): Promise<QualityReviewRow | null> {
    return this.db.transaction(async (tx) => {
      const [row] = await tx.insert(qualityReviews).values(review).onConflictDoNothing({ target: qualityReviews.month }).returning();
      if (!row) return null;
      for (let i = 0; i < items.length; i += 200) {
        await tx.insert(qualityReviewItems).values(items.slice(i, i + 200).map((item) => ({ ...item, reviewId: row.id })));
      }
      return row;
    });
  }

  /** The review of `month`, if any. */
  async review(month: string): Promise<QualityReviewRow | null> {
    const [row] = await this.db.select().from(qualityReviews).where(eq(qualityReviews.month, month));
    return row ?? null;
  }

  /** Every review, newest month first, with how many items it has and how many were reviewed. */
  async reviews(): Promise<ReviewListRow[]> {
    const rows = await rowsOf<Record<string, unknown>>(this.db, sql`
      select r.month, r.status, r.sample_size, r.created_at, count(i.id)::int as items, count(i.reviewed_at)::int as reviewed
      from quality_reviews r left join quality_review_items i on i.review_id = r.id
      group by r.id order by r.month desc`);
    return rows.map((r) => ({ month: String(r.month), status: String(r.status), sampleSize: Number(r.sample_size), items: Number(r.items), reviewed: Number(r.reviewed), createdAt: new Date(r.created_at as string) }));
  }

  /** The items of a review, in position order. */
  async items(reviewId: string): Promise<QualityItemRow[]> {
    return this.db.select().from(qualityReviewItems).where(eq(qualityReviewItems.reviewId, reviewId)).orderBy(asc(qualityReviewItems.position));
  }

  /** One item of a review. */
  async item(reviewId: string, id: string): Promise<QualityItemRow | null> {
    const [row] = await this.db.select().from(qualityReviewItems).where(and(eq(qualityReviewItems.reviewId, reviewId), eq(qualityReviewItems.id, id)));
    return row ?? null;
  }

  /**
   * Merges a reviewer's verdicts into an item (`verdicts || patch`, so two reviewers saving different points of the same
   * item both keep theirs) and sets its observations when given (`undefined`: unchanged). In one transaction that
   * holds the review `for share`, so it cannot be submitted in between; null when the review is not `in_review` or
   * `returned` (or the item is not in it).
   */
  async saveVerdicts(
    reviewId: string,
    id: string,
    fields: { patch: Record<string, string>; observations?: string | null; reviewedBy: string; reviewedAt: Date },
  ): Promise<QualityItemRow | null> {
    return this.db.transaction(async (tx) => {
      const [review] = await rowsOf<Record<string, unknown>>(tx, sql`select status from quality_reviews where id = ${reviewId} for share`);
      if (!review || (review.status !== 'in_review' && review.status !== 'returned')) return null;
      const [row] = await tx
        .update(qualityReviewItems)
        .set({
          verdicts: sql`${qualityReviewItems.verdicts} || ${JSON.stringify(fields.patch)}::jsonb`,
          ...(fields.observations !== undefined ? { observations: fields.observations } : {}),
          reviewedBy: fields.reviewedBy,
          reviewedAt: fields.reviewedAt,
        })
        .where(and(eq(qualityReviewItems.reviewId, reviewId), eq(qualityReviewItems.id, id)))
        .returning();
      return row ?? null;
    });
  }

  /**
   * Submits `month`'s review in one transaction: locks it `for update` (no verdict is saved meanwhile), reads its
   * items, and lets `decide` check them and say what to write (it may throw to refuse: nothing is written). Null when
   * the month has no review; `decide` sees the locked row, so it checks the status itself.
   * `decide` must not touch the database (on PGlite the transaction holds the only connection).
   */
  async submitReview(
    month: string,
    decide: (review: QualityReviewRow, items: QualityItemRow[]) => Partial<typeof qualityReviews.$inferInsert> & { historyEntry: Record<string, unknown> },
  ): Promise<QualityReviewRow | null> {
    return this.db.transaction(async (tx) => {
      const [review] = await tx.select().from(qualityReviews).where(eq(qualityReviews.month, month)).for('update');
      if (!review) return null;
      const items = await tx.select().from(qualityReviewItems).where(eq(qualityReviewItems.reviewId, review.id)).orderBy(asc(qualityReviewItems.position));
      const { historyEntry, ...set } = decide(review, items);
      const [row] = await tx
        .update(qualityReviews)
        .set({ ...set, history: sql`${qualityReviews.history} || ${JSON.stringify([historyEntry])}::jsonb` })
        .where(eq(qualityReviews.id, review.id))
        .returning();
      return row ?? null;
    });
  }

  /**
   * Moves a review from one of `from` to a new status with its fields; null when it was not in one of `from` (or,
   * with `notSubmittedBy`, when that actor submitted it).
   */
  async transition(
    month: string,
    from: readonly string[],
    fields: Partial<typeof qualityReviews.$inferInsert> & { historyEntry: Record<string, unknown>; notSubmittedBy?: string },
  ): Promise<QualityReviewRow | null> {
    const { historyEntry, notSubmittedBy, ...set } = fields;
    const [row] = await this.db
      .update(qualityReviews)
      .set({ ...set, history: sql`${qualityReviews.history} || ${JSON.stringify([historyEntry])}::jsonb` })
      .where(
        and(
          eq(qualityReviews.month, month),
          sql`${qualityReviews.status} in ${sql`(${sql.join(from.map((s) => sql`${s}`), sql`, `)})`}`,
          notSubmittedBy !== undefined ? sql`${qualityReviews.submittedBy} is distinct from ${notSubmittedBy}` : undefined,
        ),
      )
      .returning();
    return row ?? null;
  }

  /** Adds a corrective action. */
  async addAction(action: typeof correctiveActions.$inferInsert): Promise<CorrectiveActionRow> {
    const [row] = await this.db.insert(correctiveActions).values(action).returning();
    if (!row) throw new Error('QualityRepository.addAction(): nothing inserted');
    return row;
  }

  /** Corrective actions, newest first, filtered by review, status and agent. */
  async actions(q: { reviewId?: string; status?: string; agentUserId?: string; id?: string } = {}): Promise<ActionRow[]> {
    const rows = await this.db
      .select({ action: correctiveActions, reviewMonth: qualityReviews.month, agentName: users.displayName })
      .from(correctiveActions)
      .innerJoin(qualityReviews, eq(qualityReviews.id, correctiveActions.reviewId))
      .leftJoin(users, eq(users.id, correctiveActions.agentUserId))
      .where(
        and(
          q.id ? eq(correctiveActions.id, q.id) : undefined,
          q.reviewId ? eq(correctiveActions.reviewId, q.reviewId) : undefined,
          q.status ? eq(correctiveActions.status, q.status as CorrectiveActionRow['status']) : undefined,
          q.agentUserId ? eq(correctiveActions.agentUserId, q.agentUserId) : undefined,
        ),
      )
      .orderBy(desc(correctiveActions.createdAt), desc(correctiveActions.id));
    return rows.map((r) => ({ ...r.action, reviewMonth: r.reviewMonth, agentName: r.agentName }));
  }

  /** Updates an action if its status is one of `from`; null otherwise. */
  async updateAction(id: string, from: readonly CorrectiveActionRow['status'][], set: Partial<typeof correctiveActions.$inferInsert>): Promise<CorrectiveActionRow | null> {
    const [row] = await this.db
      .update(correctiveActions)
      .set(set)
      .where(and(eq(correctiveActions.id, id), sql`${correctiveActions.status} in ${sql`(${sql.join(from.map((s) => sql`${s}`), sql`, `)})`}`))
      .returning();
    return row ?? null;
  }
}
