import { sql, type SQL } from 'drizzle-orm';
import type { Db } from '../db';

/**
 * The SQL of the monthly indicators (services/reports/indicators.ts defines each figure). Everything is aggregated
 * in the database: the indicators are four statements (items with grouping sets, queue, SLA, outbound calls) whatever
 * the size of the month; the item listing is one statement per page of items.
 *
 * Indexes used: `conversations_created_idx` (the period's conversations; `person_wrote_at` tells the received ones
 * without reading the transcript), `activities_conversation_seq_uq` (a listed conversation's first and last line),
 * `attentions_created_idx` / `attentions_conversation_idx`, `tickets_created_idx` / `tickets_conversation_idx`,
 * `ticket_events_ticket_idx`, `calls_started_idx`, `calls_conversation_idx`, `users_email_uq` (lower(email)).
 * `handoffs_conversation_idx` / `handoffs_queued_idx`.
 */

/** The item counts of one bucket (see indicators.ts for each definition). */
export interface RawItemCounts {
  received: number;
  firstLevel: number;
  secondLevel: number;
  transferred: number;
  informative: number;
  outOfScope: number;
  handoffs: number;
  contained: number;
}

/** `dim` = which breakdown; `key` = the bucket (null: no group / no unit); `name` = the agent's display name. */
export interface RawItemRow extends RawItemCounts {
  dim: 'total' | 'channel' | 'group' | 'unit' | 'agent';
  key: string | null;
  name: string | null;
}

/** Queue figures of the handoffs queued in the period; averages and the 90th percentile in (fractional) seconds. */
export interface RawQueueCounts {
  queued: number;
  abandoned: number;
  waitCount: number;
  waitAvg: number | null;
  waitP90: number | null;
  handleCount: number;
  handleAvg: number | null;
}

export interface RawQueueRow extends RawQueueCounts {
  dim: 'total' | 'channel' | 'group' | 'agent';
  key: string | null;
  name: string | null;
}

export interface RawSlaRow {
  priority: string;
  tickets: number;
  firstResponseMet: number;
  resolutionMet: number;
}

export interface RawReport {
  items: RawItemRow[];
  queue: RawQueueRow[];
  sla: RawSlaRow[];
  outbound: { answered: number; attempts: number };
}

/** An SLA target of one priority, in seconds. */
export interface SlaTargetRow {
  priority: string;
  firstResponseSeconds: number;
  resolutionSeconds: number;
}

/** Position after an item in the listing order (time, then id); `at` keeps the database's microseconds. */
export interface ReportCursor {
  at: string;
  id: string;
}

/**
 * What the call records say of one outbound staff call (`calls` purpose `outbound`, and the `callback_requests` row of
 * kind `outbound` that asked for it): the number dialled, which attempt it was, and how it ended.
 */
export interface OutboundCallFacts {
  /** The number dialled (`calls.to_number`, E.164). */
  phone: string | null;
  /**
   * Which attempt of the request it was: the scheduler's attempt counter recorded with the call (`calls.meta.attempt`;
   * it also counts attempts the telephony API refused, which made no call), else its place among the request's calls.
   */
  attempt: number;
  /** Attempts the request allows (`callback_requests.max_attempts`); null without a request. */
  maxAttempts: number | null;
  /** The call's final status as Twilio reported it (`calls.status`: completed, busy, no-answer, failed, canceled…). */
  status: string;
  answered: boolean;
  /** The request's state now (`callback_requests.status`: pending — another attempt is due —, done, failed…). */
  requestStatus: string | null;
  /** `callback_requests.last_result` when this call is the request's latest («no-answer», «transferred: completed»…). */
  lastResult: string | null;
}

/** One received item (conversation or letter/visit) with what the «reporte general de llamadas» shows of it. */
export interface ReportItemRecord {
  /** `outbound_call`: only in the drill-downs of `outbound`/`outboundFailed` (`id` = the call's SID). */
  kind: 'conversation' | 'walk_in' | 'outbound_call';
  id: string;
  /** The conversation behind an outbound call (the staff member's request), when known. */
  conversationId?: string | null;
  cursor: ReportCursor;
  at: Date;
  channel: string;
  requester: string | null;
  unit: string | null;
  service: string | null;
  /** Ticket numbers, oldest first, comma separated. */
  tickets: string | null;
  agent: string | null;
  /** Latest handoff: queued → accepted (or → ended, when nobody accepted it). */
  waitSeconds: number | null;
  /** The phone call's duration; for text channels, first to last line of the transcript. */
  durationSeconds: number | null;
  secondLevel: boolean;
  firstLevel: boolean;
  transferred: boolean;
  informative: boolean;
  outOfScope: boolean;
  handoff: boolean;
  /** The latest handoff was left by the person while waiting. */
  abandoned: boolean;
  callback: boolean;
  /** An answered outbound staff call (drill-down of `outbound` only). */
  outbound: boolean;
  /** Outbound staff calls only: the call's number, attempt and result. */
  call?: OutboundCallFacts;
}

/** Which outbound staff calls a listing reads: the answered ones, the others, or all. */
export type OutboundSelection = 'answered' | 'unanswered' | 'all';

/** The counts a drill-down can list (each one's condition is the count's: see {@link ReportRepository.items}). */
export const ITEM_INDICATORS = ['received', 'firstLevel', 'secondLevel', 'transferred', 'outbound', 'outboundFailed', 'informative', 'outOfScope', 'handoffs', 'contained', 'abandoned', 'callback'] as const;
export type ItemIndicator = (typeof ITEM_INDICATORS)[number];

/**
 * Which items a page lists: those counted by `indicator` (default every received item) in one breakdown bucket.
 * `group`/`unit` null = the items without one (the report's «Sin grupo» / «Sin unidad»); `agent` is an e-mail.
 * With `abandoned` the buckets are the handoff's (its channel and resolver group, the agent who had it), as in the
 * queue figures, and `unit` is not available; `outbound` (answered outbound staff calls) and `outboundFailed` (the
 * attempts not answered: `outboundAttempts − outbound`) have no buckets.
 */
export interface ItemFilter {
  indicator?: ItemIndicator;
  channel?: string;
  group?: string | null;
  unit?: string | null;
  agent?: string;
}

/** Outcomes the desk resolved at first level; `transferred`, `informative`, `out_of_scope` are counted apart. */
const FIRST_LEVEL_OUTCOMES = sql`('first_level', 'status_lookup', 'directory')`;
/** Handoff end reasons that mean the person left the queue (not the desk's own cancellations). */
const PERSON_LEFT = sql`('person_left', 'caller_hung_up')`;
/** Channels of the requests the desk registers from a letter or a visit (no conversation). */
const WALK_IN_CHANNELS = sql`('oficio', 'presencial')`;

const ts = (d: Date) => sql`${d.toISOString()}::timestamptz`;

/**
 * What a conversation records (transcript lines, attentions, tickets, handoffs) comes after it began. The month-wide
 * statements read those rows from a day before the period on (a day of margin for clocks: the instances stamp them,
 * the database stamps the conversation), so a month's report reads that month and after, not all of history.
 */
const since = (from: Date) => ts(new Date(from.getTime() - 86_400_000));

/** Where a page of conversations starts (exclusive), and where it ends (inclusive; null = the period's end). */
interface Span {
  after: ReportCursor;
  upTo: ReportCursor | null;
}

/** `(created_at, id)` of `alias` after `span.after` and at or before `span.upTo` (the listing's keyset order). */
function inSpan(at: SQL, id: SQL, span: Span): SQL {
  return sql`(${at}, ${id}) > (${span.after.at}::timestamptz, ${span.after.id}::text)
    ${span.upTo ? sql`and (${at}, ${id}) <= (${span.upTo.at}::timestamptz, ${span.upTo.id}::text)` : sql``}`;
}

/**
 * The period's conversations with a person's message in them (a request was received: `person_wrote_at`, stamped by
 * the transcript's append statement), month-wide or those of a span of the listing order (`span`).
 */
function receivedConversations(from: Date, to: Date, span?: Span): SQL {
  return sql`
    select c.id, c.channel, c.created_at, c.user_id, c.last_seq
    from conversations c
    where c.created_at >= ${ts(from)} and c.created_at < ${ts(to)}
      ${span ? sql`and ${inSpan(sql`c.created_at`, sql`c.id`, span)}` : sql``}
      and c.person_wrote_at is not null`;
}

// What one conversation's attentions (a, with their requester r), tickets (t, r) and handoffs (h) say. «First» values
// are the oldest (the request that opened the conversation); the handoff values are the latest handoff's. `n` = rows.
// The month-wide counts need only the flags and the buckets (…_COUNTS); a listing also shows the person, the service
// and the ticket numbers (…_FACTS): the ordered aggregates of those cost a month's count about a third of its time.
const ATTENTION_COUNTS = sql`
  count(*) as n,
  bool_or(a.outcome in ${FIRST_LEVEL_OUTCOMES}) as resolved,
  bool_or(a.outcome = 'transferred') as transferred,
  bool_or(a.outcome = 'informative') as informative,
  bool_or(a.outcome = 'out_of_scope') as out_of_scope,
  bool_or(a.outcome = 'callback') as callback,
  bool_or(a.outcome <> 'callback') as settled,
  (array_agg(r.unit_name order by a.created_at, a.id) filter (where r.unit_name is not null))[1] as unit_name,
  (array_agg(a.unit_code order by a.created_at, a.id) filter (where a.unit_code is not null))[1] as unit_code`;
const ATTENTION_FACTS = sql`${ATTENTION_COUNTS},
  (array_agg(r.name order by a.created_at, a.id) filter (where r.name is not null))[1] as person,
  (array_agg(a.service_code order by a.created_at, a.id) filter (where a.service_code is not null))[1] as service_code`;
const TICKET_COUNTS = sql`
  count(*) as n,
  bool_or(t.kind in ('incident', 'request')) as second,
  bool_or(t.kind = 'informative') as informative,
  (array_agg(t.resolver_group order by t.created_at, t.number) filter (where t.kind <> 'informative' and t.resolver_group is not null))[1] as grp,
  (array_agg(coalesce(r.unit_name, t.requester->>'unit') order by t.created_at, t.number)
    filter (where coalesce(r.unit_name, t.requester->>'unit') is not null))[1] as unit_name`;
const TICKET_FACTS = sql`${TICKET_COUNTS},
  (array_agg(coalesce(r.name, t.requester->>'name') order by t.created_at, t.number)
    filter (where coalesce(r.name, t.requester->>'name') is not null))[1] as person,
  (array_agg(t.service_name order by t.created_at, t.number) filter (where t.service_name is not null))[1] as service,
  string_agg(t.number, ', ' order by t.created_at, t.number) as numbers`;
const HANDOFF_FACTS = sql`
  count(*) as n,
  bool_or(h.status = 'closed' and h.accepted_at is not null) as agent_closed,
  (array_agg(h.resolver_group order by h.queued_at desc, h.id))[1] as grp,
  (array_agg(h.agent_user_id order by h.queued_at desc, h.id) filter (where h.accepted_at is not null and h.agent_user_id is not null))[1] as agent_user_id,
  (array_agg(h.status = 'cancelled' and h.close_reason in ${PERSON_LEFT} order by h.queued_at desc, h.id))[1] as abandoned,
  (array_agg(extract(epoch from coalesce(h.accepted_at, h.closed_at) - h.queued_at)::float8 order by h.queued_at desc, h.id))[1] as wait_s`;

/** The handoff facts of the conversations of `conv` (CTE ho): `handoffs` has no index on `conversation_id`. */
function handoffFacts(from: Date): SQL {
  return sql`
  ho as (
    select h.conversation_id, ${HANDOFF_FACTS}
    from conv join handoffs h on h.conversation_id = conv.id
    where h.queued_at >= ${since(from)}
    group by h.conversation_id
  )`;
}

/** Month-wide: the counted facts of every conversation of `conv` at once (CTEs att, tk, ho; hash joins over recent rows). */
function conversationFacts(from: Date): SQL {
  return sql`
  att as (
    select a.conversation_id, ${ATTENTION_COUNTS}
    from conv join attentions a on a.conversation_id = conv.id
    left join requesters r on r.id = a.requester_id
    where a.created_at >= ${since(from)}
    group by a.conversation_id
  ),
  tk as (
    select t.conversation_id, ${TICKET_COUNTS}
    from conv join tickets t on t.conversation_id = conv.id
    left join requesters r on r.id = t.requester_id
    where t.created_at >= ${since(from)}
    group by t.conversation_id
  ),
  ${handoffFacts(from)}`;
}

/**
 * A page: the attention and ticket facts of each of its conversations, by index (lateral joins att, tk), of the rows
 * from {@link since} on, as the month-wide {@link conversationFacts}.
 */
function pageFacts(from: Date): SQL {
  return sql`
  left join lateral (select ${ATTENTION_FACTS} from attentions a left join requesters r on r.id = a.requester_id
                     where a.conversation_id = conv.id and a.created_at >= ${since(from)}) att on true
  left join lateral (select ${TICKET_FACTS} from tickets t left join requesters r on r.id = t.requester_id
                     where t.conversation_id = conv.id and t.created_at >= ${since(from)}) tk on true`;
}

/** The item flags of a conversation, from conv × att × tk × ho (definitions in indicators.ts). */
const CONVERSATION_FLAGS = sql`
  coalesce(tk.second, false) as second,
  (not coalesce(tk.second, false) and (coalesce(att.resolved, false) or coalesce(ho.agent_closed, false))) as first,
  coalesce(att.transferred, false) as transferred,
  (coalesce(att.informative, false) or coalesce(tk.informative, false)) as informative,
  coalesce(att.out_of_scope, false) as out_of_scope,
  (coalesce(ho.n, 0) > 0) as handoff,
  (coalesce(ho.n, 0) = 0 and coalesce(att.settled, false)) as contained`;

/**
 * Letters and visits registered in the period (those of `span` only, when given), with the console user who
 * registered them: the actor of the ticket's registration event.
 */
function walkIns(from: Date, to: Date, span?: Span): SQL {
  return sql`
    select w.id, w.number, w.kind, w.channel, w.created_at, w.resolver_group, w.service_name,
      coalesce(r.unit_name, w.requester->>'unit') as unit_name, coalesce(r.name, w.requester->>'name') as person,
      u.email as agent_email, u.display_name as agent_name
    from (
      select * from tickets t
      where t.conversation_id is null and t.channel in ${WALK_IN_CHANNELS}
        and t.created_at >= ${ts(from)} and t.created_at < ${ts(to)}
        ${span ? sql`and ${inSpan(sql`t.created_at`, sql`t.id::text`, span)}` : sql``}
    ) w
    left join requesters r on r.id = w.requester_id
    left join ticket_events reg on reg.ticket_id = w.id and reg.from_status is null and reg.to_status = 'registered'
    left join users u on lower(u.email) = lower(reg.actor)`;
}

/**
 * Session settings of a report statement, for its transaction only. JIT off: these statements join CTEs whose row
 * estimates run far above the truth, which makes PostgreSQL compile them with LLVM (about 1.4 s of a 2.8 s month on the
 * bench) for a plan that runs once. A larger sort memory keeps the per-conversation sorts of a month off the disk.
 */
const REPORT_SETTINGS = sql`select set_config('jit', 'off', true), set_config('work_mem', '16MB', true)`;

/** The flag column of the listing (see {@link CONVERSATION_FLAGS}) that each item indicator counts. */
const INDICATOR_COLUMNS: Record<Exclude<ItemIndicator, 'received' | 'abandoned' | 'outbound' | 'outboundFailed'>, string> = {
  firstLevel: 'first',
  secondLevel: 'second',
  transferred: 'transferred',
  informative: 'informative',
  outOfScope: 'out_of_scope',
  handoffs: 'handoff',
  contained: 'contained',
  callback: 'callback',
};

async function rowsOf<T>(db: Pick<Db, 'execute'>, query: SQL): Promise<T[]> {
  const result: unknown = await db.execute(query);
  const rows = (result as { rows?: unknown }).rows;
  if (!Array.isArray(rows)) throw new Error('ReportRepository: the driver answered without rows');
  return rows as T[];
}

const num = (v: unknown): number => Number(v ?? 0);
const numOrNull = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));
const strOrNull = (v: unknown): string | null => (v === null || v === undefined ? null : String(v));

/** Reads for the indicators and the «reporte general de llamadas». Read-only. */
export class ReportRepository {
  constructor(private readonly db: Db) {
    if (!db) throw new Error('ReportRepository: db is required');
  }

  /** One report statement in its own read-only transaction with {@link REPORT_SETTINGS}. */
  private read<T>(query: SQL): Promise<T[]> {
    return this.db.transaction(
      async (tx) => {
        await tx.execute(REPORT_SETTINGS);
        return rowsOf<T>(tx, query);
      },
      { accessMode: 'read only' },
    );
  }

  /** Every figure of `[from, to)`: four statements (items, queue, SLA, outbound calls), run together. */
  async indicators(from: Date, to: Date, targets: readonly SlaTargetRow[]): Promise<RawReport> {
    const [items, queue, sla, outbound] = await Promise.all([this.itemCounts(from, to), this.queueCounts(from, to), this.sla(from, to, targets), this.outbound(from, to)]);
    return { items, queue, sla, outbound };
  }

  /** Received items and their indicators: overall, by channel, by resolver group, by unit and by agent (grouping sets). */
  private async itemCounts(from: Date, to: Date): Promise<RawItemRow[]> {
    const rows = await this.read<Record<string, unknown>>(sql`
      with conv as (${receivedConversations(from, to)}),
      ${conversationFacts(from)},
      items as (
        select conv.channel, ${CONVERSATION_FLAGS},
          coalesce(tk.grp, ho.grp) as grp,
          coalesce(att.unit_name, tk.unit_name, att.unit_code) as unit,
          au.email as agent_email, au.display_name as agent_name
        from conv
        left join att on att.conversation_id = conv.id
        left join tk on tk.conversation_id = conv.id
        left join ho on ho.conversation_id = conv.id
        left join users au on au.id = ho.agent_user_id
        union all
        select w.channel, w.kind in ('incident', 'request'), false, false, w.kind = 'informative', false, false, false,
          w.resolver_group, w.unit_name, w.agent_email, w.agent_name
        from (${walkIns(from, to)}) w
      )
      select
        case when grouping(channel) = 0 then 'channel' when grouping(grp) = 0 then 'group' when grouping(unit) = 0 then 'unit'
             when grouping(agent_email) = 0 then 'agent' else 'total' end as dim,
        case when grouping(channel) = 0 then channel when grouping(grp) = 0 then grp when grouping(unit) = 0 then unit
             when grouping(agent_email) = 0 then agent_email end as key,
        case when grouping(agent_email) = 0 then agent_name end as name,
        count(*)::int as received,
        count(*) filter (where first)::int as first_level,
        count(*) filter (where second)::int as second_level,
        count(*) filter (where transferred)::int as transferred,
        count(*) filter (where informative)::int as informative,
        count(*) filter (where out_of_scope)::int as out_of_scope,
        count(*) filter (where handoff)::int as handoffs,
        count(*) filter (where contained)::int as contained
      from items
      group by grouping sets ((), (channel), (grp), (unit), (agent_email, agent_name))`);
    return rows
      .map((r) => ({
        dim: String(r.dim) as RawItemRow['dim'],
        key: strOrNull(r.key),
        name: strOrNull(r.name),
        received: num(r.received),
        firstLevel: num(r.first_level),
        secondLevel: num(r.second_level),
        transferred: num(r.transferred),
        informative: num(r.informative),
        outOfScope: num(r.out_of_scope),
        handoffs: num(r.handoffs),
        contained: num(r.contained),
      }))
      .filter((r) => r.dim !== 'agent' || r.key !== null);
  }

  /** Handoffs queued in the period: waits, abandonment and handle time, overall and by channel, group and agent. */
  private async queueCounts(from: Date, to: Date): Promise<RawQueueRow[]> {
    const rows = await this.read<Record<string, unknown>>(sql`
      with h as (
        select h.channel, h.resolver_group as grp, u.email as agent_email, u.display_name as agent_name,
          (h.status = 'cancelled' and h.close_reason in ${PERSON_LEFT}) as abandoned,
          case when h.accepted_at is not null and h.requeues = 0 and h.transfer_note is null
               then extract(epoch from h.accepted_at - h.queued_at)::float8 end as wait_s,
          case when h.status = 'closed' and h.accepted_at is not null and h.closed_at is not null
               then extract(epoch from h.closed_at - h.accepted_at)::float8 end as handle_s
        from handoffs h
        left join users u on u.id = h.agent_user_id
        where h.queued_at >= ${ts(from)} and h.queued_at < ${ts(to)}
      )
      select
        case when grouping(channel) = 0 then 'channel' when grouping(grp) = 0 then 'group' when grouping(agent_email) = 0 then 'agent' else 'total' end as dim,
        case when grouping(channel) = 0 then channel when grouping(grp) = 0 then grp when grouping(agent_email) = 0 then agent_email end as key,
        case when grouping(agent_email) = 0 then agent_name end as name,
        count(*)::int as queued,
        count(*) filter (where abandoned)::int as abandoned,
        count(wait_s)::int as wait_count,
        avg(wait_s)::float8 as wait_avg,
        (percentile_disc(0.9) within group (order by wait_s))::float8 as wait_p90,
        count(handle_s)::int as handle_count,
        avg(handle_s)::float8 as handle_avg
      from h
      group by grouping sets ((), (channel), (grp), (agent_email, agent_name))`);
    return rows
      .map((r) => ({
        dim: String(r.dim) as RawQueueRow['dim'],
        key: strOrNull(r.key),
        name: strOrNull(r.name),
        queued: num(r.queued),
        abandoned: num(r.abandoned),
        waitCount: num(r.wait_count),
        waitAvg: numOrNull(r.wait_avg),
        waitP90: numOrNull(r.wait_p90),
        handleCount: num(r.handle_count),
        handleAvg: numOrNull(r.handle_avg),
      }))
      .filter((r) => r.dim !== 'agent' || r.key !== null);
  }

  /** Tickets (incident/request, not cancelled) created in the period, per priority, and how many met each target. */
  private async sla(from: Date, to: Date, targets: readonly SlaTargetRow[]): Promise<RawSlaRow[]> {
    const values = targets.length > 0
      ? sql.join(targets.map((t) => sql`(${t.priority}::text, ${t.firstResponseSeconds}::int, ${t.resolutionSeconds}::int)`), sql`, `)
      : sql`(null::text, null::int, null::int)`;
    const rows = await this.read<Record<string, unknown>>(sql`
      with tg(priority, first_s, resolution_s) as (values ${values}),
      t as (
        select t.id, t.priority, t.created_at from tickets t
        where t.created_at >= ${ts(from)} and t.created_at < ${ts(to)}
          and t.kind in ('incident', 'request') and t.status <> 'cancelled'
      ),
      ev as (
        select e.ticket_id,
          min(e.at) filter (where e.from_status = 'registered' and e.to_status in ('assigned', 'in_progress', 'resolved')) as responded_at,
          min(e.at) filter (where e.to_status = 'resolved') as resolved_at
        from t join ticket_events e on e.ticket_id = t.id
        group by e.ticket_id
      )
      select t.priority,
        count(*)::int as tickets,
        count(*) filter (where ev.responded_at <= t.created_at + make_interval(secs => tg.first_s))::int as first_response_met,
        count(*) filter (where ev.resolved_at <= t.created_at + make_interval(secs => tg.resolution_s))::int as resolution_met
      from t
      left join ev on ev.ticket_id = t.id
      left join tg on tg.priority = t.priority
      group by t.priority`);
    return rows.map((r) => ({ priority: String(r.priority), tickets: num(r.tickets), firstResponseMet: num(r.first_response_met), resolutionMet: num(r.resolution_met) }));
  }

  /** Outbound staff calls started in the period: answered, and every attempt. */
  private async outbound(from: Date, to: Date): Promise<{ answered: number; attempts: number }> {
    const [row] = await this.read<Record<string, unknown>>(sql`
      select count(*) filter (where answered_at is not null)::int as answered, count(*)::int as attempts
      from calls where purpose = 'outbound' and started_at >= ${ts(from)} and started_at < ${ts(to)}`);
    return { answered: num(row?.answered), attempts: num(row?.attempts) };
  }

  /**
   * One page of the received items of `[from, to)` that `filter` selects, in order of arrival (then id), after `after`
   * (exclusive; null = from the start). Conversations and letters/visits are merged in one order. The conditions are
   * the counts' own ({@link CONVERSATION_FLAGS}, the same facts, the same buckets), so the pages of a filter hold
   * exactly the items its count counts. `abandoned` lists handoffs instead: see {@link abandonedHandoffs}.
   *
   * The conversations are read in spans of the listing order: the next `limit` received conversations first, then
   * spans four times larger (up to 5,000) while the filter keeps fewer than `limit` items, so a page of a rare bucket
   * costs a few index scans rather than the month's facts.
   */
  async items(from: Date, to: Date, after: ReportCursor | null, limit: number, filter: ItemFilter = {}): Promise<ReportItemRecord[]> {
    if (filter.indicator === 'abandoned') return this.abandonedHandoffs(from, to, after, limit, filter);
    if (filter.indicator === 'outbound') return this.outboundCalls(from, to, after, limit, 'answered');
    if (filter.indicator === 'outboundFailed') return this.outboundCalls(from, to, after, limit, 'unanswered');
    return this.db.transaction(
      async (tx) => {
        await tx.execute(REPORT_SETTINGS);
        const out: ReportItemRecord[] = [];
        let start = after ?? { at: '-infinity', id: '' };
        for (let size = limit; ; size = Math.min(size * 4, 5000)) {
          const [edge] = await rowsOf<Record<string, unknown>>(tx, sql`
            select x.created_at::text as at, x.id, count(*) over ()::int as n
            from (${receivedConversations(from, to, { after: start, upTo: null })} order by c.created_at, c.id limit ${size}) x
            order by x.created_at desc, x.id desc limit 1`);
          const upTo = edge && num(edge.n) === size ? { at: String(edge.at), id: String(edge.id) } : null;
          const rows = await rowsOf<Record<string, unknown>>(tx, this.itemPage(from, to, { after: start, upTo }, limit - out.length, filter));
          out.push(...rows.map(itemRecord));
          if (out.length >= limit || upTo === null) return out;
          start = upTo;
        }
      },
      { accessMode: 'read only' },
    );
  }

  /** The items of `span` that `filter` selects, at most `limit`, in the listing order. */
  private itemPage(from: Date, to: Date, span: Span, limit: number, filter: ItemFilter): SQL {
    const l = (column: string) => sql.raw(`l.${column}`);
    const indicator = filter.indicator ?? 'received';
    const column = indicator in INDICATOR_COLUMNS ? INDICATOR_COLUMNS[indicator as keyof typeof INDICATOR_COLUMNS] : null;
    if (column === null && indicator !== 'received') throw new Error(`ReportRepository.itemPage(): ${indicator} is not an item flag`);
    const conditions: SQL[] = [column ? l(column) : sql`true`];
    if (filter.channel !== undefined) conditions.push(sql`l.channel = ${filter.channel}`);
    if (filter.group !== undefined) conditions.push(filter.group === null ? sql`l.grp is null` : sql`l.grp = ${filter.group}`);
    if (filter.unit !== undefined) conditions.push(filter.unit === null ? sql`l.unit is null` : sql`l.unit = ${filter.unit}`);
    if (filter.agent !== undefined) conditions.push(sql`l.agent_email = ${filter.agent}`);
    return sql`
      with conv as (${receivedConversations(from, to, span)}),
      ${handoffFacts(from)},
      listed as (
        select 'conversation' as kind, conv.id, conv.created_at as at, conv.channel, conv.last_seq, ${CONVERSATION_FLAGS},
          coalesce(tk.grp, ho.grp) as grp,
          coalesce(att.unit_name, tk.unit_name, att.unit_code) as unit,
          au.email as agent_email,
          coalesce(att.person, tk.person, case when conv.channel in ('voice', 'sms', 'whatsapp', 'email') then conv.user_id end) as requester,
          coalesce(tk.service, att.service_code) as service,
          tk.numbers as tickets,
          au.display_name as agent,
          ho.wait_s,
          coalesce(ho.abandoned, false) as abandoned,
          coalesce(att.callback, false) as callback
        from conv
        ${pageFacts(from)}
        left join ho on ho.conversation_id = conv.id
        left join users au on au.id = ho.agent_user_id
        union all
        select 'walk_in', w.id::text, w.created_at, w.channel, null,
          w.kind in ('incident', 'request'), false, false, w.kind = 'informative', false, false, false,
          w.resolver_group, w.unit_name, w.agent_email,
          w.person, w.service_name, w.number, w.agent_name, null::float8, false, false
        from (${walkIns(from, to, span)}) w
      ),
      page as (select * from listed l where ${sql.join(conditions, sql` and `)} order by l.at, l.id limit ${limit})
      select page.*, page.at::text as cursor_at, extract(epoch from page.at)::float8 * 1000 as at_ms,
        case when page.kind = 'conversation' then coalesce(
          (select cl.duration_seconds::float8 from calls cl where cl.conversation_id = page.id and cl.purpose = 'caller' order by cl.started_at desc limit 1),
          extract(epoch from
            (select a.timestamp from activities a where a.conversation_id = page.id and a.seq = page.last_seq)
            - (select a.timestamp from activities a where a.conversation_id = page.id and a.seq = 1))::float8
        ) end as duration_s
      from page
      order by page.at, page.id`;
  }

  /**
   * One page of the handoffs queued in `[from, to)` that the person left while waiting — what the abandonment figure
   * counts (one row per handoff, whichever month its conversation began) — in order of queueing (then id), each with
   * its conversation's facts. The buckets are the queue figures': the handoff's channel, resolver group and agent.
   * `at` is when it was queued; `durationSeconds` is not given.
   */
  private async abandonedHandoffs(from: Date, to: Date, after: ReportCursor | null, limit: number, filter: ItemFilter): Promise<ReportItemRecord[]> {
    const cursor = after ?? { at: '-infinity', id: '' };
    const rows = await this.read<Record<string, unknown>>(sql`
      with hp as (
        select h.id::text as hid, h.conversation_id, h.channel, h.queued_at, h.agent_user_id,
          extract(epoch from coalesce(h.accepted_at, h.closed_at) - h.queued_at)::float8 as wait_s
        from handoffs h
        where h.queued_at >= ${ts(from)} and h.queued_at < ${ts(to)} and h.status = 'cancelled' and h.close_reason in ${PERSON_LEFT}
          and (h.queued_at, h.id::text) > (${cursor.at}::timestamptz, ${cursor.id}::text)
          ${filter.channel !== undefined ? sql`and h.channel = ${filter.channel}` : sql``}
          ${filter.group !== undefined ? (filter.group === null ? sql`and h.resolver_group is null` : sql`and h.resolver_group = ${filter.group}`) : sql``}
          ${filter.agent !== undefined ? sql`and h.agent_user_id in (select u.id from users u where u.email = ${filter.agent})` : sql``}
        order by h.queued_at, h.id::text
        limit ${limit}
      )
      select 'conversation' as kind, hp.conversation_id as id, hp.hid, hp.channel, hp.wait_s,
        hp.queued_at::text as cursor_at, extract(epoch from hp.queued_at)::float8 * 1000 as at_ms,
        coalesce(tk.second, false) as second,
        (not coalesce(tk.second, false) and coalesce(att.resolved, false)) as first,
        coalesce(att.transferred, false) as transferred,
        (coalesce(att.informative, false) or coalesce(tk.informative, false)) as informative,
        coalesce(att.out_of_scope, false) as out_of_scope,
        true as handoff, true as abandoned, coalesce(att.callback, false) as callback,
        coalesce(att.person, tk.person, case when c.channel in ('voice', 'sms', 'whatsapp', 'email') then c.user_id end) as requester,
        coalesce(att.unit_name, tk.unit_name, att.unit_code) as unit,
        coalesce(tk.service, att.service_code) as service,
        tk.numbers as tickets,
        au.display_name as agent
      from hp
      left join conversations c on c.id = hp.conversation_id
      left join lateral (select ${ATTENTION_FACTS} from attentions a left join requesters r on r.id = a.requester_id where a.conversation_id = hp.conversation_id) att on true
      left join lateral (select ${TICKET_FACTS} from tickets t left join requesters r on r.id = t.requester_id where t.conversation_id = hp.conversation_id) tk on true
      left join users au on au.id = hp.agent_user_id
      order by hp.queued_at, hp.hid`);
    return rows.map((r) => ({ ...itemRecord(r), cursor: { at: String(r.cursor_at), id: String(r.hid) } }));
  }

  /**
   * One page of the outbound staff calls (`calls.purpose = 'outbound'`) started in `[from, to)` — the answered ones
   * (what the `outbound` figure counts), the unanswered ones (`answered_at` null: `outboundAttempts − outbound`, what
   * `outboundFailed` lists) or all of them (the XLSX sheet «Llamadas al exterior») — in order (start, then id), with
   * the staff member who asked for it, the conversation of the request, the number dialled, which attempt it was and
   * how it ended. An attempt the telephony API refused never became a call: it is only in the request's `last_result`
   * («api_error: …») and is not an attempt here, as in the count.
   *
   * The attempt number is the scheduler's (`calls.meta.attempt`); for a call recorded without it, it counts the
   * request's calls started from the request's creation up to this one (`calls_started_idx`: a short range).
   */
  async outboundCalls(from: Date, to: Date, after: ReportCursor | null, limit: number, which: OutboundSelection): Promise<ReportItemRecord[]> {
    const cursor = after ?? { at: '-infinity', id: '' };
    const answered = which === 'answered' ? sql`and cl.answered_at is not null` : which === 'unanswered' ? sql`and cl.answered_at is null` : sql``;
    const rows = await this.read<Record<string, unknown>>(sql`
      select 'outbound_call' as kind, cl.call_sid as id, cl.id::text as cid, 'voice' as channel,
        cl.started_at::text as cursor_at, extract(epoch from cl.started_at)::float8 * 1000 as at_ms,
        coalesce(cl.conversation_id, cb.conversation_id) as conversation_id,
        coalesce(cb.requested_by, cb.name) as requester, cb.reason as service, cl.duration_seconds::float8 as duration_s,
        cl.to_number as phone, cl.status as call_status, cl.answered_at is not null as answered,
        cb.status as request_status, cb.max_attempts,
        case when cb.last_call_sid = cl.call_sid then cb.last_result end as last_result,
        case when jsonb_typeof(cl.meta->'attempt') = 'number' then (cl.meta->>'attempt')::numeric
             when cb.id is null then 1
             else (
               select count(*) from calls c2
               where c2.callback_id = cb.id and c2.purpose = 'outbound' and c2.started_at >= cb.created_at
                 and (c2.started_at, c2.id::text) <= (cl.started_at, cl.id::text)
             ) end::int as attempt
      from calls cl
      left join callback_requests cb on cb.id = cl.callback_id
      where cl.purpose = 'outbound' ${answered} and cl.started_at >= ${ts(from)} and cl.started_at < ${ts(to)}
        and (cl.started_at, cl.id::text) > (${cursor.at}::timestamptz, ${cursor.id}::text)
      order by cl.started_at, cl.id::text
      limit ${limit}`);
    return rows.map((r) => ({
      ...itemRecord(r),
      cursor: { at: String(r.cursor_at), id: String(r.cid) },
      conversationId: strOrNull(r.conversation_id),
      outbound: r.answered === true,
      call: {
        phone: strOrNull(r.phone),
        attempt: num(r.attempt),
        maxAttempts: numOrNull(r.max_attempts),
        status: String(r.call_status),
        answered: r.answered === true,
        requestStatus: strOrNull(r.request_status),
        lastResult: strOrNull(r.last_result),
      },
    }));
  }
}

/** A row of an item page as the record. */
function itemRecord(r: Record<string, unknown>): ReportItemRecord {
  return {
    kind: r.kind === 'walk_in' || r.kind === 'outbound_call' ? r.kind : 'conversation',
    id: String(r.id),
    cursor: { at: String(r.cursor_at), id: String(r.id) },
    at: new Date(num(r.at_ms)),
    channel: String(r.channel),
    requester: strOrNull(r.requester),
    unit: strOrNull(r.unit),
    service: strOrNull(r.service),
    tickets: strOrNull(r.tickets),
    agent: strOrNull(r.agent),
    waitSeconds: numOrNull(r.wait_s),
    durationSeconds: numOrNull(r.duration_s),
    secondLevel: r.second === true,
    firstLevel: r.first === true,
    transferred: r.transferred === true,
    informative: r.informative === true,
    outOfScope: r.out_of_scope === true,
    handoff: r.handoff === true,
    abandoned: r.abandoned === true,
    callback: r.callback === true,
    outbound: false,
  };
}
