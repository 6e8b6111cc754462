/**
 * The weekly summary per agent (seed 000 step 09: «Realiza una supervisión semanalmente en el área de operadoras para
 * identificar el rendimiento de cada una»): per agent, the conversations and calls handled, the waits that ended with
 * their acceptance, their handle time, the switchboard transfers they made and how many did not connect (seed 000:
 * «enlazar las llamadas… sin errores»), and the protocol pre-check score of the conversations they attended with its
 * failures by protocol point. The handoffs behind an agent's conversations count are listed by {@link
 * WeeklySummaryService.items}.
 *
 * A week is an ISO 8601 week `YYYY-Www` (Monday to Sunday) on the desk's calendar (`TZ`): from Monday's midnight to
 * the next Monday's, `[from, to)`. Without a week, the last complete one. What each figure counts is documented in
 * models/repositories/weekly.repository.ts; the pre-check score comes from the quality review service (the automatic
 * checks of the protocol items over the agent's conversations of the week), when one is wired.
 */
import type { RawWeeklyAgentRow, RawWeeklyTotals, WeeklyRepository } from '../../models/repositories/weekly.repository';
import { CHECKLIST_LABELS, PRECHECKED_KEYS, type PrecheckedKey } from '../quality/checklist';
import { startOfDay } from '../tickets/ticket-rules';
import { pct } from './indicators';

/** One agent's pre-check results as the quality review scores them. */
export interface AgentPrecheckRow {
  agentId: string;
  name: string;
  conversations: number;
  checks: number;
  passed: number;
  /** Failures by protocol point (absent: none). */
  failsByItem?: Partial<Record<string, number>>;
}

/** What the summary reads of the quality review: per agent, how many protocol pre-checks ran, passed and failed by point. */
export interface AgentPrecheckSource {
  scoreAgents(from: Date, to: Date): Promise<AgentPrecheckRow[]>;
}

/** A protocol point's pre-check failures («Fallas por punto»). */
export interface PointFails {
  item: PrecheckedKey;
  label: string;
  fails: number;
}

/**
 * The protocol pre-checks of an agent's week: how many ran, passed, and the share passed (percent, one decimal; null:
 * none ran); the failures by protocol point, in checklist order, only the points that failed.
 */
export interface PrecheckScore {
  checks: number;
  passed: number;
  score: number | null;
  fails: PointFails[];
}

/** Switchboard transfers the agent made in the week, and those that did not connect («sin enlazar»). */
export interface TransferCount {
  made: number;
  unconnected: number;
}

/** One handoff of an agent's week list: `GET /api/reports/weekly/items?week=&agentId=`. */
export interface WeeklyItem {
  handoffId: string;
  conversationId: string;
  channel: string;
  resolverGroup: string;
  queuedAt: string;
  acceptedAt: string;
  closedAt: string | null;
  closeReason: string | null;
  waitSeconds: number | null;
  handleSeconds: number | null;
}

/** The conversations an agent accepted in a week (the handoffs behind their «Conversaciones»). */
export interface WeeklyItems {
  week: string;
  from: string;
  to: string;
  agent: { id: string; name: string; email: string };
  items: WeeklyItem[];
}

/** One agent's week. Seconds are whole (rounded); null when nothing was measured. */
export interface WeeklyAgentSummary {
  agentId: string;
  name: string;
  email: string;
  /** Text conversations handed to them and accepted (web chat, e-mail, Messenger, X, SMS, WhatsApp). */
  conversations: number;
  /** Phone calls they talked in. */
  calls: number;
  /** Switchboard transfers tried while they were in the call. */
  transfers: TransferCount;
  /** Every handoff they accepted (text and voice): the base of the waits and the handle time. */
  accepted: number;
  waitAvgSeconds: number | null;
  waitP90Seconds: number | null;
  handleAvgSeconds: number | null;
  /** Conversations of theirs the pre-checks looked at (null: no quality service). */
  checkedConversations: number | null;
  precheck: PrecheckScore;
}

/** The weekly summary: `GET /api/reports/weekly?week=YYYY-Www`. */
export interface WeeklySummary {
  week: string;
  /** ISO instants of `[from, to)`. */
  from: string;
  to: string;
  timeZone: string;
  /** The week before, and the week after (null while the next one has not ended). */
  previousWeek: string;
  nextWeek: string | null;
  agents: WeeklyAgentSummary[];
  totals: Omit<WeeklyAgentSummary, 'agentId' | 'name' | 'email'>;
}

/** A week asked for, on the desk's calendar. */
export interface WeekPeriod {
  week: string;
  from: Date;
  to: Date;
  /** Monday, `YYYY-MM-DD`. */
  monday: string;
}

/** A malformed week; `message` is Spanish, for the person. */
export class WeeklySummaryError extends Error {
  constructor(
    message: string,
    readonly code: 'weekly/invalid_week' | 'weekly/invalid_agent' | 'weekly/unknown_agent' = 'weekly/invalid_week',
  ) {
    super(message);
    this.name = 'WeeklySummaryError';
  }
}

const DAY_MS = 86_400_000;
const WEEK = /^(\d{4})-W(\d{2})$/;

/** The Monday of ISO week 1 of `year` (the week with 4 January), as a UTC midnight. */
function firstMonday(year: number): number {
  const jan4 = Date.UTC(year, 0, 4);
  return jan4 - ((new Date(jan4).getUTCDay() + 6) % 7) * DAY_MS;
}

/** How many ISO weeks `year` has (52 or 53). */
export function isoWeeksIn(year: number): number {
  return Math.round((firstMonday(year + 1) - firstMonday(year)) / (7 * DAY_MS));
}

/** The ISO week `YYYY-Www` of a calendar day. */
export function isoWeekOf(year: number, month: number, day: number): string {
  const t = Date.UTC(year, month - 1, day);
  let y = year;
  if (t < firstMonday(y)) y -= 1;
  else if (t >= firstMonday(y + 1)) y += 1;
  const w = Math.floor((t - firstMonday(y)) / (7 * DAY_MS)) + 1;
  return `${y}-W${String(w).padStart(2, '0')}`;
}

/** The week `delta` weeks from `week` (well formed). */
export function shiftWeek(week: string, delta: number): string {
  const m = WEEK.exec(week) as RegExpExecArray;
  const monday = new Date(firstMonday(Number(m[1])) + (Number(m[2]) - 1 + delta) * 7 * DAY_MS);
  return isoWeekOf(monday.getUTCFullYear(), monday.getUTCMonth() + 1, monday.getUTCDate());
}

/** The calendar day `at` falls on in `timeZone`. */
function dayIn(at: Date, timeZone: string): [number, number, number] {
  const p = Object.fromEntries(new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: 'numeric', day: 'numeric' }).formatToParts(at).map((x) => [x.type, x.value]));
  return [Number(p.year), Number(p.month), Number(p.day)];
}

/** The last complete week before `now` on the desk's calendar. */
export function lastCompleteWeek(now: Date, timeZone: string): string {
  return shiftWeek(isoWeekOf(...dayIn(now, timeZone)), -1);
}

/**
 * A week `YYYY-Www` (years 2000–2999, week 01 to the year's last) on the desk's calendar, or the last complete week
 * when `week` is empty. {@link WeeklySummaryError} when malformed.
 */
export function weekPeriod(week: string | undefined, timeZone: string, now: Date): WeekPeriod {
  const text = week?.trim() ?? '';
  const chosen = text === '' ? lastCompleteWeek(now, timeZone) : text.toUpperCase();
  const m = WEEK.exec(chosen);
  const year = m ? Number(m[1]) : 0;
  const w = m ? Number(m[2]) : 0;
  if (!m || year < 2000 || year > 2999 || w < 1 || w > isoWeeksIn(year)) {
    throw new WeeklySummaryError(`Semana inválida${text ? ` («${text.slice(0, 20)}»)` : ''}: indíquela como AAAA-Www (semana ISO, de lunes a domingo), por ejemplo 2026-W47.`);
  }
  const monday = new Date(firstMonday(year) + (w - 1) * 7 * DAY_MS);
  const [my, mm, md] = [monday.getUTCFullYear(), monday.getUTCMonth() + 1, monday.getUTCDate()];
  return {
    week: chosen,
    from: startOfDay(my, mm, md, timeZone),
    to: startOfDay(my, mm, md + 7, timeZone),
    monday: `${my}-${String(mm).padStart(2, '0')}-${String(md).padStart(2, '0')}`,
  };
}

export interface WeeklySummaryDeps {
  repo: Pick<WeeklyRepository, 'agents' | 'totals' | 'items'>;
  /** The desk's time zone (config.tz). */
  timeZone: string;
  clock?: { now(): Date };
  /** The protocol pre-checks per agent; without it every score is «no checks». */
  prechecks?: AgentPrecheckSource | null;
}

/** An agent with nothing in the week. */
const EMPTY: RawWeeklyTotals = { conversations: 0, voiceHandoffs: 0, calls: 0, waitCount: 0, waitAvg: null, waitP90: null, handleCount: 0, handleAvg: null, transfers: 0, transfersUnconnected: 0 };
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const seconds = (v: number | null, count: number) => (count > 0 && v !== null ? Math.round(v) : null);

function score(checks: number, passed: number, failsByItem: Partial<Record<string, number>> = {}): PrecheckScore {
  const fails = PRECHECKED_KEYS.flatMap((item) => ((failsByItem[item] ?? 0) > 0 ? [{ item, label: CHECKLIST_LABELS[item], fails: failsByItem[item] as number }] : []));
  return { checks, passed, score: checks > 0 ? pct(passed, checks) : null, fails };
}

/** Adds up the failures by point of several agents. */
function addFails(rows: readonly AgentPrecheckRow[]): Partial<Record<string, number>> {
  const sum: Partial<Record<string, number>> = {};
  for (const r of rows) for (const [k, n] of Object.entries(r.failsByItem ?? {})) sum[k] = (sum[k] ?? 0) + (n ?? 0);
  return sum;
}

/** Builds the weekly summary per agent. */
export class WeeklySummaryService {
  private readonly clock: { now(): Date };

  constructor(private readonly deps: WeeklySummaryDeps) {
    if (!deps?.repo) throw new Error('WeeklySummaryService: repo is required');
    if (!deps.timeZone) throw new Error('WeeklySummaryService: timeZone is required');
    this.clock = deps.clock ?? { now: () => new Date() };
  }

  /** The period of `week` (or of the last complete week); {@link WeeklySummaryError} when malformed. */
  week(week: string | undefined): WeekPeriod {
    return weekPeriod(week, this.deps.timeZone, this.clock.now());
  }

  /** The summary of `week` (`YYYY-Www`; the last complete week when empty). */
  async summary(week: string | undefined): Promise<WeeklySummary> {
    const period = this.week(week);
    const [rows, totals, checks] = await Promise.all([
      this.deps.repo.agents(period.from, period.to),
      this.deps.repo.totals(period.from, period.to),
      this.deps.prechecks ? this.deps.prechecks.scoreAgents(period.from, period.to) : Promise.resolve(null),
    ]);
    const byAgent = new Map((checks ?? []).map((c) => [c.agentId, c]));
    const agents = rows.map((r) => this.agentSummary(r, byAgent.get(r.agentId), checks !== null));
    // An agent the pre-checks know but the week's figures do not (an inactive account that attended in the week).
    for (const c of checks ?? []) {
      if (rows.some((r) => r.agentId === c.agentId)) continue;
      agents.push(this.agentSummary({ agentId: c.agentId, name: c.name, email: '', role: 'agent', ...EMPTY }, c, true));
    }
    const checked = checks?.reduce((a, c) => a + c.conversations, 0) ?? null;
    const ran = checks?.reduce((a, c) => a + c.checks, 0) ?? 0;
    const passed = checks?.reduce((a, c) => a + c.passed, 0) ?? 0;
    const next = shiftWeek(period.week, 1);
    const nextEnd = weekPeriod(next, this.deps.timeZone, this.clock.now()).to;
    return {
      week: period.week,
      from: period.from.toISOString(),
      to: period.to.toISOString(),
      timeZone: this.deps.timeZone,
      previousWeek: shiftWeek(period.week, -1),
      nextWeek: nextEnd.getTime() <= this.clock.now().getTime() ? next : null,
      agents,
      totals: { ...this.figures(totals), checkedConversations: checked, precheck: score(ran, passed, addFails(checks ?? [])) },
    };
  }

  /**
   * The conversations `agentId` accepted in `week` (the handoffs their «Conversaciones» counts, same conditions).
   * {@link WeeklySummaryError} for a malformed week or agent id, or an unknown agent.
   */
  async items(week: string | undefined, agentId: string | undefined): Promise<WeeklyItems> {
    const period = this.week(week);
    const id = agentId?.trim() ?? '';
    if (!UUID.test(id)) throw new WeeklySummaryError('Indique el agente (agentId) con su identificador.', 'weekly/invalid_agent');
    const found = await this.deps.repo.items(id.toLowerCase(), period.from, period.to);
    if (!found) throw new WeeklySummaryError('Ese agente no existe.', 'weekly/unknown_agent');
    return {
      week: period.week,
      from: period.from.toISOString(),
      to: period.to.toISOString(),
      agent: found.agent,
      items: found.items.map((i) => ({
        handoffId: i.handoffId,
        conversationId: i.conversationId,
        channel: i.channel,
        resolverGroup: i.resolverGroup,
        queuedAt: i.queuedAt.toISOString(),
        acceptedAt: i.acceptedAt.toISOString(),
        closedAt: i.closedAt ? i.closedAt.toISOString() : null,
        closeReason: i.closeReason,
        waitSeconds: i.waitSeconds === null ? null : Math.round(i.waitSeconds),
        handleSeconds: i.handleSeconds === null ? null : Math.round(i.handleSeconds),
      })),
    };
  }

  private agentSummary(r: RawWeeklyAgentRow, c: AgentPrecheckRow | undefined, wired: boolean): WeeklyAgentSummary {
    return {
      agentId: r.agentId,
      name: r.name,
      email: r.email,
      ...this.figures(r),
      checkedConversations: wired ? (c?.conversations ?? 0) : null,
      precheck: score(c?.checks ?? 0, c?.passed ?? 0, c?.failsByItem),
    };
  }

  private figures(r: RawWeeklyTotals): Pick<WeeklyAgentSummary, 'conversations' | 'calls' | 'transfers' | 'accepted' | 'waitAvgSeconds' | 'waitP90Seconds' | 'handleAvgSeconds'> {
    return {
      conversations: r.conversations,
      calls: r.calls,
      transfers: { made: r.transfers, unconnected: r.transfersUnconnected },
      accepted: r.conversations + r.voiceHandoffs,
      waitAvgSeconds: seconds(r.waitAvg, r.waitCount),
      waitP90Seconds: seconds(r.waitP90, r.waitCount),
      handleAvgSeconds: seconds(r.handleAvg, r.handleCount),
    };
  }
}

