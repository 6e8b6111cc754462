import { and, asc, desc, eq, inArray, isNull, or, sql, type SQL } from 'drizzle-orm';
import type { Db } from '../db';
import { attentions, auditLog, callbackRequests, conversations, handoffs, identityCodes, requesterIdentities, requesters, tickets } from '../schema';

export type RequesterRecord = typeof requesters.$inferSelect;
export type RequesterIdentityRow = typeof requesterIdentities.$inferSelect;

/** A channel identity as the console names it. */
export interface IdentityRef {
  kind: string;
  value: string;
}

/** One requester as the search lists it. */
export interface RequesterSummaryRow {
  requester: RequesterRecord;
  identities: RequesterIdentityRow[];
  /** Tickets of the requester and of the records merged into it. */
  ticketCount: number;
  /** Latest of: a conversation on one of its identities, a ticket, an attention; else when the record was made. */
  lastSeenAt: Date;
}

export interface RequesterTicketRow {
  id: string;
  number: string;
  status: string;
  kind: string;
  channel: string;
  conversationId: string | null;
  createdAt: Date;
}

export interface RequesterDetailRow extends RequesterSummaryRow {
  tickets: RequesterTicketRow[];
  /** Distinct conversations: on its identities, or holding its tickets or attentions. */
  conversationCount: number;
}

/** What a search asks for; every part given may match (OR), merged records never do. */
export interface RequesterSearchQuery {
  /** Folded words (lower case, no accents) that must all appear in the folded name. */
  words: string[];
  /** Lower-case text looked for inside the e-mail and the identity values. */
  text: string | null;
  /** Digits looked for inside the phone and the identity values (only when the query is a number). */
  digits: string | null;
  limit: number;
}

/** What a merge or split moved, by table. */
export interface MovedCounts {
  identities: number;
  tickets: number;
  attentions: number;
  callbacks: number;
  identityCodes: number;
  handoffs: number;
}

export interface MergeRequest {
  targetId: string;
  /** In the order given: the first source with a value fills an empty field of the target. */
  sourceIds: string[];
  actor: string;
  reason: string;
  now: Date;
}

export type MergeOutcome =
  | { ok: true; target: RequesterRecord; moved: MovedCounts; filled: string[] }
  | { ok: false; why: 'self' }
  | { ok: false; why: 'not_found'; ids: string[] }
  | { ok: false; why: 'merged'; ids: string[] };

export interface SplitRequest {
  requesterId: string;
  identities: IdentityRef[];
  /** What the split identities themselves say about the person (an e-mail address, a phone number). */
  fields: { email?: string | undefined; phone?: string | undefined };
  actor: string;
  reason: string;
  now: Date;
}

export type SplitOutcome =
  | { ok: true; created: RequesterRecord; source: RequesterRecord; moved: MovedCounts; cleared: string[] }
  | { ok: false; why: 'not_found' }
  | { ok: false; why: 'merged'; mergedInto: string }
  | { ok: false; why: 'unknown_identities'; identities: IdentityRef[] }
  | { ok: false; why: 'all_identities' };

/** Personal fields a merge may fill on the survivor; the unit (code and name) is filled as one. */
const FILLABLE = ['name', 'role', 'extension', 'email', 'phone'] as const;
const MAX_TICKETS = 200;

/** Accented letters and what they fold to: `translate()` does in SQL what the service's fold does in JS. */
const ACCENTED = 'áàäâãÁÀÄÂÃéèëêÉÈËÊíìïîÍÌÏÎóòöôõÓÒÖÔÕúùüûÚÙÜÛñÑçÇ';
const PLAIN = [...ACCENTED].map((c) => (c.normalize('NFD')[0] ?? c).toLowerCase()).join('');

/**
 * The coordinators' view of requesters: search, detail, and the merge and split of records (one person across
 * channels). A merge or split is one transaction that locks the rows it changes — the identities first, then the
 * requesters in id order, as the bot's own `RequesterRepository.save()` does — and writes its audit entry.
 * A transaction PostgreSQL aborts as a deadlock victim is run again (up to three times).
 */
export class RequesterAdminRepository {
  constructor(private readonly db: Db) {
    if (!db) throw new Error('RequesterAdminRepository: db is required');
  }

  /** Unmerged requesters matching the query (all of them, most recently updated first, when it is empty). */
  async search(q: RequesterSearchQuery): Promise<RequesterSummaryRow[]> {
    const like = (value: SQL, text: string) => sql`${value} like ${containsPattern(text)} escape '\\'`;
    const any: SQL[] = [];
    if (q.words.length > 0) {
      const folded = sql`lower(translate(coalesce(${requesters.name}, ''), ${ACCENTED}, ${PLAIN}))`;
      any.push(sql`(${sql.join(q.words.map((w) => like(folded, w)), sql` and `)})`);
    }
    const identity = (condition: SQL) =>
      sql`exists (select 1 from ${requesterIdentities} where ${requesterIdentities.requesterId} = ${requesters.id} and ${condition})`;
    if (q.text) {
      any.push(like(sql`lower(coalesce(${requesters.email}, ''))`, q.text));
      any.push(identity(like(sql`lower(${requesterIdentities.value})`, q.text)));
    }
    if (q.digits) {
      any.push(like(sql`regexp_replace(coalesce(${requesters.phone}, ''), '\\D', '', 'g')`, q.digits));
      any.push(identity(like(sql`regexp_replace(${requesterIdentities.value}, '\\D', '', 'g')`, q.digits)));
    }
    const rows = await this.db
      .select()
      .from(requesters)
      .where(and(isNull(requesters.mergedInto), any.length > 0 ? or(...any) : undefined))
      .orderBy(desc(requesters.updatedAt), asc(requesters.id))
      .limit(q.limit);
    return this.summaries(rows);
  }

  /** The requester (merged or not) with its identities, tickets and counts; null when the id is unknown. */
  async detail(id: string): Promise<RequesterDetailRow | null> {
    if (!UUID.test(id)) return null;
    const [row] = await this.db.select().from(requesters).where(eq(requesters.id, id)).limit(1);
    if (!row) return null;
    const [summary] = await this.summaries([row]);
    if (!summary) return null;
    const family = this.family([id]);
    const ticketRows = await this.db
      .select({
        id: tickets.id,
        number: tickets.number,
        status: tickets.status,
        kind: tickets.kind,
        channel: tickets.channel,
        conversationId: tickets.conversationId,
        createdAt: tickets.createdAt,
      })
      .from(tickets)
      .where(inArray(tickets.requesterId, family))
      .orderBy(desc(tickets.createdAt), desc(tickets.number))
      .limit(MAX_TICKETS);
    const ids = new Set<string>();
    for (const r of await this.db.select({ id: tickets.conversationId }).from(tickets).where(inArray(tickets.requesterId, family))) if (r.id) ids.add(r.id);
    for (const r of await this.db.select({ id: attentions.conversationId }).from(attentions).where(inArray(attentions.requesterId, family))) ids.add(r.id);
    for (const r of await this.db
      .select({ id: conversations.id })
      .from(conversations)
      .innerJoin(requesterIdentities, and(eq(conversations.channel, requesterIdentities.kind), eq(conversations.userId, requesterIdentities.value)))
      .where(eq(requesterIdentities.requesterId, id))) {
      ids.add(r.id);
    }
    return { ...summary, tickets: ticketRows, conversationCount: ids.size };
  }

  /** The record an id ended in: itself, or the survivor of the merges it went through (null when unknown). */
  async survivorOf(id: string): Promise<RequesterRecord | null> {
    if (!UUID.test(id)) return null;
    let current = id;
    // Merges keep the chain one step long; a few more steps cover records merged before that rule.
    for (let step = 0; step < 5; step++) {
      const [row] = await this.db.select().from(requesters).where(eq(requesters.id, current)).limit(1);
      if (!row) return null;
      if (!row.mergedInto) return row;
      current = row.mergedInto;
    }
    return null;
  }

  /**
   * Merges the sources into the target: identities (keeping `verified` and `proof`), tickets, attentions, call
   * backs, identity codes and the handoffs' `context.requesterId` move to the target; the target's empty fields are
   * filled from the sources (never overwritten); the sources get `merged_into` (they are kept), and so do records
   * that had been merged into them (the chain stays one step long). Refused, with nothing written, when an id is
   * unknown or already merged.
   */
  async merge(req: MergeRequest): Promise<MergeOutcome> {
    const targetId = req.targetId;
    const sourceIds = [...new Set(req.sourceIds)];
    if (sourceIds.includes(targetId)) return { ok: false, why: 'self' };
    const ids = [targetId, ...sourceIds];
    const unknown = ids.filter((id) => !UUID.test(id));
    if (unknown.length > 0) return { ok: false, why: 'not_found', ids: unknown };
    return retryingDeadlocks(() =>
      this.db.transaction(async (tx): Promise<MergeOutcome> => {
        await tx
          .select({ kind: requesterIdentities.kind })
          .from(requesterIdentities)
          .where(inArray(requesterIdentities.requesterId, ids))
          .orderBy(asc(requesterIdentities.kind), asc(requesterIdentities.value))
          .for('update');
        const locked = await tx
          .select()
          .from(requesters)
          .where(or(inArray(requesters.id, ids), inArray(requesters.mergedInto, sourceIds)))
          .orderBy(asc(requesters.id))
          .for('update');
        const byId = new Map(locked.map((r) => [r.id, r]));
        const missing = ids.filter((id) => !byId.has(id));
        if (missing.length > 0) return { ok: false, why: 'not_found', ids: missing };
        const merged = ids.filter((id) => byId.get(id)?.mergedInto);
        if (merged.length > 0) return { ok: false, why: 'merged', ids: merged };

        const earlier = locked.filter((r) => r.mergedInto !== null && sourceIds.includes(r.mergedInto)).map((r) => r.id);
        const family = [...sourceIds, ...earlier];
        const moved: MovedCounts = {
          identities: (
            await tx.update(requesterIdentities).set({ requesterId: targetId }).where(inArray(requesterIdentities.requesterId, family)).returning({ kind: requesterIdentities.kind })
          ).length,
          tickets: (await tx.update(tickets).set({ requesterId: targetId }).where(inArray(tickets.requesterId, family)).returning({ id: tickets.id })).length,
          attentions: (await tx.update(attentions).set({ requesterId: targetId }).where(inArray(attentions.requesterId, family)).returning({ id: attentions.id })).length,
          callbacks: (
            await tx.update(callbackRequests).set({ requesterId: targetId }).where(inArray(callbackRequests.requesterId, family)).returning({ id: callbackRequests.id })
          ).length,
          identityCodes: (await tx.update(identityCodes).set({ requesterId: targetId }).where(inArray(identityCodes.requesterId, family)).returning({ id: identityCodes.id })).length,
          handoffs: await this.pointHandoffs(tx, family, targetId),
        };

        const target = byId.get(targetId) as RequesterRecord;
        const sources = sourceIds.map((id) => byId.get(id) as RequesterRecord);
        const { patch, filled } = fillFrom(target, sources);
        const [updated] = await tx
          .update(requesters)
          .set({ ...patch, updatedAt: req.now })
          .where(eq(requesters.id, targetId))
          .returning();
        await tx.update(requesters).set({ mergedInto: targetId, updatedAt: req.now }).where(inArray(requesters.id, family));
        await tx.insert(auditLog).values({
          actor: req.actor,
          action: 'requester.merge',
          target: targetId,
          details: { sources: sourceIds, ...(earlier.length > 0 ? { alsoRedirected: earlier } : {}), reason: req.reason, moved, filled },
          at: req.now,
        });
        return { ok: true, target: updated ?? target, moved, filled };
      }),
    );
  }

  /**
   * Splits identities off a requester into a new one: the identities move (proof `coordinator`), and so do the
   * tickets, attentions, call backs and handoff contexts of the conversations on those identities (channel and user
   * id). The new record gets only `fields`; the old one loses an e-mail or phone equal to those (it was that
   * person's). Refused when the requester is unknown or merged, when an identity is not its own, or when no
   * identity would be left.
   */
  async split(req: SplitRequest): Promise<SplitOutcome> {
    if (!UUID.test(req.requesterId)) return { ok: false, why: 'not_found' };
    const id = req.requesterId;
    const key = (k: IdentityRef) => `${k.kind}\u0000${k.value}`;
    return retryingDeadlocks(() =>
      this.db.transaction(async (tx): Promise<SplitOutcome> => {
        const ofRequester = () =>
          tx
            .select()
            .from(requesterIdentities)
            .where(eq(requesterIdentities.requesterId, id))
            .orderBy(asc(requesterIdentities.kind), asc(requesterIdentities.value))
            .for('update');
        await ofRequester();
        const [row] = await tx.select().from(requesters).where(eq(requesters.id, id)).for('update');
        if (!row) return { ok: false, why: 'not_found' };
        if (row.mergedInto) return { ok: false, why: 'merged', mergedInto: row.mergedInto };
        // Read again under the requester's lock: a merge that committed meanwhile may have brought identities.
        const current = await ofRequester();
        const have = new Set(current.map(key));
        const unknown = req.identities.filter((k) => !have.has(key(k)));
        if (unknown.length > 0) return { ok: false, why: 'unknown_identities', identities: unknown };
        const chosen = new Set(req.identities.map(key));
        if (current.every((i) => chosen.has(key(i)))) return { ok: false, why: 'all_identities' };

        const [created] = await tx
          .insert(requesters)
          .values({ email: req.fields.email ?? null, phone: req.fields.phone ?? null, createdAt: req.now, updatedAt: req.now })
          .returning();
        if (!created) throw new Error('RequesterAdminRepository.split(): insert returned nothing');
        const identities = await tx
          .update(requesterIdentities)
          .set({ requesterId: created.id, proof: 'coordinator' })
          .where(
            and(
              eq(requesterIdentities.requesterId, id),
              or(...req.identities.map((k) => and(eq(requesterIdentities.kind, k.kind), eq(requesterIdentities.value, k.value)))),
            ),
          )
          .returning({ kind: requesterIdentities.kind });
        const convs = (
          await tx
            .select({ id: conversations.id })
            .from(conversations)
            .where(or(...req.identities.map((k) => and(eq(conversations.channel, k.kind), eq(conversations.userId, k.value)))))
        ).map((c) => c.id);
        const family = [id, ...(await tx.select({ id: requesters.id }).from(requesters).where(eq(requesters.mergedInto, id))).map((r) => r.id)];
        const moved: MovedCounts = { identities: identities.length, tickets: 0, attentions: 0, callbacks: 0, identityCodes: 0, handoffs: 0 };
        if (convs.length > 0) {
          moved.tickets = (
            await tx
              .update(tickets)
              .set({ requesterId: created.id })
              .where(and(inArray(tickets.conversationId, convs), inArray(tickets.requesterId, family)))
              .returning({ id: tickets.id })
          ).length;
          moved.attentions = (
            await tx
              .update(attentions)
              .set({ requesterId: created.id })
              .where(and(inArray(attentions.conversationId, convs), inArray(attentions.requesterId, family)))
              .returning({ id: attentions.id })
          ).length;
          moved.callbacks = (
            await tx
              .update(callbackRequests)
              .set({ requesterId: created.id })
              .where(and(inArray(callbackRequests.conversationId, convs), inArray(callbackRequests.requesterId, family)))
              .returning({ id: callbackRequests.id })
          ).length;
          moved.handoffs = await this.pointHandoffs(tx, family, created.id, convs);
        }
        const cleared: string[] = [];
        if (req.fields.email && row.email?.trim().toLowerCase() === req.fields.email) cleared.push('email');
        if (req.fields.phone && nationalDigits(row.phone ?? '') === req.fields.phone) cleared.push('phone');
        const [source] = await tx
          .update(requesters)
          .set({ ...(cleared.includes('email') ? { email: null } : {}), ...(cleared.includes('phone') ? { phone: null } : {}), updatedAt: req.now })
          .where(eq(requesters.id, id))
          .returning();
        await tx.insert(auditLog).values({
          actor: req.actor,
          action: 'requester.split',
          target: id,
          details: { created: created.id, identities: req.identities.map((k) => ({ kind: k.kind, value: k.value })), reason: req.reason, moved, cleared },
          at: req.now,
        });
        return { ok: true, created, source: source ?? row, moved, cleared };
      }),
    );
  }

  // --- internals ----------------------------------------------------------------------------------------

  /** The ids whose rows count as `ids`: themselves and the records merged into them. */
  private family(ids: string[]): SQL {
    return sql`(select ${requesters.id} from ${requesters} where ${inArray(requesters.id, ids)} or ${inArray(requesters.mergedInto, ids)})`;
  }

  /** Points `context.requesterId` of the handoffs of `from` (optionally only in `conversationIds`) to `to`. */
  private async pointHandoffs(tx: Pick<Db, 'update'>, from: string[], to: string, conversationIds?: string[]): Promise<number> {
    const rows = await tx
      .update(handoffs)
      .set({ context: sql`jsonb_set(${handoffs.context}, '{requesterId}', to_jsonb(${to}::text))` })
      .where(and(inArray(sql`${handoffs.context}->>'requesterId'`, from), conversationIds ? inArray(handoffs.conversationId, conversationIds) : undefined))
      .returning({ id: handoffs.id });
    return rows.length;
  }

  /** Identities, ticket counts and last-seen times of these rows, in their order. */
  private async summaries(rows: RequesterRecord[]): Promise<RequesterSummaryRow[]> {
    if (rows.length === 0) return [];
    const ids = rows.map((r) => r.id);
    const family = this.family(ids);
    const owner = sql<string>`coalesce(${requesters.mergedInto}, ${requesters.id})`;
    const [identities, ticketStats, attentionStats, conversationStats] = await Promise.all([
      this.db
        .select()
        .from(requesterIdentities)
        .where(inArray(requesterIdentities.requesterId, ids))
        .orderBy(asc(requesterIdentities.createdAt), asc(requesterIdentities.kind), asc(requesterIdentities.value)),
      this.db
        .select({ owner, count: sql<number>`count(*)`.mapWith(Number), last: sql<Date | null>`max(${tickets.createdAt})`.mapWith(tickets.createdAt) })
        .from(tickets)
        .innerJoin(requesters, eq(requesters.id, tickets.requesterId))
        .where(inArray(tickets.requesterId, family))
        .groupBy(owner),
      this.db
        .select({ owner, last: sql<Date | null>`max(${attentions.createdAt})`.mapWith(attentions.createdAt) })
        .from(attentions)
        .innerJoin(requesters, eq(requesters.id, attentions.requesterId))
        .where(inArray(attentions.requesterId, family))
        .groupBy(owner),
      this.db
        .select({ owner: requesterIdentities.requesterId, last: sql<Date | null>`max(${conversations.updatedAt})`.mapWith(conversations.updatedAt) })
        .from(requesterIdentities)
        .innerJoin(conversations, and(eq(conversations.channel, requesterIdentities.kind), eq(conversations.userId, requesterIdentities.value)))
        .where(inArray(requesterIdentities.requesterId, ids))
        .groupBy(requesterIdentities.requesterId),
    ]);
    const latest = (list: Array<{ owner: string; last: Date | null }>, id: string) => list.find((s) => s.owner === id)?.last ?? null;
    return rows.map((requester) => {
      const seen = [latest(ticketStats, requester.id), latest(attentionStats, requester.id), latest(conversationStats, requester.id)].filter((d): d is Date => d !== null);
      return {
        requester,
        identities: identities.filter((i) => i.requesterId === requester.id),
        ticketCount: ticketStats.find((s) => s.owner === requester.id)?.count ?? 0,
        lastSeenAt: seen.reduce((a, b) => (b > a ? b : a), requester.createdAt),
      };
    });
  }
}

/** The target's empty fields, filled from the first source that has a value (the unit's code and name as one). */
function fillFrom(target: RequesterRecord, sources: RequesterRecord[]): { patch: Partial<RequesterRecord>; filled: string[] } {
  const patch: Partial<RequesterRecord> = {};
  const filled: string[] = [];
  for (const field of FILLABLE) {
    if (!isEmpty(target[field])) continue;
    const from = sources.find((s) => !isEmpty(s[field]));
    if (!from) continue;
    patch[field] = from[field];
    filled.push(field);
  }
  if (isEmpty(target.unitCode) && isEmpty(target.unitName)) {
    const from = sources.find((s) => !isEmpty(s.unitCode) || !isEmpty(s.unitName));
    if (from) {
      patch.unitCode = from.unitCode;
      patch.unitName = from.unitName;
      filled.push('unit');
    }
  }
  return { patch, filled };
}

function isEmpty(value: string | null | undefined): boolean {
  return value === null || value === undefined || value.trim() === '';
}

/** «55 1234 5678», «+52 55…», «044 55…» → the 10 national digits, or the digits as they are. */
function nationalDigits(text: string): string {
  const digits = text.replace(/\D/g, '');
  if (digits.length === 12 && digits.startsWith('52')) return digits.slice(2);
  if (digits.length === 13 && digits.startsWith('521')) return digits.slice(3);
  if (digits.length === 13 && (digits.startsWith('044') || digits.startsWith('045'))) return digits.slice(3);
  return digits;
}

function containsPattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/** PostgreSQL's deadlock_detected / serialization_failure, as node-postgres and PGlite report them. */
function isRetryable(err: unknown): boolean {
  let e: unknown = err;
  for (let depth = 0; depth < 3 && e && typeof e === 'object'; depth++) {
    if ('code' in e && (e.code === '40P01' || e.code === '40001')) return true;
    e = 'cause' in e ? e.cause : undefined;
  }
  return false;
}

async function retryingDeadlocks<T>(run: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await run();
    } catch (err) {
      if (attempt >= 3 || !isRetryable(err)) throw err;
    }
  }
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
