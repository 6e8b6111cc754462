import { and, asc, desc, eq, gte, inArray, isNull, lt, sql, type SQL } from 'drizzle-orm';
import type { Db } from '../db';
import { TICKET_KINDS, TICKET_STATUSES, requesters, ticketCounters, ticketEvents, tickets, users } from '../schema';
import { insertOutboxMessages, type NewOutboxMessage } from './outbox.repository';
import { isUniqueViolation } from './sql-rows';

export type TicketKind = (typeof TICKET_KINDS)[number];
export type TicketStatus = (typeof TICKET_STATUSES)[number];
export { TICKET_KINDS, TICKET_STATUSES };

export type TicketRow = typeof tickets.$inferSelect;
export type TicketEventRow = typeof ticketEvents.$inferSelect;
export type NewTicket = Omit<typeof tickets.$inferInsert, 'id' | 'number' | 'status' | 'createdAt' | 'updatedAt'>;

/** Which tickets a reader may see: all, or those of the resolver group of one (resolver) user. */
export type TicketScope = 'all' | { resolverUserId: string };

/** Filters of the ticket list; every one given must match. */
export interface TicketFilter {
  statuses?: readonly TicketStatus[];
  kinds?: readonly TicketKind[];
  priorities?: readonly string[];
  channels?: readonly string[];
  resolverGroup?: string;
  /** An assignee's e-mail, or null for unassigned tickets. */
  assignee?: string | null;
  /** Matched literally (case-insensitive) against number, description and the requester's name and e-mail. */
  text?: string;
  /** created_at >= from */
  from?: Date;
  /** created_at < to */
  to?: Date;
}

/** Position after a row in the list order (newest first); `at` keeps the database's microseconds. */
export interface TicketListCursor {
  at: string;
  id: string;
}

/** What a change does to a locked ticket, and the history event that records it. */
export interface TicketChange {
  set: Partial<Pick<TicketRow, 'status' | 'resolverGroup' | 'assignee'>>;
  event: { fromStatus: TicketStatus | null; toStatus: TicketStatus | null; note: string | null };
}

/** Reads a change may need, inside its transaction. */
export interface TicketChangeLookups {
  /** The active resolver with that e-mail (any case), or null. */
  activeResolver(email: string): Promise<{ email: string; resolverGroup: string | null } | null>;
}

/** Tickets with gap-free numbers per prefix and year, and their history. */
export class TicketRepository {
  constructor(private readonly db: Db) {
    if (!db) throw new Error('TicketRepository: db is required');
  }

  /**
   * Creates a ticket numbered `PREFIX-YYYY-NNNNNN`. The counter row is bumped in the ticket's own transaction,
   * so a failed insert gives its number back and concurrent creations queue on that row: numbers are
   * consecutive and never skip. With an `idempotencyKey` already used, returns that ticket instead (created: false).
   * `notify(ticket)` gives the outbox messages (mail, webhooks) to write in the same transaction.
   */
  async create(
    ticket: NewTicket,
    numbering: { prefix: string; year: number },
    actor: string,
    now: Date,
    notify: (ticket: TicketRow) => readonly NewOutboxMessage[] = () => [],
  ): Promise<{ ticket: TicketRow; created: boolean }> {
    if (ticket.idempotencyKey) {
      const existing = await this.findByIdempotencyKey(ticket.idempotencyKey);
      if (existing) return { ticket: existing, created: false };
    }
    try {
      const row = await this.db.transaction(async (tx) => {
        const [counter] = await tx
          .insert(ticketCounters)
          .values({ prefix: numbering.prefix, year: numbering.year, last: 1 })
          .onConflictDoUpdate({ target: [ticketCounters.prefix, ticketCounters.year], set: { last: sql`${ticketCounters.last} + 1` } })
          .returning({ last: ticketCounters.last });
        if (!counter) throw new Error('TicketRepository.create(): counter upsert returned nothing');
        const number = `${numbering.prefix}-${numbering.year}-${String(counter.last).padStart(6, '0')}`;
        const [inserted] = await tx
          .insert(tickets)
          .values({ ...ticket, number, status: 'registered', createdAt: now, updatedAt: now })
          .returning();
        if (!inserted) throw new Error('TicketRepository.create(): insert returned nothing');
        await tx.insert(ticketEvents).values({ ticketId: inserted.id, at: now, actor, fromStatus: null, toStatus: 'registered' });
        await insertOutboxMessages(tx, notify(inserted), now);
        return inserted;
      });
      return { ticket: row, created: true };
    } catch (err) {
      // The same inbound message raced itself: the other transaction won; ours gave its number back.
      if (ticket.idempotencyKey && isUniqueViolation(err)) {
        const existing = await this.findByIdempotencyKey(ticket.idempotencyKey);
        if (existing) return { ticket: existing, created: false };
      }
      throw err;
    }
  }

  async findByNumber(number: string): Promise<TicketRow | null> {
    const [row] = await this.db.select().from(tickets).where(eq(tickets.number, number)).limit(1);
    return row ?? null;
  }

  /** Tickets of a conversation not yet announced to the person, oldest first. */
  async findUnannounced(conversationId: string): Promise<TicketRow[]> {
    return this.db
      .select()
      .from(tickets)
      .where(and(eq(tickets.conversationId, conversationId), isNull(tickets.announcedAt)))
      .orderBy(asc(tickets.createdAt));
  }

  /** The requester's most recent tickets, newest first. */
  async ofRequester(requesterId: string, limit: number): Promise<TicketRow[]> {
    return this.db.select().from(tickets).where(eq(tickets.requesterId, requesterId)).orderBy(desc(tickets.createdAt)).limit(limit);
  }

  async markAnnounced(ticketId: string, at: Date): Promise<void> {
    await this.db.update(tickets).set({ announcedAt: at }).where(and(eq(tickets.id, ticketId), isNull(tickets.announcedAt)));
  }

  async findByIdempotencyKey(key: string): Promise<TicketRow | null> {
    const [row] = await this.db.select().from(tickets).where(eq(tickets.idempotencyKey, key)).limit(1);
    return row ?? null;
  }

  /**
   * Moves a ticket to `to` when `allowed(from)` says so, under a row lock, and records the change.
   * Returns null when the ticket does not exist; throws what `allowed` throws.
   */
  async transition(number: string, to: TicketStatus, allowed: (from: TicketStatus) => void, event: { actor: string; note: string | null; at: Date }): Promise<TicketRow | null> {
    return this.db.transaction(async (tx) => {
      const [current] = await tx.select().from(tickets).where(eq(tickets.number, number)).for('update').limit(1);
      if (!current) return null;
      allowed(current.status);
      const [row] = await tx.update(tickets).set({ status: to, updatedAt: event.at }).where(eq(tickets.id, current.id)).returning();
      await tx.insert(ticketEvents).values({ ticketId: current.id, at: event.at, actor: event.actor, fromStatus: current.status, toStatus: to, note: event.note });
      return row ?? null;
    });
  }

  async history(ticketId: string): Promise<TicketEventRow[]> {
    return this.db.select().from(ticketEvents).where(eq(ticketEvents.ticketId, ticketId)).orderBy(asc(ticketEvents.id));
  }

  /**
   * One page of tickets, newest first (created_at, then id), after `page.after` when given.
   * `next` is the cursor of the last row when more rows follow.
   */
  async list(filter: TicketFilter, scope: TicketScope, page: { limit: number; after?: TicketListCursor | undefined }): Promise<{ rows: TicketRow[]; next: TicketListCursor | null }> {
    const where = [...filterConditions(filter), scopeCondition(scope)];
    if (page.after) where.push(sql`(${tickets.createdAt}, ${tickets.id}) < (${page.after.at}::timestamptz, ${page.after.id}::uuid)`);
    const found = await this.db
      .select({ ticket: tickets, at: sql<string>`to_char(${tickets.createdAt} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')` })
      .from(tickets)
      .where(and(...where))
      .orderBy(desc(tickets.createdAt), desc(tickets.id))
      .limit(page.limit + 1);
    const rows = found.slice(0, page.limit);
    const last = rows[rows.length - 1];
    return { rows: rows.map((r) => r.ticket), next: found.length > page.limit && last ? { at: last.at, id: last.ticket.id } : null };
  }

  /** The ticket with that number when the scope lets its reader see it. */
  async findVisible(number: string, scope: TicketScope): Promise<TicketRow | null> {
    const [row] = await this.db.select().from(tickets).where(and(eq(tickets.number, number), scopeCondition(scope))).limit(1);
    return row ?? null;
  }

  /** The newest ticket of a conversation that the scope lets its reader see, or null (attachments follow it). */
  async findVisibleInConversation(conversationId: string, scope: TicketScope): Promise<TicketRow | null> {
    const [row] = await this.db
      .select()
      .from(tickets)
      .where(and(eq(tickets.conversationId, conversationId), scopeCondition(scope)))
      .orderBy(desc(tickets.createdAt))
      .limit(1);
    return row ?? null;
  }

  /**
   * Changes a ticket under a row lock (as transition() does) and records one history event:
   * `decide` sees the locked row and returns the change, or null for none (nothing is written).
   * Returns null when the ticket does not exist or is outside the scope; throws what `decide` throws.
   */
  async change(
    number: string,
    scope: TicketScope,
    decide: (current: TicketRow, lookups: TicketChangeLookups) => Promise<TicketChange | null>,
    meta: { actor: string; at: Date },
  ): Promise<{ ticket: TicketRow; event: TicketEventRow | null } | null> {
    return this.db.transaction(async (tx) => {
      const [current] = await tx.select().from(tickets).where(and(eq(tickets.number, number), scopeCondition(scope))).for('update').limit(1);
      if (!current) return null;
      const lookups: TicketChangeLookups = {
        activeResolver: async (email) => {
          const [u] = await tx
            .select({ email: users.email, resolverGroup: users.resolverGroup })
            .from(users)
            .where(and(sql`lower(${users.email}) = ${email.toLowerCase()}`, eq(users.role, 'resolver'), eq(users.active, true)))
            .limit(1);
          return u ?? null;
        },
      };
      const change = await decide(current, lookups);
      if (!change) return { ticket: current, event: null };
      const [row] = await tx.update(tickets).set({ ...change.set, updatedAt: meta.at }).where(eq(tickets.id, current.id)).returning();
      if (!row) throw new Error('TicketRepository.change(): update returned nothing');
      const [event] = await tx.insert(ticketEvents).values({ ticketId: current.id, at: meta.at, actor: meta.actor, ...change.event }).returning();
      return { ticket: row, event: event ?? null };
    });
  }
}

/** `%`, `_` and `\` match themselves (ILIKE … ESCAPE '\'). */
function containsPattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

function scopeCondition(scope: TicketScope): SQL | undefined {
  if (scope === 'all') return undefined;
  // A resolver without a group (or no longer a resolver) sees nothing: `= null` is never true.
  return sql`${tickets.resolverGroup} = (select ${users.resolverGroup} from ${users} where ${users.id} = ${scope.resolverUserId}::uuid and ${users.role} = 'resolver')`;
}

function filterConditions(f: TicketFilter): Array<SQL | undefined> {
  const out: Array<SQL | undefined> = [];
  if (f.statuses?.length) out.push(inArray(tickets.status, [...f.statuses]));
  if (f.kinds?.length) out.push(inArray(tickets.kind, [...f.kinds]));
  if (f.priorities?.length) out.push(inArray(tickets.priority, [...f.priorities]));
  if (f.channels?.length) out.push(inArray(tickets.channel, [...f.channels]));
  if (f.resolverGroup !== undefined) out.push(eq(tickets.resolverGroup, f.resolverGroup));
  if (f.assignee === null) out.push(isNull(tickets.assignee));
  else if (f.assignee !== undefined) out.push(sql`lower(${tickets.assignee}) = ${f.assignee.toLowerCase()}`);
  if (f.from) out.push(gte(tickets.createdAt, f.from));
  if (f.to) out.push(lt(tickets.createdAt, f.to));
  if (f.text) {
    const p = containsPattern(f.text);
    const like = (col: SQL) => sql`${col} ilike ${p} escape '\\'`;
    out.push(sql`(${like(sql`${tickets.number}`)} or ${like(sql`${tickets.description}`)}
      or ${like(sql`${tickets.requester}->>'name'`)} or ${like(sql`${tickets.requester}->>'email'`)}
      or exists (select 1 from ${requesters} where ${requesters.id} = ${tickets.requesterId}
        and (${like(sql`${requesters.name}`)} or ${like(sql`${requesters.email}`)})))`);
  }
  return out;
}
