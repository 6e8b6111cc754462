import { and, asc, eq, isNull, sql } from 'drizzle-orm';
import type { Db } from '../db';
import { TICKET_KINDS, TICKET_STATUSES, ticketCounters, ticketEvents, tickets } from '../schema';
import { insertOutboxMessages, type NewOutboxMessage } from './outbox.repository';
import { isUniqueViolation } from './sql-rows';

export type TicketKind = (typeof TICKET_KINDS)[number];
export type TicketStatus = (typeof TICKET_STATUSES)[number];
export { TICKET_KINDS, TICKET_STATUSES };

export type TicketRow = typeof tickets.$inferSelect;
export type TicketEventRow = typeof ticketEvents.$inferSelect;
export type NewTicket = Omit<typeof tickets.$inferInsert, 'id' | 'number' | 'status' | 'createdAt' | 'updatedAt'>;

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
}
