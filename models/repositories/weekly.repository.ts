import { sql, type SQL } from 'drizzle-orm';
import type { Db } from '../db';

/**
 * The SQL of the weekly summary per agent (seed 000 step 09: «supervisión semanal … el rendimiento de cada una»).
 * Read-only, two statements per week (per agent, and the desk's totals), aggregated in the database.
 *
 * What is counted for `[from, to)`:
 * - **handoffs accepted**: handoffs whose `accepted_at` falls in the period, credited to `agent_user_id` (the agent
 *   who accepted it last: a transferred conversation counts for the agent who took it over); split into text
 *   (`channel <> 'voice'`, the «conversaciones») and voice.
 * - **wait**: `accepted_at − coalesce(wait_started_at, queued_at)`, the wait that ended with this agent's acceptance
 *   (after a transfer or requeue, the wait since then).
 * - **handle time**: `closed_at − accepted_at` of those handoffs that the agent closed (status `closed`).
 * - **calls handled**: distinct callers' calls (`purpose` caller or callback; one row per call, keyed by CallSid)
 *   that the agent talked in: the caller's row names the agent (`agent_user_id`, the last one that accepted), or one of
 *   the agent's own legs (`purpose = 'agent'`, `parent_call_sid` = the caller's call) was answered. A call transferred
 *   between two agents counts once for each; ringing legs nobody answered do not count. Calls are placed in the week
 *   by the row that proves it (the caller's call start, or the agent leg's start).
 * - **transfers made** (seed 000: «enlazar las llamadas… sin errores»): the switchboard transfers recorded on callers'
 *   calls (`calls.transfers[]`, one element per attempt, `{ at, status, … }`), credited to the agent who was talking
 *   in the call when it was tried: the agent leg of that call answered last at or before the attempt's `at`. An
 *   attempt before any agent answered is the bot's switchboard and nobody's. Placed in the week by its `at` (the
 *   calls read are those started from a day before the week). **Not connected** («sin enlazar»): a status other
 *   than `completed` or `answered`, the two the voice channel records as put through (voice-calls.ts `dialed`,
 *   callback.routes.ts `DIAL_OK`): busy, no-answer, failed, canceled.
 *
 * Indexes used: `handoffs_agent_idx` is not selective on time, so the period's handoffs are read by
 * `accepted_at` through a sequential scan of the week's rows; `calls_started_idx` for calls; `users` is small.
 */

/** One agent's figures of the period, raw (seconds fractional, null when nothing was measured). */
export interface RawWeeklyAgentRow {
  agentId: string;
  name: string;
  email: string;
  role: string;
  conversations: number;
  voiceHandoffs: number;
  calls: number;
  waitCount: number;
  waitAvg: number | null;
  waitP90: number | null;
  handleCount: number;
  handleAvg: number | null;
  /** Transfer attempts made while the agent was in the call, and those that did not connect. */
  transfers: number;
  transfersUnconnected: number;
}

/** A handoff of the agent's conversations list (the handoffs behind `conversations`). */
export interface RawWeeklyItem {
  handoffId: string;
  conversationId: string;
  channel: string;
  resolverGroup: string;
  queuedAt: Date;
  acceptedAt: Date;
  closedAt: Date | null;
  closeReason: string | null;
  waitSeconds: number | null;
  handleSeconds: number | null;
}

/** The statuses of a transfer attempt that put the call through (Twilio's `DialCallStatus`). */
export const CONNECTED_TRANSFER_STATUSES = ['completed', 'answered'] as const;

/** The desk's figures of the period (every agent together; a call handled by two agents counts once). */
export type RawWeeklyTotals = Omit<RawWeeklyAgentRow, 'agentId' | 'name' | 'email' | 'role'>;

const ts = (d: Date) => sql`${d.toISOString()}::timestamptz`;
const num = (v: unknown): number => Number(v ?? 0);
const numOrNull = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));

/** The period's accepted handoffs, one row each, with their wait and handle seconds. */
function accepted(from: Date, to: Date): SQL {
  return sql`
    select h.agent_user_id as agent_id,
      (h.channel = 'voice') as voice,
      extract(epoch from h.accepted_at - coalesce(h.wait_started_at, h.queued_at))::float8 as wait_s,
      case when h.status = 'closed' and h.closed_at is not null then extract(epoch from h.closed_at - h.accepted_at)::float8 end as handle_s
    from handoffs h
    where h.agent_user_id is not null and h.accepted_at >= ${ts(from)} and h.accepted_at < ${ts(to)}`;
}

/** (agent, caller's CallSid) pairs of the calls handled in the period, without repeats. */
function handledCalls(from: Date, to: Date): SQL {
  return sql`
    select c.agent_user_id as agent_id, c.call_sid as caller_sid
    from calls c
    where c.purpose in ('caller', 'callback') and c.agent_user_id is not null
      and c.started_at >= ${ts(from)} and c.started_at < ${ts(to)}
    union
    select leg.agent_user_id, coalesce(leg.parent_call_sid, leg.call_sid)
    from calls leg
    where leg.purpose = 'agent' and leg.answered_at is not null and leg.agent_user_id is not null
      and leg.started_at >= ${ts(from)} and leg.started_at < ${ts(to)}`;
}

/** (agent, transfers, not connected) of the transfer attempts tried in the period while an agent was in the call. */
function transfersMade(from: Date, to: Date): SQL {
  const connected = sql.join(CONNECTED_TRANSFER_STATUSES.map((x) => sql`${x}`), sql`, `);
  return sql`
    select leg.agent_id, count(*)::int as transfers,
      count(*) filter (where coalesce(t.x->>'status', '') not in (${connected}))::int as transfers_unconnected
    from calls c
    cross join lateral jsonb_array_elements(c.transfers) as t(x)
    cross join lateral (
      select l.agent_user_id as agent_id from calls l
      where l.parent_call_sid = c.call_sid and l.purpose = 'agent' and l.agent_user_id is not null
        and l.answered_at is not null and l.answered_at <= (t.x->>'at')::timestamptz
      order by l.answered_at desc limit 1
    ) leg
    where c.purpose in ('caller', 'callback')
      and c.started_at >= ${ts(new Date(from.getTime() - 86_400_000))} and c.started_at < ${ts(to)}
      and (t.x->>'at')::timestamptz >= ${ts(from)} and (t.x->>'at')::timestamptz < ${ts(to)}
    group by leg.agent_id`;
}

async function rowsOf(db: Pick<Db, 'execute'>, query: SQL): Promise<Array<Record<string, unknown>>> {
  const result: unknown = await db.execute(query);
  const rows = (result as { rows?: unknown }).rows;
  if (!Array.isArray(rows)) throw new Error('WeeklyRepository: the driver answered without rows');
  return rows as Array<Record<string, unknown>>;
}

/** Reads for the weekly summary per agent. Read-only. */
export class WeeklyRepository {
  constructor(private readonly db: Db) {
    if (!db) throw new Error('WeeklyRepository: db is required');
  }

  /**
   * Every active agent (role `agent`), and anyone else who accepted a handoff or handled a call in `[from, to)`,
   * with their figures; ordered by name.
   */
  async agents(from: Date, to: Date): Promise<RawWeeklyAgentRow[]> {
    const rows = await this.read(sql`
      with acc as (${accepted(from, to)}),
      hs as (
        select agent_id,
          count(*) filter (where not voice)::int as conversations,
          count(*) filter (where voice)::int as voice_handoffs,
          count(wait_s)::int as wait_count,
          avg(wait_s)::float8 as wait_avg,
          (percentile_disc(0.9) within group (order by wait_s))::float8 as wait_p90,
          count(handle_s)::int as handle_count,
          avg(handle_s)::float8 as handle_avg
        from acc group by agent_id
      ),
      cs as (select agent_id, count(*)::int as calls from (${handledCalls(from, to)}) x group by agent_id),
      tr as (${transfersMade(from, to)})
      select u.id::text as agent_id, u.display_name as name, u.email, u.role,
        coalesce(hs.conversations, 0) as conversations, coalesce(hs.voice_handoffs, 0) as voice_handoffs,
        coalesce(cs.calls, 0) as calls,
        coalesce(hs.wait_count, 0) as wait_count, hs.wait_avg, hs.wait_p90,
        coalesce(hs.handle_count, 0) as handle_count, hs.handle_avg,
        coalesce(tr.transfers, 0) as transfers, coalesce(tr.transfers_unconnected, 0) as transfers_unconnected
      from users u
      left join hs on hs.agent_id = u.id
      left join cs on cs.agent_id = u.id
      left join tr on tr.agent_id = u.id
      where (u.role = 'agent' and u.active) or hs.agent_id is not null or cs.agent_id is not null or tr.agent_id is not null
      order by u.display_name, u.email`);
    return rows.map((r) => ({
      agentId: String(r.agent_id),
      name: String(r.name),
      email: String(r.email),
      role: String(r.role),
      ...figures(r),
    }));
  }

  /**
   * The desk's figures of `[from, to)`: every accepted handoff, every call handled by some agent once, and every
   * transfer attempt made while an agent was in the call.
   */
  async totals(from: Date, to: Date): Promise<RawWeeklyTotals> {
    const [row] = await this.read(sql`
      with acc as (${accepted(from, to)}),
      hs as (
        select
          count(*) filter (where not voice)::int as conversations,
          count(*) filter (where voice)::int as voice_handoffs,
          count(wait_s)::int as wait_count,
          avg(wait_s)::float8 as wait_avg,
          (percentile_disc(0.9) within group (order by wait_s))::float8 as wait_p90,
          count(handle_s)::int as handle_count,
          avg(handle_s)::float8 as handle_avg
        from acc
      ),
      cs as (select count(distinct caller_sid)::int as calls from (${handledCalls(from, to)}) x),
      tr as (select coalesce(sum(transfers), 0)::int as transfers, coalesce(sum(transfers_unconnected), 0)::int as transfers_unconnected from (${transfersMade(from, to)}) y)
      select hs.*, cs.calls, tr.transfers, tr.transfers_unconnected from hs, cs, tr`);
    return figures(row ?? {});
  }

  /**
   * The handoffs behind an agent's `conversations` of `[from, to)` (text channels, accepted in the period by
   * `agentId`, as the count), oldest acceptance first; null when no such user exists.
   */
  async items(agentId: string, from: Date, to: Date): Promise<{ agent: { id: string; name: string; email: string }; items: RawWeeklyItem[] } | null> {
    return this.db.transaction(
      async (tx) => {
        const [user] = await rowsOf(tx, sql`select id::text as id, display_name as name, email from users where id = ${agentId}::uuid`);
        if (!user) return null;
        const rows = await rowsOf(
          tx,
          sql`
          select h.id::text as handoff_id, h.conversation_id, h.channel, h.resolver_group, h.close_reason,
            (extract(epoch from h.queued_at) * 1000)::float8 as queued_ms, (extract(epoch from h.accepted_at) * 1000)::float8 as accepted_ms,
            (extract(epoch from h.closed_at) * 1000)::float8 as closed_ms,
            extract(epoch from h.accepted_at - coalesce(h.wait_started_at, h.queued_at))::float8 as wait_s,
            case when h.status = 'closed' and h.closed_at is not null then extract(epoch from h.closed_at - h.accepted_at)::float8 end as handle_s
          from handoffs h
          where h.agent_user_id = ${agentId}::uuid and h.channel <> 'voice' and h.accepted_at >= ${ts(from)} and h.accepted_at < ${ts(to)}
          order by h.accepted_at, h.id`,
        );
        // Instants as epoch milliseconds: the same on both drivers (which parse timestamptz differently).
        const date = (v: unknown) => new Date(Math.round(Number(v)));
        return {
          agent: { id: String(user.id), name: String(user.name), email: String(user.email) },
          items: rows.map((r) => ({
            handoffId: String(r.handoff_id),
            conversationId: String(r.conversation_id),
            channel: String(r.channel),
            resolverGroup: String(r.resolver_group),
            queuedAt: date(r.queued_ms),
            acceptedAt: date(r.accepted_ms),
            closedAt: r.closed_ms === null || r.closed_ms === undefined ? null : date(r.closed_ms),
            closeReason: r.close_reason === null || r.close_reason === undefined ? null : String(r.close_reason),
            waitSeconds: numOrNull(r.wait_s),
            handleSeconds: numOrNull(r.handle_s),
          })),
        };
      },
      { accessMode: 'read only' },
    );
  }

  /** One statement in its own read-only transaction. */
  private read(query: SQL): Promise<Array<Record<string, unknown>>> {
    return this.db.transaction((tx) => rowsOf(tx, query), { accessMode: 'read only' });
  }
}

function figures(r: Record<string, unknown>): RawWeeklyTotals {
  return {
    conversations: num(r.conversations),
    voiceHandoffs: num(r.voice_handoffs),
    calls: num(r.calls),
    waitCount: num(r.wait_count),
    waitAvg: numOrNull(r.wait_avg),
    waitP90: numOrNull(r.wait_p90),
    handleCount: num(r.handle_count),
    handleAvg: numOrNull(r.handle_avg),
    transfers: num(r.transfers),
    transfersUnconnected: num(r.transfers_unconnected),
  };
}
