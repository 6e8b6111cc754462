import { and, asc, desc, eq, sql } from 'drizzle-orm';
import type { Db } from '../db';
import { AGENT_STATUSES, agentPresence, handoffs } from '../schema';
import { isUniqueViolation } from './sql-rows';

export type AgentStatus = (typeof AGENT_STATUSES)[number];
export type AgentPresenceRow = typeof agentPresence.$inferSelect;
export type HandoffRow = typeof handoffs.$inferSelect;
export interface NewHandoff {
  conversationId: string;
  channel: string;
  resolverGroup: string;
  reason: string;
  priority?: number;
}

/** How far ahead of others a conversation whose agent vanished goes: to the front of its queue. */
const REQUEUE_BOOST = 1000;

/**
 * The handoff queues (one per resolver group) and the agents' presence. Assignment takes the queue's first
 * conversation (higher priority, then oldest) and the longest-idle available agent of that group with free capacity
 * and a fresh heartbeat, both under `FOR UPDATE SKIP LOCKED`, so concurrent assignments on several instances never
 * give one conversation twice or an agent more than their capacity.
 */
export class HandoffRepository {
  constructor(private readonly db: Db) {
    if (!db) throw new Error('HandoffRepository: db is required');
  }

  /** Creates or updates an agent's presence (only the fields given). */
  async setPresence(userId: string, change: { status?: AgentStatus; groups?: string[]; capacity?: number }, now: Date): Promise<AgentPresenceRow> {
    const values = { userId, ...change, updatedAt: now, ...(change.status === 'available' ? { heartbeatAt: now } : {}) };
    const [row] = await this.db
      .insert(agentPresence)
      .values(values)
      .onConflictDoUpdate({ target: agentPresence.userId, set: { ...change, updatedAt: now, ...(change.status === 'available' ? { heartbeatAt: now } : {}) } })
      .returning();
    if (!row) throw new Error('HandoffRepository.setPresence(): upsert returned nothing');
    return row;
  }

  async heartbeat(userId: string, now: Date): Promise<void> {
    await this.db.update(agentPresence).set({ heartbeatAt: now }).where(eq(agentPresence.userId, userId));
  }

  async presence(userId: string): Promise<AgentPresenceRow | null> {
    const [row] = await this.db.select().from(agentPresence).where(eq(agentPresence.userId, userId)).limit(1);
    return row ?? null;
  }

  /** Queues a conversation; when it already has an open handoff, returns that one (created: false). */
  async enqueue(handoff: NewHandoff, now: Date): Promise<{ handoff: HandoffRow; created: boolean }> {
    const open = await this.openFor(handoff.conversationId);
    if (open) return { handoff: open, created: false };
    try {
      const [row] = await this.db
        .insert(handoffs)
        .values({ ...handoff, priority: handoff.priority ?? 0, status: 'queued', queuedAt: now })
        .returning();
      if (!row) throw new Error('HandoffRepository.enqueue(): insert returned nothing');
      return { handoff: row, created: true };
    } catch (err) {
      if (!isUniqueViolation(err)) throw err;
      const raced = await this.openFor(handoff.conversationId);
      if (!raced) throw err;
      return { handoff: raced, created: false };
    }
  }

  /** The conversation's queued or assigned handoff. */
  async openFor(conversationId: string): Promise<HandoffRow | null> {
    const [row] = await this.db
      .select()
      .from(handoffs)
      .where(and(eq(handoffs.conversationId, conversationId), sql`${handoffs.status} in ('queued', 'assigned')`))
      .limit(1);
    return row ?? null;
  }

  /** 1-based place in its group's queue, or null when it is not queued. */
  async position(handoffId: string): Promise<number | null> {
    const [me] = await this.db.select().from(handoffs).where(eq(handoffs.id, handoffId)).limit(1);
    if (!me || me.status !== 'queued') return null;
    const [ahead] = await this.db
      .select({ n: sql<number>`count(*)::int` })
      .from(handoffs)
      .where(
        and(
          eq(handoffs.resolverGroup, me.resolverGroup),
          eq(handoffs.status, 'queued'),
          sql`(${handoffs.priority} > ${me.priority} or (${handoffs.priority} = ${me.priority} and (${handoffs.queuedAt}, ${handoffs.id}) < (${me.queuedAt.toISOString()}::timestamptz, ${me.id}::uuid)))`,
        ),
      );
    return (ahead?.n ?? 0) + 1;
  }

  /** The conversations an agent is attending now, oldest assignment first. */
  async assignedTo(agentUserId: string): Promise<HandoffRow[]> {
    return this.db
      .select()
      .from(handoffs)
      .where(and(eq(handoffs.agentUserId, agentUserId), eq(handoffs.status, 'assigned')))
      .orderBy(asc(handoffs.assignedAt));
  }

  /** The group's queue in order (priority, then oldest). */
  async queue(resolverGroup: string): Promise<HandoffRow[]> {
    return this.db
      .select()
      .from(handoffs)
      .where(and(eq(handoffs.resolverGroup, resolverGroup), eq(handoffs.status, 'queued')))
      .orderBy(desc(handoffs.priority), asc(handoffs.queuedAt), asc(handoffs.id));
  }

  /**
   * Gives the first conversation of `resolverGroup`'s queue to the longest-idle available agent of that group with
   * free capacity and a heartbeat since `freshSince`. Null when the queue is empty or nobody can take it.
   */
  async assignNext(resolverGroup: string, now: Date, freshSince: Date): Promise<{ handoff: HandoffRow; agentUserId: string } | null> {
    return this.db.transaction(async (tx) => {
      const [next] = await tx
        .select()
        .from(handoffs)
        .where(and(eq(handoffs.resolverGroup, resolverGroup), eq(handoffs.status, 'queued')))
        .orderBy(desc(handoffs.priority), asc(handoffs.queuedAt), asc(handoffs.id))
        .limit(1)
        .for('update', { skipLocked: true });
      if (!next) return null;
      const [agent] = await tx
        .select({ userId: agentPresence.userId })
        .from(agentPresence)
        .where(
          and(
            eq(agentPresence.status, 'available'),
            sql`${agentPresence.groups} @> ${JSON.stringify([resolverGroup])}::jsonb`,
            sql`${agentPresence.heartbeatAt} >= ${freshSince.toISOString()}`,
            sql`(select count(*) from ${handoffs} h where h.agent_user_id = ${agentPresence.userId} and h.status = 'assigned') < ${agentPresence.capacity}`,
          ),
        )
        .orderBy(sql`${agentPresence.lastAssignedAt} asc nulls first`, asc(agentPresence.userId))
        .limit(1)
        .for('update', { skipLocked: true });
      if (!agent) return null;
      const [assigned] = await tx
        .update(handoffs)
        .set({ status: 'assigned', agentUserId: agent.userId, assignedAt: now })
        .where(eq(handoffs.id, next.id))
        .returning();
      await tx.update(agentPresence).set({ lastAssignedAt: now }).where(eq(agentPresence.userId, agent.userId));
      if (!assigned) throw new Error('HandoffRepository.assignNext(): update returned nothing');
      return { handoff: assigned, agentUserId: agent.userId };
    });
  }

  /** Ends an open handoff: `closed` (the agent finished or returned it to the bot) or `cancelled` (the person left). */
  async end(handoffId: string, status: 'closed' | 'cancelled', reason: string, now: Date): Promise<HandoffRow | null> {
    const [row] = await this.db
      .update(handoffs)
      .set({ status, closedAt: now, closeReason: reason })
      .where(and(eq(handoffs.id, handoffId), sql`${handoffs.status} in ('queued', 'assigned')`))
      .returning();
    return row ?? null;
  }

  /** Conversations of agents whose heartbeat is older than `staleBefore` go back to the front of their queues. */
  async requeueStale(staleBefore: Date): Promise<HandoffRow[]> {
    return this.db.transaction(async (tx) => {
      const stale = tx
        .select({ userId: agentPresence.userId })
        .from(agentPresence)
        .where(sql`${agentPresence.heartbeatAt} is null or ${agentPresence.heartbeatAt} < ${staleBefore.toISOString()}`);
      const rows = await tx
        .update(handoffs)
        .set({
          status: 'queued',
          agentUserId: null,
          assignedAt: null,
          priority: sql`${handoffs.priority} + ${REQUEUE_BOOST}`,
          requeues: sql`${handoffs.requeues} + 1`,
        })
        .where(and(eq(handoffs.status, 'assigned'), sql`${handoffs.agentUserId} in ${stale}`))
        .returning();
      if (rows.length > 0) {
        await tx.update(agentPresence).set({ status: 'offline' }).where(sql`${agentPresence.userId} in ${stale}`);
      }
      return rows;
    });
  }
}
