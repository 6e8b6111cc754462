/**
 * A month of synthetic but consistent help-desk activity, written through the product's repositories and services
 * (conversations and their transcript, attentions, tickets and their history, handoffs, calls, call-backs), and the
 * indicators it must produce, computed here from this file's own bookkeeping of what it wrote — never by asking the
 * report's SQL. Seeded: the same seed writes the same month.
 *
 * Besides the month's items it writes what must not count: conversations nobody wrote in, items of the previous and
 * next month right at the boundaries of the desk's calendar (inside the month in UTC but not in Mexico City, and the
 * reverse), a handoff queued in the month for a conversation of the previous one, outbound attempts nobody answered,
 * call-back and agent legs (not outbound staff calls), a status lookup pointing at another conversation's ticket.
 */
import { eq } from 'drizzle-orm';
import {
  AttentionRepository,
  CallbackRepository,
  CallRepository,
  ConversationRepository,
  HandoffRepository,
  RequesterRepository,
  TicketRepository,
  UserRepository,
  type Database,
  type NewActivity,
} from '../../models';
import { conversations } from '../../models/schema';
import { DEFAULT_SLA_TARGETS, NO_GROUP, NO_UNIT, type IndicatorsReport, type SlaTargets } from '../../services/reports/indicators';
import { IMPACT_LEVELS, PRIORITIES, URGENCY_LEVELS } from '../../services/tickets/priority';
import { TicketService } from '../../services/tickets/ticket.service';

export interface MonthGeneratorOptions {
  /** `YYYY-MM`. */
  month: string;
  seed: number;
  timeZone?: string;
  /** Conversations inside the month (besides the boundary ones). Default 110. */
  conversations?: number;
  /** Letters and visits inside the month. Default 10. */
  walkIns?: number;
  /** Outbound staff call requests inside the month. Default 5. */
  outbound?: number;
}

/** An outbound staff call as written (one per attempt of a request of kind `outbound`). */
export interface WrittenOutboundCall {
  startedAt: Date;
  answered: boolean;
  callSid: string;
  /** The number dialled, E.164. */
  phone: string;
  requestedBy: string;
  /** The conversation of the request. */
  conversationId: string;
  /** 1, 2, 3: which attempt of its request. */
  attempt: number;
  /** The call's final status (`completed` or `no-answer`). */
  status: string;
  durationSeconds: number | null;
}

/** A received item as written, with what the report must say of it. */
export interface ExpectedItem {
  kind: 'conversation' | 'walk_in';
  id: string;
  at: Date;
  channel: string;
  second: boolean;
  first: boolean;
  transferred: boolean;
  informative: boolean;
  outOfScope: boolean;
  handoff: boolean;
  contained: boolean;
  abandoned: boolean;
  callback: boolean;
  group: string;
  unit: string;
  agentEmail: string | null;
  agentName: string | null;
  requester: string | null;
  service: string | null;
  tickets: string[];
  waitSeconds: number | null;
  durationSeconds: number | null;
}

interface WrittenHandoff {
  queuedAt: Date;
  channel: string;
  group: string;
  agentEmail: string | null;
  agentName: string | null;
  abandoned: boolean;
  waitSeconds: number | null;
  handleSeconds: number | null;
}

interface WrittenTicket {
  createdAt: Date;
  kind: 'incident' | 'request' | 'informative';
  cancelled: boolean;
  priority: string;
  respondedAfter: number | null;
  resolvedAfter: number | null;
}

interface Agent {
  id: string;
  email: string;
  name: string;
}

interface Person {
  id: string | null;
  name: string;
  unitName: string | null;
  unitCode: string | null;
}

type Outcome = 'first_level' | 'ticket' | 'informative' | 'out_of_scope' | 'status_lookup' | 'directory' | 'transferred' | 'callback';

const SCENARIOS = [
  'first_level', 'ticket', 'informative', 'out_of_scope', 'status_lookup', 'directory', 'transfer', 'directory_transfer', 'callback', 'silent',
  'two_requests', 'agent_resolved', 'agent_returned', 'agent_ticket', 'abandoned', 'max_wait_ticket', 'queued_open', 'handoff_transferred',
  'handoff_requeued', 'staff_outbound', 'no_inbound',
] as const;
type Scenario = (typeof SCENARIOS)[number];
const WEIGHTS: Record<Scenario, number> = {
  first_level: 12, ticket: 14, informative: 6, out_of_scope: 6, status_lookup: 4, directory: 5, transfer: 5, directory_transfer: 2, callback: 3,
  silent: 4, two_requests: 4, agent_resolved: 8, agent_returned: 3, agent_ticket: 5, abandoned: 5, max_wait_ticket: 3, queued_open: 2,
  handoff_transferred: 2, handoff_requeued: 2, staff_outbound: 0, no_inbound: 4,
};
const VOICE_ONLY: ReadonlySet<Scenario> = new Set(['transfer', 'directory_transfer', 'staff_outbound']);
const CHANNELS: Array<[string, number]> = [['webchat', 30], ['voice', 25], ['email', 12], ['whatsapp', 10], ['sms', 6], ['facebook', 10], ['x', 7]];
const GROUPS = ['Redes', 'Correo institucional', 'Soporte en sitio'];
const QUEUE = 'Mesa de ayuda';
const UNITS: Array<[string | null, string | null]> = [
  ['Escuela Superior de Cómputo', 'ESCOM'],
  ['Escuela Superior de Física y Matemáticas', 'ESFM'],
  ['Centro de Investigación en Computación', 'CIC'],
  [null, 'UPIITA'],
  ['Dirección de Cómputo y Comunicaciones', null],
];
const NAMES = ['María Pérez', 'José Hernández', 'Lucía Ramírez', 'Juan Carlos Díaz', 'Rosa Martínez', 'Pedro Sánchez', 'Elena Torres', 'Luis Flores', 'Ana Sofía Cruz', 'Miguel Ángel Ruiz', 'Patricia Gómez', 'Jorge Vargas'];

/** mulberry32: a small, seedable generator (reproducible months). */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Milliseconds the zone's wall clock is ahead of UTC at `at`. */
function offsetMs(at: number, timeZone: string): number {
  const f = new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric' });
  const p = Object.fromEntries(f.formatToParts(new Date(at)).map((x) => [x.type, Number(x.value)]));
  return Date.UTC(p.year ?? 0, (p.month ?? 1) - 1, p.day ?? 1, p.hour ?? 0, p.minute ?? 0, p.second ?? 0) - at;
}

/** The instant the zone's clock reads y-mo-d h:mi:s (month may overflow: 13 = January of the next year). */
export function wallTime(timeZone: string, y: number, mo: number, d: number, h = 0, mi = 0, s = 0): Date {
  const wall = Date.UTC(y, mo - 1, d, h, mi, s);
  const first = wall - offsetMs(wall, timeZone);
  return new Date(wall - offsetMs(first, timeZone));
}

/** `count / base × 100`, half up to one decimal, in integers (independent of the product's rounding). */
function pctOf(count: number, base: number): number {
  return base === 0 ? 0 : Math.floor((2 * count * 1000 + base) / (2 * base)) / 10;
}

const secs = (a: Date, b: Date) => Math.round((b.getTime() - a.getTime()) / 1000);
const plus = (at: Date, seconds: number) => new Date(at.getTime() + seconds * 1000);

/** What the generator wrote, and the indicators any period of it must give. */
export class GeneratedMonth {
  constructor(
    readonly month: string,
    readonly timeZone: string,
    readonly from: Date,
    readonly to: Date,
    readonly items: readonly ExpectedItem[],
    readonly handoffs: readonly WrittenHandoff[],
    readonly tickets: readonly WrittenTicket[],
    readonly outboundCalls: readonly WrittenOutboundCall[],
    readonly agents: readonly Agent[],
  ) {}

  /** The received items of `[from, to)`, in order of arrival (then id, as the database orders text). */
  received(from: Date = this.from, to: Date = this.to): ExpectedItem[] {
    return this.items.filter((i) => i.at >= from && i.at < to).sort((a, b) => a.at.getTime() - b.at.getTime());
  }

  /** The indicators of `[from, to)` as the report must give them (without `period`). */
  expectedFor(from: Date = this.from, to: Date = this.to, targets: SlaTargets = DEFAULT_SLA_TARGETS): Omit<IndicatorsReport, 'period'> {
    const items = this.received(from, to);
    const queued = this.handoffs.filter((h) => h.queuedAt >= from && h.queuedAt < to);
    const received = items.length;
    const itemSet = (list: ExpectedItem[]) => {
      const n = list.length;
      const s = (pred: (i: ExpectedItem) => boolean) => {
        const count = list.filter(pred).length;
        return { count, pct: pctOf(count, n) };
      };
      return {
        received: n,
        firstLevel: s((i) => i.first),
        secondLevel: s((i) => i.second),
        transferred: s((i) => i.transferred),
        informative: s((i) => i.informative),
        outOfScope: s((i) => i.outOfScope),
        handoffs: s((i) => i.handoff),
        containment: s((i) => i.contained),
      };
    };
    const queue = (list: WrittenHandoff[]) => {
      const waits = list.flatMap((h) => (h.waitSeconds === null ? [] : [h.waitSeconds])).sort((a, b) => a - b);
      const handles = list.flatMap((h) => (h.handleSeconds === null ? [] : [h.handleSeconds]));
      const abandoned = list.filter((h) => h.abandoned).length;
      const avg = (v: number[]) => (v.length === 0 ? null : Math.round(v.reduce((a, b) => a + b, 0) / v.length));
      return {
        waits: { count: waits.length, avgSeconds: avg(waits), p90Seconds: waits.length === 0 ? null : (waits[Math.ceil(0.9 * waits.length) - 1] ?? null) },
        abandonment: { count: abandoned, pct: pctOf(abandoned, list.length), queued: list.length },
        handleTime: { count: handles.length, avgSeconds: avg(handles) },
      };
    };
    const groupBy = <T>(list: T[], key: (x: T) => string | null) => {
      const out = new Map<string, T[]>();
      for (const x of list) {
        const k = key(x);
        if (k !== null) out.set(k, [...(out.get(k) ?? []), x]);
      }
      return out;
    };
    const buckets = (itemKey: (i: ExpectedItem) => string | null, queueKey: (h: WrittenHandoff) => string | null) => {
      const byItem = groupBy(items, itemKey);
      const byQueue = groupBy(queued, queueKey);
      const keys = new Set([...byItem.keys(), ...byQueue.keys()]);
      return Object.fromEntries([...keys].map((k) => [k, { ...itemSet(byItem.get(k) ?? []), ...queue(byQueue.get(k) ?? []) }]));
    };
    const top = itemSet(items);
    const outbound = this.outboundCalls.filter((c) => c.startedAt >= from && c.startedAt < to);
    const answered = outbound.filter((c) => c.answered).length;
    const slaTickets = this.tickets.filter((t) => t.createdAt >= from && t.createdAt < to && t.kind !== 'informative' && !t.cancelled);
    const sla = Object.fromEntries(
      PRIORITIES.map((p) => {
        const list = slaTickets.filter((t) => t.priority === p);
        const target = targets[p];
        const fr = list.filter((t) => t.respondedAfter !== null && t.respondedAfter <= target.firstResponseSeconds).length;
        const rs = list.filter((t) => t.resolvedAfter !== null && t.resolvedAfter <= target.resolutionSeconds).length;
        return [p, { tickets: list.length, firstResponseMet: fr, resolutionMet: rs, firstResponsePct: pctOf(fr, list.length), resolutionPct: pctOf(rs, list.length), targets: { ...target } }];
      }),
    );
    const agentNames = new Map(this.agents.map((a) => [a.email, a.name]));
    const byAgentItems = groupBy(items, (i) => i.agentEmail);
    const byAgentQueue = groupBy(queued, (h) => h.agentEmail);
    const byAgent = Object.fromEntries(
      [...new Set([...byAgentItems.keys(), ...byAgentQueue.keys()])].map((email) => {
        const q = queue(byAgentQueue.get(email) ?? []);
        return [email, { name: agentNames.get(email) ?? email, ...itemSet(byAgentItems.get(email) ?? []), waits: q.waits, handleTime: q.handleTime }];
      }),
    );
    const all = queue(queued);
    return {
      received,
      firstLevel: top.firstLevel,
      secondLevel: top.secondLevel,
      transferred: top.transferred,
      outbound: { count: answered, pct: pctOf(answered, received) },
      informative: top.informative,
      outOfScope: top.outOfScope,
      handoffs: top.handoffs,
      byChannel: buckets((i) => i.channel, (h) => h.channel),
      outboundAttempts: outbound.length,
      containment: top.containment,
      waits: all.waits,
      abandonment: all.abandonment,
      handleTime: all.handleTime,
      sla,
      byGroup: buckets((i) => i.group, (h) => h.group),
      byUnit: Object.fromEntries([...groupBy(items, (i) => i.unit)].map(([k, list]) => [k, itemSet(list)])),
      byAgent,
    };
  }
}

/** Writes a month of activity into `database` and returns what it must report. */
export async function generateMonth(database: Database, options: MonthGeneratorOptions): Promise<GeneratedMonth> {
  const timeZone = options.timeZone ?? 'America/Mexico_City';
  const [year, mon] = options.month.split('-').map(Number) as [number, number];
  const rnd = prng(options.seed);
  const int = (lo: number, hi: number) => lo + Math.floor(rnd() * (hi - lo + 1));
  const pick = <T>(list: readonly T[]): T => list[Math.floor(rnd() * list.length)] as T;
  const weighted = <T>(list: ReadonlyArray<[T, number]>): T => {
    let r = rnd() * list.reduce((a, [, w]) => a + w, 0);
    for (const [v, w] of list) if ((r -= w) < 0) return v;
    return (list[list.length - 1] as [T, number])[0];
  };

  const db = database.db;
  const repos = {
    conversations: new ConversationRepository(database),
    attentions: new AttentionRepository(db),
    handoffs: new HandoffRepository(db),
    calls: new CallRepository(db),
    callbacks: new CallbackRepository(db),
    requesters: new RequesterRepository(db),
    users: new UserRepository(db),
  };
  const clock = { at: new Date(), now: () => clock.at };
  const tickets = new TicketService(new TicketRepository(db), clock, { prefix: 'CAU', timeZone });

  const items: ExpectedItem[] = [];
  const handoffs: WrittenHandoff[] = [];
  const written: WrittenTicket[] = [];
  const outboundCalls: WrittenOutboundCall[] = [];
  let serial = 0;
  const uid = (prefix: string) => `${prefix}${String(++serial).padStart(5, '0')}`;

  const agents: Agent[] = [];
  for (const [email, name] of [['ana@cau.mx', 'Ana López'], ['beto@cau.mx', 'Alberto Ruiz'], ['carla@cau.mx', 'Carla Méndez'], ['dario@cau.mx', 'Darío Paz']] as const) {
    const row = await repos.users.create({ email, displayName: name, role: 'agent', passwordHash: 'generador-sin-contraseña' });
    await repos.handoffs.setPresence(row.id, { status: 'offline', capacity: 50 }, new Date());
    agents.push({ id: row.id, email, name });
  }
  const people: Person[] = [];
  for (let i = 0; i < NAMES.length; i++) {
    const [unitName, unitCode] = UNITS[i % UNITS.length] as [string | null, string | null];
    const name = NAMES[i] as string;
    const row = await repos.requesters.save({ kind: 'email', value: `persona${i}@ipn.mx` }, { name, unitName, unitCode }, true, new Date());
    people.push({ id: row.id, name, unitName, unitCode });
  }

  const daysInMonth = new Date(Date.UTC(year, mon, 0)).getUTCDate();
  // Milliseconds too: two items never arrive at the same instant (their order would then be the ids').
  const randomAt = () => plus(wallTime(timeZone, year, mon, int(1, daysInMonth), int(7, 21), int(0, 59), int(0, 59)), int(1, 999) / 1000);
  const monthStart = wallTime(timeZone, year, mon, 1);
  const monthEnd = wallTime(timeZone, year, mon + 1, 1);
  const earlierTickets: string[] = [];

  /** Registers a ticket at `at` and walks it through a random lifecycle (its history is the SLA's evidence). */
  async function ticket(at: Date, input: { kind: WrittenTicket['kind']; channel: string; conversationId: string | null; person: Person | null; group: string | null; actor: string }) {
    clock.at = at;
    const urgency = pick(URGENCY_LEVELS);
    const impact = pick(IMPACT_LEVELS);
    const { ticket: row } = await tickets.register(
      {
        kind: input.kind,
        serviceCode: input.kind === 'informative' ? 'INFO-BECAS' : 'RED-SIN-ACCESO',
        serviceName: input.kind === 'informative' ? 'Información de trámites' : 'Sin acceso a la red',
        resolverGroup: input.group,
        requester: input.person ? { name: input.person.name, ...(input.person.unitName ? { unit: input.person.unitName } : {}) } : {},
        requesterId: input.person?.id ?? null,
        channel: input.channel,
        conversationId: input.conversationId,
        description: input.channel === 'oficio' ? `Oficio núm. ${int(100, 999)}. Solicitud por escrito.` : 'La persona reporta que no tiene servicio.',
        urgency,
        impact,
      },
      input.actor,
    );
    const record: WrittenTicket = { createdAt: at, kind: input.kind, cancelled: false, priority: row.priority, respondedAfter: null, resolvedAfter: null };
    written.push(record);
    if (input.kind === 'informative') return row;
    const move = async (afterSeconds: number, to: 'assigned' | 'in_progress' | 'resolved' | 'closed' | 'cancelled') => {
      clock.at = plus(at, afterSeconds);
      await tickets.changeStatus(row.number, to, 'resolutor@cau.mx');
    };
    const life = weighted<string>([['resolved', 6], ['direct', 1], ['open', 2], ['untouched', 1], ['cancelled', 1], ['exact', 1]]);
    if (life === 'cancelled') {
      await move(int(60, 3600), 'cancelled');
      record.cancelled = true;
    } else if (life === 'direct') {
      const r = int(10, 30) * 60;
      await move(r, 'resolved');
      record.respondedAfter = r;
      record.resolvedAfter = r;
    } else if (life === 'open') {
      const r = int(1, 600) * 60;
      await move(r, 'assigned');
      record.respondedAfter = r;
    } else if (life === 'exact') {
      // Exactly at the targets: met (the SLA is «within», ≤).
      const target = DEFAULT_SLA_TARGETS[row.priority as keyof SlaTargets];
      await move(target.firstResponseSeconds, 'assigned');
      await move(target.resolutionSeconds, 'resolved');
      record.respondedAfter = target.firstResponseSeconds;
      record.resolvedAfter = target.resolutionSeconds;
    } else if (life === 'resolved') {
      const r = int(1, 300) * 60;
      const s = r + int(5, 4000) * 60;
      await move(r, 'assigned');
      await move(r + 60, 'in_progress');
      await move(s, 'resolved');
      await move(s + 3600, 'closed');
      record.respondedAfter = r;
      record.resolvedAfter = s;
    }
    return row;
  }

  interface HandoffPlan {
    end: 'closed_by_agent' | 'returned_to_bot' | 'person_left' | 'caller_hung_up' | 'max_wait' | 'open';
    move?: 'transferred' | 'requeued';
    ticket?: boolean;
  }

  /** One handoff of `conversationId`, through the handoff repository; returns the item's agent and wait. */
  async function handoff(conversationId: string, channel: string, person: Person | null, queuedAt: Date, plan: HandoffPlan) {
    const group = pick([QUEUE, ...GROUPS]);
    const { handoff: h } = await repos.handoffs.enqueue({ conversationId, channel, resolverGroup: group, reason: 'asked', priority: 0, context: {} }, queuedAt);
    const record: WrittenHandoff = { queuedAt, channel, group, agentEmail: null, agentName: null, abandoned: false, waitSeconds: null, handleSeconds: null };
    handoffs.push(record);
    let at = plus(queuedAt, int(10, 900));
    const result = { group, agent: null as Agent | null, waitSeconds: null as number | null, tickets: [] as string[], ticketGroup: null as string | null, ticketService: null as string | null };
    if (plan.end === 'person_left' || plan.end === 'caller_hung_up' || plan.end === 'max_wait') {
      await repos.handoffs.end(h.id, 'cancelled', plan.end, at);
      record.abandoned = plan.end !== 'max_wait';
      result.waitSeconds = secs(queuedAt, at);
      return result;
    }
    if (plan.end === 'open') return result;
    let agent = pick(agents);
    const first = await repos.handoffs.accept(h.id, agent.id, at, () => true);
    if (!first.ok) throw new Error(`month generator: accept failed (${first.why})`);
    if (plan.move) {
      const other = agents.find((a) => a.id !== agent.id) as Agent;
      const movedAt = plus(at, int(30, 300));
      if (plan.move === 'transferred') await repos.handoffs.transfer(h.id, { group, agentUserId: other.id }, 'Ana: lo atiende Beto', movedAt);
      else await repos.handoffs.requeue(h.id, movedAt);
      at = plus(movedAt, int(10, 200));
      const second = await repos.handoffs.accept(h.id, other.id, at, () => true);
      if (!second.ok) throw new Error(`month generator: second accept failed (${second.why})`);
      agent = other;
    } else {
      record.waitSeconds = secs(queuedAt, at);
    }
    result.agent = agent;
    result.waitSeconds = secs(queuedAt, at);
    record.agentEmail = agent.email;
    record.agentName = agent.name;
    if (plan.ticket) {
      const ticketGroup = pick(GROUPS);
      const row = await ticket(plus(at, 120), { kind: pick(['incident', 'request'] as const), channel, conversationId, person, group: ticketGroup, actor: agent.id });
      await repos.handoffs.patch(h.id, { ticketNumber: row.number });
      result.tickets.push(row.number);
      result.ticketGroup = ticketGroup;
      result.ticketService = row.serviceName;
    }
    const closedAt = plus(at, int(60, 1800));
    await repos.handoffs.end(h.id, 'closed', plan.end, closedAt);
    record.handleSeconds = secs(at, closedAt);
    return result;
  }

  /** One conversation: its transcript, attentions, tickets, handoffs and (on the phone) its call. */
  async function conversation(at: Date, scenario: Scenario, fixedChannel?: string, handoffAt?: Date): Promise<void> {
    const channel = fixedChannel ?? (VOICE_ONLY.has(scenario) ? 'voice' : scenario === 'abandoned' ? pick(['webchat', 'voice']) : weighted(CHANNELS));
    const id = uid('conv-');
    const userId = channel === 'voice' || channel === 'sms' || channel === 'whatsapp' ? `+52155${String(int(10_000_000, 99_999_999))}` : channel === 'email' ? `persona${int(1, 999)}@ipn.mx` : uid('u-');
    await repos.conversations.create({ id, channel, externalId: id, userId });
    await db.update(conversations).set({ createdAt: at }).where(eq(conversations.id, id));

    const inbound = scenario !== 'no_inbound';
    const lines: NewActivity[] = [];
    const line = (direction: 'in' | 'out', type: string, text: string | null, offset: number) =>
      lines.push({ direction, channel, type, fromId: direction === 'in' ? userId : 'ventanilla-bot', recipientId: null, clientActivityId: null, text, timestamp: plus(at, offset), payload: { type, text, from: { id: direction === 'in' ? userId : 'ventanilla-bot', role: direction === 'in' ? 'user' : 'bot' } } });
    if (channel === 'voice') line('in', 'conversationUpdate', null, 0);
    line('out', 'message', 'Buenos días, le atiende Ventanilla, ¿en qué puedo ayudarle?', 1);
    const talk = inbound ? int(2, 6) : 0;
    for (let k = 0; k < talk; k++) {
      line('in', 'message', 'No tengo internet en el laboratorio.', 20 + k * 40);
      line('out', 'message', 'Permítame, lo reviso.', 25 + k * 40);
    }
    await repos.conversations.appendMany(id, lines);
    let callSeconds: number | null = null;
    if (channel === 'voice') {
      const callSid = uid('CA');
      await repos.calls.start({ callSid, conversationId: id, direction: 'inbound', purpose: 'caller', fromNumber: userId, toNumber: '+525550000000', status: 'in-progress', answeredAt: at }, at);
      callSeconds = int(40, 900);
      await repos.calls.updateStatus(callSid, { status: 'completed', endedAt: plus(at, callSeconds), durationSeconds: callSeconds });
    }
    if (!inbound) return;

    const person = rnd() < 0.8 ? pick(people) : null;
    const outcomes: Outcome[] = [];
    const item: ExpectedItem = {
      kind: 'conversation', id, at, channel, second: false, first: false, transferred: false, informative: false, outOfScope: false, handoff: false,
      contained: false, abandoned: false, callback: false, group: NO_GROUP, unit: NO_UNIT, agentEmail: null, agentName: null, requester: null,
      service: null, tickets: [], waitSeconds: null, durationSeconds: callSeconds ?? secs((lines[0] as NewActivity).timestamp, (lines[lines.length - 1] as NewActivity).timestamp),
    };
    let ticketGroup: string | null = null;
    let attentionService: string | null = null;
    let ticketService: string | null = null;
    let offset = 300;
    const attend = async (outcome: Outcome, ticketId: string | null = null) => {
      outcomes.push(outcome);
      const serviceCode = outcome === 'first_level' || outcome === 'ticket' ? 'RED-SIN-ACCESO' : outcome === 'informative' ? 'INFO-BECAS' : null;
      attentionService ??= serviceCode;
      await repos.attentions.record(
        { conversationId: id, channel, requesterId: person?.id ?? null, unitCode: person?.unitCode ?? null, outcome, serviceCode, ticketId, description: 'Solicitud', idempotencyKey: null },
        plus(at, (offset += 30)),
      );
    };
    const botTicket = async (kind: WrittenTicket['kind']) => {
      const group = kind === 'informative' ? null : pick(GROUPS);
      const row = await ticket(plus(at, (offset += 30)), { kind, channel, conversationId: id, person, group, actor: 'bot' });
      if (kind !== 'informative') {
        item.second = true;
        ticketGroup ??= group;
      } else item.informative = true;
      ticketService ??= row.serviceName;
      item.tickets.push(row.number);
      earlierTickets.push(row.id);
      await attend(kind === 'informative' ? 'informative' : 'ticket', row.id);
    };
    let agentClosed = false;
    let handoffGroup: string | null = null;
    const handOff = async (plan: HandoffPlan) => {
      const latest = await handoff(id, channel, person, handoffAt ?? plus(at, (offset += 60)), plan);
      item.handoff = true;
      item.abandoned = plan.end === 'person_left' || plan.end === 'caller_hung_up';
      if (plan.end === 'closed_by_agent' || plan.end === 'returned_to_bot') agentClosed = true;
      handoffGroup = latest.group;
      if (latest.ticketGroup) {
        item.second = true;
        ticketGroup ??= latest.ticketGroup;
        ticketService ??= latest.ticketService;
      }
      item.tickets.push(...latest.tickets);
      item.waitSeconds = latest.waitSeconds;
      if (latest.agent) {
        item.agentEmail = latest.agent.email;
        item.agentName = latest.agent.name;
      }
    };

    switch (scenario) {
      case 'first_level': await attend('first_level'); break;
      case 'ticket': await botTicket(pick(['incident', 'request'] as const)); break;
      case 'informative': await botTicket('informative'); break;
      case 'out_of_scope': await attend('out_of_scope'); break;
      case 'status_lookup': await attend('status_lookup', earlierTickets.length > 0 ? pick(earlierTickets) : null); break;
      case 'directory': await attend('directory'); break;
      case 'transfer': await attend('transferred'); break;
      case 'directory_transfer': await attend('directory'); await attend('transferred'); break;
      case 'callback':
        await attend('callback');
        await repos.callbacks.create({ kind: 'handoff', conversationId: id, channel, phone: '5512345678', reason: 'Que le llamen', scheduledAt: new Date(Date.UTC(year + 5, 0, 1)) }, plus(at, 200));
        break;
      case 'silent': break;
      case 'two_requests': await attend('first_level'); await botTicket(pick(['incident', 'request'] as const)); break;
      case 'agent_resolved': await handOff({ end: 'closed_by_agent' }); break;
      case 'agent_returned': await handOff({ end: 'returned_to_bot' }); await attend('out_of_scope'); break;
      case 'agent_ticket': await handOff({ end: 'closed_by_agent', ticket: true }); break;
      case 'abandoned': await handOff({ end: channel === 'voice' ? 'caller_hung_up' : 'person_left' }); break;
      case 'max_wait_ticket': await handOff({ end: 'max_wait' }); await botTicket('incident'); break;
      case 'queued_open': await handOff({ end: 'open' }); break;
      case 'handoff_transferred': await handOff({ end: 'closed_by_agent', move: 'transferred' }); break;
      case 'handoff_requeued': await handOff({ end: 'closed_by_agent', move: 'requeued' }); break;
      case 'staff_outbound': await attend('callback'); await outboundCall(id, plus(at, 240)); break;
    }

    item.transferred = outcomes.includes('transferred');
    item.informative ||= outcomes.includes('informative');
    item.outOfScope = outcomes.includes('out_of_scope');
    item.callback = outcomes.includes('callback');
    item.first = !item.second && (outcomes.some((o) => o === 'first_level' || o === 'status_lookup' || o === 'directory') || agentClosed);
    item.contained = !item.handoff && outcomes.some((o) => o !== 'callback');
    item.group = ticketGroup ?? handoffGroup ?? NO_GROUP;
    const hasAttention = outcomes.length > 0;
    item.unit = (hasAttention && person?.unitName) || (item.tickets.length > 0 && person?.unitName) || (hasAttention && person?.unitCode) || NO_UNIT;
    item.requester = (person && (hasAttention || item.tickets.length > 0) ? person.name : null) ?? (['voice', 'sms', 'whatsapp', 'email'].includes(channel) ? userId : null);
    item.service = ticketService ?? attentionService;
    items.push(item);
  }

  /** A staff member's outbound call: the call-back request, then its attempts until one is answered (or none). */
  async function outboundCall(conversationId: string, at: Date): Promise<void> {
    const request = await repos.callbacks.create(
      { kind: 'outbound', conversationId, channel: 'voice', phone: '5598765432', reason: 'Llamada al exterior', requestedBy: 'ext. 42500 María Pérez', maxAttempts: 3 },
      at,
    );
    // Answered on some attempt, or never: then every attempt is used and the request ends failed (none left pending).
    const answeredOn = rnd() < 0.8 ? int(1, 3) : 0;
    const attempts = answeredOn || 3;
    let now = plus(at, 30);
    for (let k = 1; k <= attempts; k++) {
      const claim = await repos.callbacks.claimDue(now, { limit: 1, leaseUntil: plus(now, 600), retryAt: plus(now, 600) });
      if (claim.claimed[0]?.id !== request.id) throw new Error('month generator: the outbound call-back was not the one claimed');
      const callSid = uid('CAOUT');
      await repos.calls.start({ callSid, direction: 'outbound', purpose: 'outbound', toNumber: '+525598765432', status: 'queued', callbackId: request.id }, now);
      await repos.callbacks.attemptStarted(request.id, callSid, 'queued');
      outboundCalls.push({
        startedAt: now, answered: k === answeredOn, callSid, phone: '+525598765432', requestedBy: 'ext. 42500 María Pérez', conversationId, attempt: k,
        status: k === answeredOn ? 'completed' : 'no-answer', durationSeconds: k === answeredOn ? 185 : null,
      });
      if (k === answeredOn) {
        await repos.callbacks.answered(request.id, callSid, plus(now, 3600));
        await repos.calls.updateStatus(callSid, { status: 'in-progress', answeredAt: plus(now, 15) });
        await repos.calls.updateStatus(callSid, { status: 'completed', endedAt: plus(now, 200), durationSeconds: 185 });
        await repos.callbacks.complete(request.id, callSid, 'transferred: completed', plus(now, 200));
        return;
      }
      await repos.calls.updateStatus(callSid, { status: 'no-answer', endedAt: plus(now, 30) });
      await repos.callbacks.retry(request.id, callSid, 'no-answer', plus(now, 600), plus(now, 30));
      now = plus(now, 700);
    }
  }

  // ---- the month ----
  const plan: Scenario[] = [];
  const total = options.conversations ?? 110;
  for (let i = 0; i < total; i++) plan.push(i < SCENARIOS.length ? (SCENARIOS[i] as Scenario) : weighted(SCENARIOS.map((s) => [s, WEIGHTS[s]] as [Scenario, number])));
  for (const scenario of plan) await conversation(randomAt(), scenario);
  for (let i = 0; i < (options.outbound ?? 5); i++) await conversation(randomAt(), 'staff_outbound');
  // At the edges of the desk's calendar: the first and last minutes of the month (the last one is next month in UTC).
  await conversation(plus(monthStart, 30), 'ticket', 'webchat');
  await conversation(plus(monthEnd, -90), 'agent_resolved', 'voice', plus(monthEnd, 60));
  await conversation(wallTime(timeZone, year, mon, daysInMonth, 22, 15), 'first_level', 'email');
  // The previous month's last evening (already this month in UTC) and the next month's first minutes: not counted.
  await conversation(wallTime(timeZone, year, mon - 1, new Date(Date.UTC(year, mon - 1, 0)).getUTCDate(), 21, 30), 'ticket', 'sms');
  await conversation(plus(monthStart, -300), 'agent_resolved', 'webchat', plus(monthStart, 120));
  await conversation(plus(monthEnd, 600), 'first_level', 'webchat');
  await outboundCall(items[0]?.id ?? 'sin-conversación', plus(monthStart, -7200));

  // Letters and visits registered by the agents (and one imported by nobody in the console).
  for (let i = 0; i < (options.walkIns ?? 10) + 2; i++) {
    const at = i === 0 ? plus(monthStart, -1800) : i === 1 ? plus(monthEnd, -1800) : randomAt();
    const channel = pick(['oficio', 'presencial'] as const);
    const kind = weighted<WrittenTicket['kind']>([['incident', 3], ['request', 3], ['informative', 1]]);
    const agent = i === 2 ? null : pick(agents);
    const person = rnd() < 0.85 ? pick(people) : null;
    const group = kind === 'informative' ? null : pick(GROUPS);
    const row = await ticket(at, { kind, channel, conversationId: null, person, group, actor: agent?.email ?? 'importación' });
    items.push({
      kind: 'walk_in', id: row.id, at, channel, second: kind !== 'informative', first: false, transferred: false, informative: kind === 'informative',
      outOfScope: false, handoff: false, contained: false, abandoned: false, callback: false, group: group ?? NO_GROUP, unit: person?.unitName ?? NO_UNIT,
      agentEmail: agent?.email ?? null, agentName: agent?.name ?? null, requester: person?.name ?? null, service: row.serviceName, tickets: [row.number],
      waitSeconds: null, durationSeconds: null,
    });
  }

  // Calls that are not outbound staff calls: a call-back's call and an agent's leg, inside the month.
  const other = randomAt();
  await repos.calls.start({ callSid: uid('CACB'), direction: 'outbound', purpose: 'callback', toNumber: '+525512345678', status: 'completed', answeredAt: other }, other);
  await repos.calls.start({ callSid: uid('CAAG'), direction: 'outbound', purpose: 'agent', toNumber: 'sip:101@pbx', status: 'completed', answeredAt: other }, other);

  return new GeneratedMonth(options.month, timeZone, monthStart, monthEnd, items, handoffs, written, outboundCalls, agents);
}
