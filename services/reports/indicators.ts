/**
 * The monthly indicators of the help desk (seed 002, «MEDICIÓN») and the supervision figures around them.
 *
 * ## What is counted
 * - **Period**: a month `YYYY-MM` or a range of whole days (`YYYY-MM-DD`, both ends included) or exact instants, on
 *   the desk's calendar (`TZ`, default America/Mexico_City): `[from, to)`.
 * - **received** (llamadas/solicitudes recibidas): the conversations created in the period on any channel (voice
 *   calls that reached the bot included) with at least one inbound `message` activity — a web chat opened and never
 *   written to, or a call hung up during the greeting, is not a request — plus the requests registered by the desk
 *   from a letter or a visit (tickets of channel `oficio`/`presencial` without a conversation) created in the period.
 *   Every count below is of these items, and every `pct` is `count / received × 100`.
 * - **secondLevel** (segundo nivel): items with at least one ticket of kind `incident` or `request` (any status).
 * - **firstLevel** (primer nivel): items without such a ticket resolved by the desk: an attention `first_level`
 *   (self-help accepted), `status_lookup` or `directory`, or a handoff an agent accepted and closed (status `closed`,
 *   not `cancelled`). First and second level exclude each other.
 * - **transferred** (transferidas): items with an attention `transferred` (the call was put through to an
 *   extension). Referrals to another area are `outOfScope`.
 * - **outbound** (llamadas realizadas al exterior): calls of purpose `outbound` (placed by the switchboard for verified
 *   staff, `calls.purpose`; `direction = 'outbound'` would also count call-backs and agents' legs) started in the
 *   period and answered. Unanswered attempts are `outboundAttempts − outbound.count`. Its pct is over received too,
 *   as the seed defines it.
 * - **informative**: items with an attention `informative` or an informative record (ticket kind `informative`).
 * - **outOfScope**: items with an attention `out_of_scope` (oriented to another area).
 * - **handoffs**: items with at least one handoff to a live agent, whatever its end.
 * - **containment** (contención del bot): conversations without any handoff whose requests the bot settled (at least
 *   one attention other than `callback`: a booked call-back still needs a person).
 * One conversation may carry several requests, so the percentages need not add up to 100.
 *
 * ## Queue figures (handoffs queued in the period, whichever month their conversation began)
 * - **waits**: seconds from joining the queue to the agent's acceptance, of handoffs accepted and never requeued or
 *   transferred (for those the first wait is no longer recorded); `avgSeconds` rounded to a whole second, `p90Seconds`
 *   the 90th percentile as an observed value (the smallest wait with at least 90 % of waits at or below it). Null
 *   when nothing was measured.
 * - **abandonment**: handoffs the person left while waiting — cancelled with reason `person_left` (wrote «cancelar»)
 *   or `caller_hung_up` (hung up while queued); pct over the handoffs queued in the period (`queued`). The desk's
 *   own cancellations (maximum wait, desk closed, external hub timeout) are not abandonment.
 * - **handleTime**: seconds from acceptance to close of handoffs closed by an agent (the agent who closed it).
 *
 * ## SLA (tickets of kind incident/request created in the period, cancelled ones left out), per priority P1–P5
 * - **first response**: the first change out of `registered` (assigned, in progress or resolved) within the target;
 * - **resolution**: the first change to `resolved` within the target. Targets are wall-clock times (`SLA_TARGETS`).
 *
 * ## Breakdowns
 * `byChannel` (the conversation's channel, or `oficio`/`presencial`), `byGroup` (the resolver group of the item's
 * first incident/request ticket, else of its latest handoff; «Sin grupo»), `byUnit` (the requester's unit name, else
 * the unit code the script recorded; «Sin unidad») and `byAgent` (by e-mail: the agent who accepted the item's latest
 * handoff, or who registered a letter/visit). Each has the item counts with pct over its own received; channel, group
 * and agent add the queue figures of their handoffs.
 */
import { PRIORITIES, type Priority } from '../tickets/priority';
import { startOfDay } from '../tickets/ticket-rules';
import type { RawItemCounts, RawQueueCounts, RawReport } from '../../models/repositories/report.repository';

/** A count and its share of the received items (percent, one decimal). */
export interface Share {
  count: number;
  pct: number;
}

export interface WaitStats {
  /** Waits measured (accepted handoffs never requeued or transferred). */
  count: number;
  avgSeconds: number | null;
  p90Seconds: number | null;
}

export interface Abandonment extends Share {
  /** Handoffs queued in the period: the base of `pct`. */
  queued: number;
}

export interface HandleTime {
  count: number;
  avgSeconds: number | null;
}

/** The item counts of one breakdown bucket, pct over its own `received`. */
export interface ItemIndicators {
  received: number;
  firstLevel: Share;
  secondLevel: Share;
  transferred: Share;
  informative: Share;
  outOfScope: Share;
  handoffs: Share;
  containment: Share;
}

/** A channel's or a resolver group's indicators: the items plus their queue. */
export interface QueueBucket extends ItemIndicators {
  waits: WaitStats;
  abandonment: Abandonment;
  handleTime: HandleTime;
}

export interface AgentBucket extends ItemIndicators {
  name: string;
  waits: WaitStats;
  handleTime: HandleTime;
}

export interface SlaTarget {
  firstResponseSeconds: number;
  resolutionSeconds: number;
}
export type SlaTargets = Record<Priority, SlaTarget>;

export interface SlaIndicators {
  tickets: number;
  firstResponseMet: number;
  resolutionMet: number;
  /** Met / tickets × 100, one decimal (0 without tickets). */
  firstResponsePct: number;
  resolutionPct: number;
  targets: SlaTarget;
}

/** The indicators of a period: DESIGN.md §10 keys first, then the supervision figures. */
export interface IndicatorsReport {
  received: number;
  firstLevel: Share;
  secondLevel: Share;
  transferred: Share;
  outbound: Share;
  informative: Share;
  outOfScope: Share;
  handoffs: Share;
  byChannel: Record<string, QueueBucket>;
  /** Outbound calls placed in the period, answered or not. */
  outboundAttempts: number;
  containment: Share;
  waits: WaitStats;
  abandonment: Abandonment;
  handleTime: HandleTime;
  sla: Record<string, SlaIndicators>;
  byGroup: Record<string, QueueBucket>;
  byUnit: Record<string, ItemIndicators>;
  byAgent: Record<string, AgentBucket>;
  period: { from: string; to: string; timeZone: string };
}

/** The monthly report (DESIGN.md §10): `month` and the indicators of that month. */
export type MonthlyReport = { month: string } & IndicatorsReport;

/** A period `[from, to)` on the desk's calendar; `month` when it is one whole month. */
export interface ReportPeriod {
  from: Date;
  to: Date;
  timeZone: string;
  month: string | null;
}

export type ReportErrorCode = 'report/invalid_period' | 'report/invalid_format' | 'report/invalid_query';

/** A report request refused; `message` is Spanish, for the person. */
export class ReportError extends Error {
  constructor(
    readonly code: ReportErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'ReportError';
  }
}

/** Bucket names when the item has no resolver group or no known unit. */
export const NO_GROUP = 'Sin grupo';
export const NO_UNIT = 'Sin unidad';

/** The longest range `GET /api/reports/indicators` accepts (a year and a bit: a year-over-year comparison). */
export const MAX_RANGE_DAYS = 400;

/** `count / base × 100` rounded half up to one decimal; 0 when there is nothing to divide by. */
export function pct(count: number, base: number): number {
  return base > 0 ? Math.round((count * 1000) / base) / 10 : 0;
}

function share(count: number, base: number): Share {
  return { count, pct: pct(count, base) };
}

/** A month `YYYY-MM` (years 2000–2999) on the desk's calendar: from its first midnight to the next month's. */
export function monthPeriod(month: string | undefined, timeZone: string): ReportPeriod {
  const m = /^(2\d{3})-(0[1-9]|1[0-2])$/.exec(month?.trim() ?? '');
  if (!m) {
    throw new ReportError('report/invalid_period', `Mes inválido${month ? ` («${month.slice(0, 20)}»)` : ''}: indíquelo como AAAA-MM, por ejemplo 2026-11.`);
  }
  const [year, mon] = [Number(m[1]), Number(m[2])];
  return { from: startOfDay(year, mon, 1, timeZone), to: startOfDay(year, mon + 1, 1, timeZone), timeZone, month: `${m[1]}-${m[2]}` };
}

const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;
const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:\d{2})$/;

/** One end of a range: a day of the desk's calendar (`to` includes the whole day) or an exact ISO instant. */
function bound(value: string | undefined, which: 'from' | 'to', timeZone: string): Date {
  const label = which === 'from' ? 'inicio (from)' : 'fin (to)';
  const text = value?.trim() ?? '';
  const day = DAY.exec(text);
  if (day) {
    const [y, m, d] = [Number(day[1]), Number(day[2]), Number(day[3])];
    const check = new Date(Date.UTC(y, m - 1, d));
    if (y >= 2000 && y <= 2999 && check.getUTCMonth() === m - 1 && check.getUTCDate() === d) return startOfDay(y, m, which === 'to' ? d + 1 : d, timeZone);
  } else if (INSTANT.test(text)) {
    const at = new Date(text);
    if (!Number.isNaN(at.getTime())) return at;
  }
  throw new ReportError('report/invalid_period', `Fecha de ${label} inválida${text ? ` («${text.slice(0, 40)}»)` : ''}: use AAAA-MM-DD o una fecha y hora ISO con zona (2026-11-15T08:00:00-06:00).`);
}

/** A range of days or instants; `to` after `from`, at most {@link MAX_RANGE_DAYS} days. */
export function rangePeriod(from: string | undefined, to: string | undefined, timeZone: string): ReportPeriod {
  const start = bound(from, 'from', timeZone);
  const end = bound(to, 'to', timeZone);
  if (end.getTime() <= start.getTime()) throw new ReportError('report/invalid_period', 'El fin del periodo (to) debe ser posterior a su inicio (from).');
  if (end.getTime() - start.getTime() > MAX_RANGE_DAYS * 86_400_000) {
    throw new ReportError('report/invalid_period', `El periodo puede abarcar a lo más ${MAX_RANGE_DAYS} días.`);
  }
  return { from: start, to: end, timeZone, month: null };
}

// ------------------------------------------------------------------------------------------------ SLA targets

const UNIT_SECONDS: Record<string, number> = { s: 1, m: 60, min: 60, h: 3600, d: 86_400 };

/**
 * Defaults: P1 15 min / 4 h, P2 30 min / 8 h, P3 1 h / 24 h, P4 4 h / 3 days, P5 8 h / 5 days (first response /
 * resolution, wall-clock), a common shape of a public help desk's service levels; `SLA_TARGETS` changes them.
 */
export const DEFAULT_SLA_TARGETS: SlaTargets = {
  P1: { firstResponseSeconds: 15 * 60, resolutionSeconds: 4 * 3600 },
  P2: { firstResponseSeconds: 30 * 60, resolutionSeconds: 8 * 3600 },
  P3: { firstResponseSeconds: 3600, resolutionSeconds: 24 * 3600 },
  P4: { firstResponseSeconds: 4 * 3600, resolutionSeconds: 72 * 3600 },
  P5: { firstResponseSeconds: 8 * 3600, resolutionSeconds: 120 * 3600 },
};

function duration(text: string, part: string): number {
  const m = /^(\d{1,5})\s*(s|min|m|h|d)$/i.exec(text.trim());
  const seconds = m ? Number(m[1]) * (UNIT_SECONDS[(m[2] ?? '').toLowerCase()] ?? 0) : 0;
  if (!(seconds > 0)) throw new Error(`«${part}»: «${text.trim()}» no es una duración (use 30s, 15m, 4h o 3d)`);
  return seconds;
}

/**
 * `SLA_TARGETS`: "P1:15m/4h, P2:30m/8h, …" — first response / resolution per priority (s, m, h, d). Priorities not
 * named keep their default; resolution may not be shorter than first response.
 */
export function parseSlaTargets(text: string): SlaTargets {
  const out: SlaTargets = { ...DEFAULT_SLA_TARGETS };
  for (const raw of text.split(/[,;]/)) {
    const part = raw.trim();
    if (part === '') continue;
    const m = /^(P\d)\s*:\s*([^/]+)\/(.+)$/i.exec(part);
    if (!m) throw new Error(`«${part}»: se esperaba PRIORIDAD:RESPUESTA/RESOLUCIÓN, por ejemplo P1:15m/4h`);
    const priority = (m[1] ?? '').toUpperCase();
    if (!(PRIORITIES as readonly string[]).includes(priority)) throw new Error(`«${part}»: prioridad desconocida (use P1 a P5)`);
    const target = { firstResponseSeconds: duration(m[2] ?? '', part), resolutionSeconds: duration(m[3] ?? '', part) };
    if (target.resolutionSeconds < target.firstResponseSeconds) throw new Error(`«${part}»: la resolución no puede ser antes que la primera respuesta`);
    out[priority as Priority] = target;
  }
  return out;
}

/** The targets as rows for the SQL (one per priority). */
export function slaTargetRows(targets: SlaTargets): Array<{ priority: string } & SlaTarget> {
  return PRIORITIES.map((priority) => ({ priority, ...targets[priority] }));
}

// ------------------------------------------------------------------------------------------------ assembling

const EMPTY_QUEUE: RawQueueCounts = { queued: 0, abandoned: 0, waitCount: 0, waitAvg: null, waitP90: null, handleCount: 0, handleAvg: null };

function items(c: RawItemCounts): ItemIndicators {
  const r = c.received;
  return {
    received: r,
    firstLevel: share(c.firstLevel, r),
    secondLevel: share(c.secondLevel, r),
    transferred: share(c.transferred, r),
    informative: share(c.informative, r),
    outOfScope: share(c.outOfScope, r),
    handoffs: share(c.handoffs, r),
    containment: share(c.contained, r),
  };
}

const seconds = (v: number | null) => (v === null ? null : Math.round(v));

function waits(q: RawQueueCounts): WaitStats {
  return { count: q.waitCount, avgSeconds: q.waitCount > 0 ? seconds(q.waitAvg) : null, p90Seconds: q.waitCount > 0 ? seconds(q.waitP90) : null };
}

function handle(q: RawQueueCounts): HandleTime {
  return { count: q.handleCount, avgSeconds: q.handleCount > 0 ? seconds(q.handleAvg) : null };
}

function abandonment(q: RawQueueCounts): Abandonment {
  return { ...share(q.abandoned, q.queued), queued: q.queued };
}

const ZERO_ITEMS: RawItemCounts = { received: 0, firstLevel: 0, secondLevel: 0, transferred: 0, informative: 0, outOfScope: 0, handoffs: 0, contained: 0 };

/** Sorted keys, so the JSON reads the same on every run. */
function byKey<T>(entries: Map<string, T>): Record<string, T> {
  return Object.fromEntries([...entries].sort(([a], [b]) => a.localeCompare(b, 'es')));
}

/** Turns the database's counts into the report: shares, rounded seconds, SLA percentages, breakdowns. */
export function buildIndicators(raw: RawReport, period: ReportPeriod, targets: SlaTargets): IndicatorsReport {
  const total = raw.items.find((r) => r.dim === 'total') ?? { dim: 'total' as const, key: null, name: null, ...ZERO_ITEMS };
  const queueTotal = raw.queue.find((q) => q.dim === 'total') ?? EMPTY_QUEUE;
  const received = total.received;
  const queueOf = (dim: 'channel' | 'group' | 'agent', key: string | null) => raw.queue.find((q) => q.dim === dim && q.key === key) ?? EMPTY_QUEUE;

  const queueBuckets = (dim: 'channel' | 'group', fallback: string) => {
    const out = new Map<string, QueueBucket>();
    const keys = new Set([...raw.items.filter((r) => r.dim === dim).map((r) => r.key), ...raw.queue.filter((q) => q.dim === dim).map((q) => q.key)]);
    for (const key of keys) {
      const counts = raw.items.find((r) => r.dim === dim && r.key === key) ?? { ...ZERO_ITEMS };
      const q = queueOf(dim, key);
      out.set(key ?? fallback, { ...items(counts), waits: waits(q), abandonment: abandonment(q), handleTime: handle(q) });
    }
    return byKey(out);
  };

  const units = new Map<string, ItemIndicators>();
  for (const r of raw.items.filter((x) => x.dim === 'unit')) units.set(r.key ?? NO_UNIT, items(r));

  const agents = new Map<string, AgentBucket>();
  const agentKeys = new Map<string, string>();
  for (const r of [...raw.items, ...raw.queue]) if (r.dim === 'agent' && r.key !== null) agentKeys.set(r.key, r.name ?? r.key);
  for (const [key, name] of agentKeys) {
    const counts = raw.items.find((r) => r.dim === 'agent' && r.key === key) ?? { ...ZERO_ITEMS };
    const q = queueOf('agent', key);
    agents.set(key, { name, ...items(counts), waits: waits(q), handleTime: handle(q) });
  }

  const sla: Record<string, SlaIndicators> = {};
  const found = new Map(raw.sla.map((s) => [s.priority, s]));
  const priorities = [...PRIORITIES, ...[...found.keys()].filter((p) => !(PRIORITIES as readonly string[]).includes(p)).sort()];
  for (const priority of priorities) {
    const s = found.get(priority) ?? { priority, tickets: 0, firstResponseMet: 0, resolutionMet: 0 };
    const t = targets[priority as Priority] ?? { firstResponseSeconds: 0, resolutionSeconds: 0 };
    sla[priority] = {
      tickets: s.tickets,
      firstResponseMet: s.firstResponseMet,
      resolutionMet: s.resolutionMet,
      firstResponsePct: pct(s.firstResponseMet, s.tickets),
      resolutionPct: pct(s.resolutionMet, s.tickets),
      targets: { firstResponseSeconds: t.firstResponseSeconds, resolutionSeconds: t.resolutionSeconds },
    };
  }

  const top = items(total);
  return {
    received,
    firstLevel: top.firstLevel,
    secondLevel: top.secondLevel,
    transferred: top.transferred,
    outbound: share(raw.outbound.answered, received),
    informative: top.informative,
    outOfScope: top.outOfScope,
    handoffs: top.handoffs,
    byChannel: queueBuckets('channel', 'desconocido'),
    outboundAttempts: raw.outbound.attempts,
    containment: top.containment,
    waits: waits(queueTotal),
    abandonment: abandonment(queueTotal),
    handleTime: handle(queueTotal),
    sla,
    byGroup: queueBuckets('group', NO_GROUP),
    byUnit: byKey(units),
    byAgent: byKey(agents),
    period: { from: period.from.toISOString(), to: period.to.toISOString(), timeZone: period.timeZone },
  };
}
