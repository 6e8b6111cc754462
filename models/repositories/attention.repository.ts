import { and, asc, eq, gte, lt } from 'drizzle-orm';
import type { Db } from '../db';
import { attentions } from '../schema';
import { isUniqueViolation } from './sql-rows';

export type AttentionRow = typeof attentions.$inferSelect;
export type NewAttention = Omit<typeof attentions.$inferInsert, 'id' | 'createdAt'>;

/** How each request attended ended (first level, ticket, informative, out of scope, status lookup). */
export class AttentionRepository {
  constructor(private readonly db: Db) {
    if (!db) throw new Error('AttentionRepository: db is required');
  }

  /** Records an outcome; with an idempotency key already used, returns the first record (created: false). */
  async record(attention: NewAttention, now: Date): Promise<{ attention: AttentionRow; created: boolean }> {
    try {
      const [row] = await this.db.insert(attentions).values({ ...attention, createdAt: now }).returning();
      if (!row) throw new Error('AttentionRepository.record(): insert returned nothing');
      return { attention: row, created: true };
    } catch (err) {
      if (attention.idempotencyKey && isUniqueViolation(err)) {
        const [row] = await this.db.select().from(attentions).where(eq(attentions.idempotencyKey, attention.idempotencyKey)).limit(1);
        if (row) return { attention: row, created: false };
      }
      throw err;
    }
  }

  async byConversation(conversationId: string): Promise<AttentionRow[]> {
    return this.db.select().from(attentions).where(eq(attentions.conversationId, conversationId)).orderBy(asc(attentions.createdAt));
  }

  async between(from: Date, to: Date): Promise<AttentionRow[]> {
    return this.db
      .select()
      .from(attentions)
      .where(and(gte(attentions.createdAt, from), lt(attentions.createdAt, to)))
      .orderBy(asc(attentions.createdAt));
  }
}
