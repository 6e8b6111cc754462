import { and, asc, desc, eq, sql } from 'drizzle-orm';
import type { Db } from '../db';
import { AGENT_STATUSES, agentPresence, callbackRequests, handoffs, users } from '../schema';
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
  context?: Record<string, unknown>;
  external?: boolean;
}

/** Fields of an open handoff the service updates as it goes. */
export type HandoffPatch = Partial<
  Pick<HandoffRow, 'lastHoldAt' | 'lastPositionTold' | 'lastAgentAt' | 'lastPersonAt' | 'ticketNumber' | 'context'>
>;

/** An agent as routing and the console see them: presence joined with the user. */
export interface AgentRow {
  userId: string;
  displayName: string;
  role: string;
  skills: string[];
  /** Where the agent's accepted phone calls ring (E.164 or `sip:` URI); null = cannot take calls. */
  voiceRoute: string | null;
  status: AgentStatus;
  groups: string[];
  capacity: number;
  heartbeatAt: Date | null;
  lastAssignedAt: Date | null;
}

export type AcceptOutcome =
  | { ok: true; handoff: HandoffRow; picked: boolean; already?: boolean }
  | { ok: false; why: 'not_found' | 'closed' | 'taken' | 'full' };

export interface NewCallback {
  conversationId: string;
  channel: string;
  requesterId: string | null;
  name: string | null;
  phone: string;
  preferredTime: string | null;
  resolverGroup: string | null;
  reason: string;
  kind?: 'handoff' | 'transfer' | 'outbound';
  directoryEntryId?: string | null;
  scheduledAt?: Date | null;
  nextAttemptAt?: Date | null;
}

const OPEN = sql`${handoffs.status} in ('queued', 'assigned')`;

/**
 * A conversation going back to the front of its queue (its agent vanished, or it was transferred to a group): a new
 * wait begins (the maximum wait counts from now), and the person was just told, so no hold message at once.
 */
function backToQueueFront(now: Date) {
  return {
    status: 'queued' as const,
    agentUserId: null,
    assignedAt: null,
    acceptedAt: null,
    priority: sql`${handoffs.priority} + ${REQUEUE_BOOST}`,
    requeues: sql`${handoffs.requeues} + 1`,
    waitStartedAt: now,
    lastHoldAt: now,
  };
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

  /**
   * Creates or updates an agent's presence (only the fields given). `idleSince` restarts the agent's idle clock
   * (longest idle first): set when they become available after being away or offline.
   */
  async setPresence(
    userId: string,
    change: { status?: AgentStatus; groups?: string[]; capacity?: number; idleSince?: Date },
    now: Date,
  ): Promise<AgentPresenceRow> {
    const { idleSince, ...rest } = change;
    return this.upsertPresence(userId, { ...rest, ...(idleSince ? { lastAssignedAt: idleSince } : {}) }, now);
  }

  private async upsertPresence(
    userId: string,
    change: { status?: AgentStatus; groups?: string[]; capacity?: number; lastAssignedAt?: Date },
    now: Date,
  ): Promise<AgentPresenceRow> {
    const values = { userId, ...change, updatedAt: now, ...(change.status === 'available' ? { heartbeatAt: now } : {}) };
    const [row] = await this.db
      .insert(agentPresence)
      .values(values)
      .onConflictDoUpdate({ target: agentPresence.userId, set: { ...change, updatedAt: now, ...(change.status === 'available' ? { heartbeatAt: now } : {}) } })
      .returning();
    if (!row) throw new Error('HandoffRepository.setPresence(): upsert returned nothing');
    return row;
  }

  /**
   * The agent's console is alive. An agent set offline because their heartbeat stopped (a network cut, a laptop
   * asleep) comes back «away»: connected, but not offered conversations until they say they are available.
   */
  async heartbeat(userId: string, now: Date): Promise<void> {
    await this.db
      .update(agentPresence)
      .set({ heartbeatAt: now, status: sql`case when ${agentPresence.status} = 'offline' then 'away' else ${agentPresence.status} end` })
      .where(eq(agentPresence.userId, userId));
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
        .values({ ...handoff, priority: handoff.priority ?? 0, status: 'queued', queuedAt: now, waitStartedAt: now })
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

  /** Records that the person wrote, and returns the conversation's open handoff (one statement; null when none). */
  async touchPerson(conversationId: string, now: Date): Promise<HandoffRow | null> {
    const [row] = await this.db
      .update(handoffs)
      .set({ lastPersonAt: now })
      .where(and(eq(handoffs.conversationId, conversationId), OPEN))
      .returning();
    return row ?? null;
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
        .where(
          and(
            eq(handoffs.resolverGroup, resolverGroup),
            eq(handoffs.status, 'queued'),
            // A call waits for an agent with a phone without holding up the chats behind it.
            sql`(${handoffs.channel} <> 'voice' or exists (
              select 1 from agent_presence ap join users u on u.id = ap.user_id
              where u.voice_route is not null and ap.status = 'available'
                and ap.groups @> ${JSON.stringify([resolverGroup])}::jsonb
                and ap.heartbeat_at >= ${freshSince.toISOString()}
                and (select count(*) from handoffs h2 where h2.agent_user_id = ap.user_id and h2.status = 'assigned') < ap.capacity))`,
          ),
        )
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
            next.channel === 'voice' ? sql`exists (select 1 from users u where u.id = ${agentPresence.userId} and u.voice_route is not null)` : undefined,
          ),
        )
        .orderBy(sql`${agentPresence.lastAssignedAt} asc nulls first`, asc(agentPresence.userId))
        .limit(1)
        .for('update', { skipLocked: true });
      if (!agent) return null;
      const [assigned] = await tx
        .update(handoffs)
        .set({ status: 'assigned', agentUserId: agent.userId, assignedAt: now, acceptedAt: null })
        .where(eq(handoffs.id, next.id))
        .returning();
      await tx.update(agentPresence).set({ lastAssignedAt: now }).where(eq(agentPresence.userId, agent.userId));
      if (!assigned) throw new Error('HandoffRepository.assignNext(): update returned nothing');
      return { handoff: assigned, agentUserId: agent.userId };
    });
  }

  /** Ends an open handoff: `closed` (the agent finished or returned it to the bot) or `cancelled` (the person left). */
  async end(handoffId: string, status: 'closed' | 'cancelled', reason: string, now: Date, onlyWaiting = false): Promise<HandoffRow | null> {
    const [row] = await this.db
      .update(handoffs)
      .set({ status, closedAt: now, closeReason: reason })
      .where(
        and(
          eq(handoffs.id, handoffId),
          sql`${handoffs.status} in ('queued', 'assigned')`,
          // The person's «cancelar» must not end a conversation an agent accepted meanwhile.
          onlyWaiting ? sql`${handoffs.acceptedAt} is null` : undefined,
        ),
      )
      .returning();
    return row ?? null;
  }

  /**
   * Conversations of agents whose heartbeat is older than `staleBefore` go back to the front of their queues, and
   * those agents are set offline. `wasAccepted` tells which ones the agent had been attending (not just offered).
   */
  async requeueStale(staleBefore: Date, now: Date = new Date()): Promise<Array<HandoffRow & { wasAccepted: boolean }>> {
    return this.db.transaction(async (tx) => {
      const stale = tx
        .select({ userId: agentPresence.userId })
        .from(agentPresence)
        .where(sql`${agentPresence.heartbeatAt} is null or ${agentPresence.heartbeatAt} < ${staleBefore.toISOString()}`);
      const before = await tx
        .select({ id: handoffs.id, acceptedAt: handoffs.acceptedAt })
        .from(handoffs)
        .where(and(eq(handoffs.status, 'assigned'), eq(handoffs.external, false), sql`${handoffs.agentUserId} in ${stale}`))
        .for('update', { skipLocked: true });
      if (before.length === 0) return [];
      const rows = await tx
        .update(handoffs)
        .set(backToQueueFront(now))
        .where(sql`${handoffs.id} in ${before.map((r) => r.id)}`)
        .returning();
      await tx.update(agentPresence).set({ status: 'offline' }).where(sql`${agentPresence.userId} in ${stale}`);
      const accepted = new Set(before.filter((r) => r.acceptedAt !== null).map((r) => r.id));
      return rows.map((row) => ({ ...row, wasAccepted: accepted.has(row.id) }));
    });
  }

  /** An assigned handoff goes back to the front of its queue (its agent could not be reached); the agent is set away. */
  async requeue(handoffId: string, now: Date): Promise<HandoffRow | null> {
    return this.db.transaction(async (tx) => {
      const [before] = await tx
        .select({ agentUserId: handoffs.agentUserId })
        .from(handoffs)
        .where(and(eq(handoffs.id, handoffId), eq(handoffs.status, 'assigned')))
        .for('update');
      if (!before) return null;
      const [row] = await tx.update(handoffs).set(backToQueueFront(now)).where(eq(handoffs.id, handoffId)).returning();
      if (before.agentUserId) {
        await tx.update(agentPresence).set({ status: 'away', updatedAt: now }).where(eq(agentPresence.userId, before.agentUserId));
      }
      return row ?? null;
    });
  }

  async get(handoffId: string): Promise<HandoffRow | null> {
    const [row] = await this.db.select().from(handoffs).where(eq(handoffs.id, handoffId)).limit(1);
    return row ?? null;
  }

  /** Updates an open handoff's bookkeeping fields. */
  async patch(handoffId: string, patch: HandoffPatch): Promise<void> {
    if (Object.keys(patch).length === 0) return;
    await this.db.update(handoffs).set(patch).where(eq(handoffs.id, handoffId));
  }

  /** Every open handoff (queued or assigned), optionally of some groups only, in queue order. */
  async open(groups?: readonly string[]): Promise<HandoffRow[]> {
    const where = groups ? and(OPEN, sql`${handoffs.resolverGroup} in ${groups.length > 0 ? groups : ['']}`) : OPEN;
    return this.db
      .select()
      .from(handoffs)
      .where(where)
      .orderBy(desc(handoffs.priority), asc(handoffs.queuedAt), asc(handoffs.id));
  }

  /** Groups that have conversations waiting. */
  async queuedGroups(): Promise<string[]> {
    const rows = await this.db
      .selectDistinct({ group: handoffs.resolverGroup })
      .from(handoffs)
      .where(and(eq(handoffs.status, 'queued'), eq(handoffs.external, false)));
    return rows.map((r) => r.group);
  }

  /**
   * The agent takes a handoff: one offered to them (assigned, not yet accepted), or one still in the queue when
   * `mayPick` (they chose it from the queue; their capacity is checked). Serialized on the handoff row.
   */
  async accept(handoffId: string, agentUserId: string, now: Date, mayPick: (row: HandoffRow) => boolean): Promise<AcceptOutcome> {
    return this.db.transaction(async (tx) => {
      const [row] = await tx.select().from(handoffs).where(eq(handoffs.id, handoffId)).limit(1).for('update');
      if (!row) return { ok: false, why: 'not_found' };
      if (row.status !== 'queued' && row.status !== 'assigned') return { ok: false, why: 'closed' };
      if (row.status === 'assigned') {
        if (row.agentUserId !== agentUserId) return { ok: false, why: 'taken' };
        if (row.acceptedAt) return { ok: true, handoff: row, picked: false, already: true };
        const [accepted] = await tx.update(handoffs).set({ acceptedAt: now }).where(eq(handoffs.id, handoffId)).returning();
        return { ok: true, handoff: accepted ?? row, picked: false };
      }
      if (!mayPick(row)) return { ok: false, why: 'taken' };
      const [presence] = await tx.select().from(agentPresence).where(eq(agentPresence.userId, agentUserId)).limit(1).for('update');
      const [load] = await tx
        .select({ n: sql<number>`count(*)::int` })
        .from(handoffs)
        .where(and(eq(handoffs.agentUserId, agentUserId), eq(handoffs.status, 'assigned')));
      if ((load?.n ?? 0) >= (presence?.capacity ?? 3)) return { ok: false, why: 'full' };
      const [taken] = await tx
        .update(handoffs)
        .set({ status: 'assigned', agentUserId, assignedAt: now, acceptedAt: now })
        .where(eq(handoffs.id, handoffId))
        .returning();
      await tx.update(agentPresence).set({ lastAssignedAt: now }).where(eq(agentPresence.userId, agentUserId));
      if (!taken) throw new Error('HandoffRepository.accept(): update returned nothing');
      return { ok: true, handoff: taken, picked: true };
    });
  }

  /**
   * Offers not accepted since `before` go back to the queue (keeping their place: their queue time is unchanged) and
   * the agents who let them ring are set away, as a contact centre does with a missed offer.
   */
  async expireOffers(before: Date, now: Date): Promise<Array<{ handoff: HandoffRow; agentUserId: string }>> {
    return this.db.transaction(async (tx) => {
      const stale = await tx
        .select()
        .from(handoffs)
        .where(and(eq(handoffs.status, 'assigned'), sql`${handoffs.acceptedAt} is null`, sql`${handoffs.assignedAt} < ${before.toISOString()}`))
        .for('update', { skipLocked: true });
      if (stale.length === 0) return [];
      const rows = await tx
        .update(handoffs)
        .set({ status: 'queued', agentUserId: null, assignedAt: null })
        .where(sql`${handoffs.id} in ${stale.map((r) => r.id)}`)
        .returning();
      const agents = [...new Set(stale.map((r) => r.agentUserId).filter((id): id is string => id !== null))];
      if (agents.length > 0) {
        await tx.update(agentPresence).set({ status: 'away', updatedAt: now }).where(sql`${agentPresence.userId} in ${agents}`);
      }
      const agentOf = new Map(stale.map((r) => [r.id, r.agentUserId ?? '']));
      return rows.map((handoff) => ({ handoff, agentUserId: agentOf.get(handoff.id) ?? '' }));
    });
  }

  /** Transfers an open handoff to another group (back to its queue, at the front) or offers it to one agent. */
  async transfer(handoffId: string, to: { group: string; agentUserId: string | null }, note: string, now: Date): Promise<HandoffRow | null> {
    const set =
      to.agentUserId === null
        ? { ...backToQueueFront(now), resolverGroup: to.group, transferNote: note, lastPositionTold: null }
        : {
            status: 'assigned' as const,
            resolverGroup: to.group,
            agentUserId: to.agentUserId,
            assignedAt: now,
            acceptedAt: null,
            transferNote: note,
            waitStartedAt: now,
            lastHoldAt: now,
          };
    const [row] = await this.db.update(handoffs).set(set).where(and(eq(handoffs.id, handoffId), OPEN)).returning();
    return row ?? null;
  }

  /** Queued (not external) handoffs waiting since before `queuedBefore`. */
  async waitingSince(queuedBefore: Date): Promise<HandoffRow[]> {
    return this.db
      .select()
      .from(handoffs)
      .where(
        and(
          OPEN,
          eq(handoffs.external, false),
          sql`${handoffs.acceptedAt} is null`,
          sql`coalesce(${handoffs.waitStartedAt}, ${handoffs.queuedAt}) < ${queuedBefore.toISOString()}`,
        ),
      );
  }

  /** External handoffs with no `accepted` status since before `queuedBefore`. */
  async externalPending(queuedBefore: Date): Promise<HandoffRow[]> {
    return this.db
      .select()
      .from(handoffs)
      .where(and(eq(handoffs.status, 'queued'), eq(handoffs.external, true), sql`${handoffs.queuedAt} < ${queuedBefore.toISOString()}`));
  }

  /** Marks an external handoff accepted by the hub. */
  async markExternalAccepted(handoffId: string, now: Date): Promise<HandoffRow | null> {
    const [row] = await this.db
      .update(handoffs)
      .set({ status: 'assigned', assignedAt: now, acceptedAt: now })
      .where(and(eq(handoffs.id, handoffId), eq(handoffs.status, 'queued')))
      .returning();
    return row ?? null;
  }

  /** Agents (console users with a presence row) with their names, skills and status. */
  async agents(): Promise<AgentRow[]> {
    return this.db
      .select({
        userId: agentPresence.userId,
        displayName: users.displayName,
        role: users.role,
        skills: users.skills,
        voiceRoute: users.voiceRoute,
        status: agentPresence.status,
        groups: agentPresence.groups,
        capacity: agentPresence.capacity,
        heartbeatAt: agentPresence.heartbeatAt,
        lastAssignedAt: agentPresence.lastAssignedAt,
      })
      .from(agentPresence)
      .innerJoin(users, eq(users.id, agentPresence.userId))
      .where(eq(users.active, true))
      .orderBy(asc(users.displayName));
  }

  /** A console user's name, role, skills and phone (where accepted calls ring). */
  async user(
    userId: string,
  ): Promise<{ id: string; displayName: string; role: string; skills: string[]; active: boolean; voiceRoute: string | null } | null> {
    const [row] = await this.db
      .select({ id: users.id, displayName: users.displayName, role: users.role, skills: users.skills, active: users.active, voiceRoute: users.voiceRoute })
      .from(users)
      .where(eq(users.id, userId))
      .limit(1);
    return row ?? null;
  }

  /** Average seconds from queue to acceptance over the group's handoffs accepted since `since`; null without data. */
  async averageWaitSeconds(group: string, since: Date): Promise<number | null> {
    const [row] = await this.db
      .select({ s: sql<number | null>`avg(extract(epoch from (${handoffs.acceptedAt} - ${handoffs.queuedAt})))::float8` })
      .from(handoffs)
      .where(and(eq(handoffs.resolverGroup, group), eq(handoffs.external, false), sql`${handoffs.acceptedAt} >= ${since.toISOString()}`));
    return row?.s ?? null;
  }

  async addCallback(c: NewCallback, now: Date): Promise<string> {
    const [row] = await this.db.insert(callbackRequests).values({ ...c, createdAt: now }).returning({ id: callbackRequests.id });
    if (!row) throw new Error('HandoffRepository.addCallback(): insert returned nothing');
    return row.id;
  }

  /** Sends a PostgreSQL notification (delivered to every instance's listeners when the statement commits). */
  async notify(channel: string, payload: string): Promise<void> {
    await this.db.execute(sql`select pg_notify(${channel}, ${payload})`);
  }

  /**
   * Claims the next hold message of a handoff: succeeds for one caller only (the one that saw `lastHoldAt` as it
   * is), so instances running the same tick never send it twice. Records the position told, when given.
   */
  async claimHold(handoffId: string, seenLastHoldAt: Date | null, now: Date, position: number | null, waiting = false): Promise<boolean> {
    const rows = await this.db
      .update(handoffs)
      .set({ lastHoldAt: now, ...(position !== null ? { lastPositionTold: position } : {}) })
      .where(
        and(
          eq(handoffs.id, handoffId),
          OPEN,
          waiting ? sql`${handoffs.acceptedAt} is null` : sql`${handoffs.acceptedAt} is not null`,
          seenLastHoldAt === null ? sql`${handoffs.lastHoldAt} is null` : sql`${handoffs.lastHoldAt} = ${seenLastHoldAt.toISOString()}::timestamptz`,
        ),
      )
      .returning({ id: handoffs.id });
    return rows.length > 0;
  }

  /**
   * What the hold messages look at, in queue order: every open handoff not yet accepted (their positions need the
   * whole queue), and the accepted ones whose person has waited for an answer since before `silentBefore`. Not the
   * hundreds of conversations going normally, every tick.
   */
  async holdCandidates(silentBefore: Date): Promise<HandoffRow[]> {
    const epoch = sql`'epoch'::timestamptz`;
    const lastAgent = sql`greatest(coalesce(${handoffs.lastAgentAt}, ${epoch}), ${handoffs.acceptedAt})`;
    return this.db
      .select()
      .from(handoffs)
      .where(
        and(
          OPEN,
          eq(handoffs.external, false),
          sql`(${handoffs.acceptedAt} is null or (${handoffs.lastPersonAt} > ${lastAgent}
                and greatest(${lastAgent}, coalesce(${handoffs.lastHoldAt}, ${epoch}), ${handoffs.lastPersonAt}) < ${silentBefore.toISOString()}::timestamptz))`,
        ),
      )
      .orderBy(desc(handoffs.priority), asc(handoffs.queuedAt), asc(handoffs.id));
  }
}
