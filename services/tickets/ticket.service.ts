import type { NewOutboxMessage, TicketEventRow, TicketKind, TicketRepository, TicketRow, TicketStatus, UserRole } from '../../models';
import { TICKET_KINDS, TICKET_STATUSES } from '../../models';
import type { TicketChange, TicketFilter, TicketListCursor, TicketScope } from '../../models/repositories/ticket.repository';
import { DEFAULT_PRIORITY_MATRIX, priorityOf, type Impact, type PriorityMatrix, type Urgency } from './priority';

/** Where a status may go next: registrado → asignado → en proceso → resuelto → cerrado; cancelado from any open one. */
const NEXT: Record<TicketStatus, readonly TicketStatus[]> = {
  registered: ['assigned', 'in_progress', 'resolved', 'cancelled'],
  assigned: ['in_progress', 'resolved', 'cancelled'],
  in_progress: ['resolved', 'cancelled'],
  resolved: ['closed', 'in_progress'],
  closed: [],
  cancelled: [],
};

export const STATUS_LABELS: Record<TicketStatus, string> = {
  registered: 'Registrado',
  assigned: 'Asignado',
  in_progress: 'En proceso',
  resolved: 'Resuelto',
  closed: 'Cerrado',
  cancelled: 'Cancelado',
};

export { TICKET_KINDS, TICKET_STATUSES, type TicketEventRow, type TicketKind, type TicketRow, type TicketStatus };

export class TicketError extends Error {
  constructor(
    readonly code: 'ticket/not_found' | 'ticket/invalid_transition' | 'ticket/invalid_input' | 'ticket/forbidden',
    message: string,
  ) {
    super(message);
  }
}

export interface Requester {
  name?: string;
  email?: string;
  phone?: string;
  role?: string;
  unit?: string;
  extension?: string;
}

export interface TicketInput {
  kind: TicketKind;
  serviceCode: string | null;
  serviceName: string | null;
  resolverGroup: string | null;
  requester: Requester;
  channel: string;
  conversationId?: string | null;
  description: string;
  diagnostics?: { id: string; question: string; answer: string }[];
  urgency: Urgency;
  impact: Impact;
  catalogVersion?: number | null;
  /** The inbound activity or provider message id that asked for it: a retry returns the same ticket. */
  idempotencyKey?: string | null;
  /** The requester record, when the person is known. */
  requesterId?: string | null;
}

export interface TicketSettings {
  prefix: string;
  timeZone: string;
  matrix: PriorityMatrix;
}

/** Year of `date` on the desk's calendar (a ticket opened at 23:30 on 31 December in Mexico City is of that year). */
function yearIn(date: Date, timeZone: string): number {
  return Number(new Intl.DateTimeFormat('en-US', { timeZone, year: 'numeric' }).format(date));
}

/** Tickets and informative records: numbering, priority from urgency × impact, status lifecycle with history. */
export class TicketService {
  private readonly settings: TicketSettings;

  constructor(
    private readonly repo: TicketRepository,
    private readonly clock: { now(): Date },
    settings: Partial<TicketSettings> = {},
  ) {
    if (!repo) throw new Error('TicketService: repository is required');
    this.settings = { prefix: 'CAU', timeZone: 'America/Mexico_City', matrix: DEFAULT_PRIORITY_MATRIX, ...settings };
    if (!/^[A-Z][A-Z0-9]{0,9}$/.test(this.settings.prefix)) throw new Error(`TicketService: invalid ticket prefix "${this.settings.prefix}"`);
  }

  /** Registers a ticket (or returns the one its idempotency key already made). */
  async register(
    input: TicketInput,
    actor: string,
    notify: (ticket: TicketRow) => readonly NewOutboxMessage[] = () => [],
  ): Promise<{ ticket: TicketRow; created: boolean }> {
    const description = input.description.trim();
    if (description === '') throw new TicketError('ticket/invalid_input', 'La descripción del ticket no puede estar vacía.');
    const now = this.clock.now();
    return this.repo.create(
      {
        kind: input.kind,
        serviceCode: input.serviceCode,
        serviceName: input.serviceName,
        resolverGroup: input.resolverGroup,
        requester: { ...input.requester },
        channel: input.channel,
        conversationId: input.conversationId ?? null,
        description,
        diagnostics: input.diagnostics ?? [],
        urgency: input.urgency,
        impact: input.impact,
        priority: priorityOf(this.settings.matrix, input.urgency, input.impact),
        catalogVersion: input.catalogVersion ?? null,
        idempotencyKey: input.idempotencyKey ?? null,
        requesterId: input.requesterId ?? null,
      },
      { prefix: this.settings.prefix, year: yearIn(now, this.settings.timeZone) },
      actor,
      now,
      notify,
    );
  }

  /** Moves a ticket along its lifecycle; refuses a change the lifecycle does not allow. */
  async changeStatus(number: string, to: TicketStatus, actor: string, note: string | null = null): Promise<TicketRow> {
    const row = await this.repo.transition(
      number,
      to,
      (from) => {
        if (!NEXT[from].includes(to)) {
          throw new TicketError('ticket/invalid_transition', `Un ticket ${STATUS_LABELS[from].toLowerCase()} no puede pasar a ${STATUS_LABELS[to].toLowerCase()}.`);
        }
      },
      { actor, note, at: this.clock.now() },
    );
    if (!row) throw new TicketError('ticket/not_found', `No existe el ticket ${number}.`);
    return row;
  }

  /** Tickets of the conversation whose number the person has not been told yet (a crash cut the reply). */
  async unannounced(conversationId: string): Promise<TicketRow[]> {
    return this.repo.findUnannounced(conversationId);
  }

  /** Records that the person was told the number. */
  async markAnnounced(ticketId: string): Promise<void> {
    await this.repo.markAnnounced(ticketId, this.clock.now());
  }

  /** The ticket with that number, or null (no error: callers decide what to reveal). */
  async find(number: string): Promise<TicketRow | null> {
    return this.repo.findByNumber(number);
  }

  async get(number: string): Promise<{ ticket: TicketRow; history: TicketEventRow[] }> {
    const ticket = await this.repo.findByNumber(number);
    if (!ticket) throw new TicketError('ticket/not_found', `No existe el ticket ${number}.`);
    return { ticket, history: await this.repo.history(ticket.id) };
  }

  /** One page of the console's ticket list, newest first; a resolver sees only their group's tickets. */
  async list(query: TicketQuery, viewer: TicketViewer): Promise<{ tickets: TicketRow[]; nextCursor: string | null }> {
    requirePermission(viewer, 'view');
    const filter: TicketFilter = {
      ...(query.statuses?.length ? { statuses: query.statuses } : {}),
      ...(query.kinds?.length ? { kinds: query.kinds } : {}),
      ...(query.priorities?.length ? { priorities: query.priorities } : {}),
      ...(query.channels?.length ? { channels: query.channels } : {}),
      ...(query.group ? { resolverGroup: query.group } : {}),
      ...(query.q?.trim() ? { text: query.q.trim() } : {}),
    };
    if (query.assignee === 'none') filter.assignee = null;
    else if (query.assignee === 'me') filter.assignee = viewer.email;
    else if (query.assignee) filter.assignee = query.assignee;
    if (query.from) filter.from = this.boundary(query.from, 'from');
    if (query.to) filter.to = this.boundary(query.to, 'to');
    const limit = query.limit ?? DEFAULT_PAGE_SIZE;
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE_SIZE) {
      throw new TicketError('ticket/invalid_input', `El límite debe ser un entero entre 1 y ${MAX_PAGE_SIZE}.`);
    }
    const page = await this.repo.list(filter, scopeOf(viewer), { limit, after: query.cursor ? decodeCursor(query.cursor) : undefined });
    return { tickets: page.rows, nextCursor: page.next ? encodeCursor(page.next) : null };
  }

  /** The ticket and its full history, if the viewer may see it (else not found: nothing is revealed). */
  async view(number: string, viewer: TicketViewer): Promise<{ ticket: TicketRow; history: TicketEventRow[] }> {
    requirePermission(viewer, 'view');
    const ticket = await this.repo.findVisible(number, scopeOf(viewer));
    if (!ticket) throw notFound(number);
    return { ticket, history: await this.repo.history(ticket.id) };
  }

  /**
   * changeStatus() on behalf of a console user: resolvers only within their group, agents only to cancel
   * (they register and follow up; the lifecycle belongs to the resolver group and the coordination).
   */
  async changeStatusBy(number: string, to: TicketStatus, viewer: TicketViewer, note: string | null = null): Promise<TicketRow> {
    requirePermission(viewer, 'changeStatus');
    if (viewer.role === 'agent' && to !== 'cancelled') {
      throw new TicketError('ticket/forbidden', 'Los agentes solo pueden cancelar tickets; los demás cambios de estado los hace el grupo resolutor o la coordinación.');
    }
    const result = await this.repo.change(
      number,
      scopeOf(viewer),
      async (current) => {
        if (!NEXT[current.status].includes(to)) {
          throw new TicketError('ticket/invalid_transition', `Un ticket ${STATUS_LABELS[current.status].toLowerCase()} no puede pasar a ${STATUS_LABELS[to].toLowerCase()}.`);
        }
        return { set: { status: to }, event: { fromStatus: current.status, toStatus: to, note } };
      },
      { actor: viewer.email, at: this.clock.now() },
    );
    if (!result) throw notFound(number);
    return result.ticket;
  }

  /** Appends a note (an event without a status change) to the history. */
  async addNote(number: string, note: string, viewer: TicketViewer): Promise<TicketEventRow> {
    requirePermission(viewer, 'note');
    const text = note.trim();
    if (text === '' || text.length > MAX_NOTE_LENGTH) throw new TicketError('ticket/invalid_input', `La nota debe tener entre 1 y ${MAX_NOTE_LENGTH} caracteres.`);
    const result = await this.repo.change(
      number,
      scopeOf(viewer),
      async () => ({ set: {}, event: { fromStatus: null, toStatus: null, note: text } }),
      { actor: viewer.email, at: this.clock.now() },
    );
    if (!result?.event) throw notFound(number);
    return result.event;
  }

  /**
   * Sends a ticket to another resolver group and/or resolver. Changing the group without naming a resolver
   * leaves it unassigned; `assignee: null` unassigns. The resolver must be an active resolver of the ticket's
   * (new) group. Naming a resolver moves a registered ticket to assigned. Returns changed: false (and writes
   * nothing) when group and resolver stay the same.
   */
  async assign(number: string, request: AssignRequest, viewer: TicketViewer): Promise<{ ticket: TicketRow; changed: boolean }> {
    requirePermission(viewer, 'assign');
    const wantedGroup = request.resolverGroup?.trim();
    if (wantedGroup === '' || (wantedGroup === undefined && request.assignee === undefined)) {
      throw new TicketError('ticket/invalid_input', 'Indique el grupo resolutor, el resolutor responsable o ambos.');
    }
    const note = request.note?.trim() || null;
    const result = await this.repo.change(number, scopeOf(viewer), (current, lookups) => decideAssignment(current, { group: wantedGroup, assignee: request.assignee, note }, lookups), {
      actor: viewer.email,
      at: this.clock.now(),
    });
    if (!result) throw notFound(number);
    return { ticket: result.ticket, changed: result.event !== null };
  }

  /** A `from`/`to` bound: a date is a whole day of the desk's calendar (both ends inclusive); a date-time is exact. */
  private boundary(value: string, which: 'from' | 'to'): Date {
    const day = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
    if (day) {
      const [y, m, d] = [Number(day[1]), Number(day[2]), Number(day[3])];
      const check = new Date(Date.UTC(y, m - 1, d));
      if (check.getUTCMonth() !== m - 1 || check.getUTCDate() !== d) throw badDate(which, value);
      return startOfDay(y, m, which === 'to' ? d + 1 : d, this.settings.timeZone);
    }
    const at = ISO_DATETIME.test(value) ? new Date(value) : new Date(NaN);
    if (Number.isNaN(at.getTime())) throw badDate(which, value);
    return at;
  }
}

/** Who may do what with tickets in the console. Routes authorize with these lists; the service checks them again. */
export const TICKET_PERMISSIONS = {
  /** Everyone reads; a resolver only their group's tickets. */
  view: ['agent', 'resolver', 'coordinator', 'admin'],
  /** Resolvers (their group) and coordination move the lifecycle; agents may only cancel. */
  changeStatus: ['agent', 'resolver', 'coordinator', 'admin'],
  /** Everyone follows up with notes; a resolver only on their group's tickets. */
  note: ['agent', 'resolver', 'coordinator', 'admin'],
  /** Dispatch is first level's and coordination's job; resolvers ask them to reassign. */
  assign: ['agent', 'coordinator', 'admin'],
} as const satisfies Record<string, readonly UserRole[]>;

export type TicketAction = keyof typeof TICKET_PERMISSIONS;

/** The console user acting on tickets. */
export interface TicketViewer {
  id: string;
  email: string;
  role: UserRole;
}

/** The console's list query; lists are ORed within a field, fields are ANDed. */
export interface TicketQuery {
  statuses?: TicketStatus[];
  kinds?: TicketKind[];
  priorities?: string[];
  channels?: string[];
  /** Resolver group, exact name. */
  group?: string;
  /** An e-mail, `me` (the viewer) or `none` (unassigned). */
  assignee?: string;
  /** Text searched literally in number, description, requester name and e-mail. */
  q?: string;
  /** `YYYY-MM-DD` (a day of the desk's calendar) or an ISO date-time with offset. */
  from?: string;
  to?: string;
  limit?: number;
  /** The nextCursor of the previous page. */
  cursor?: string;
}

export interface AssignRequest {
  resolverGroup?: string | undefined;
  /** A resolver's e-mail; null unassigns. */
  assignee?: string | null | undefined;
  note?: string | null | undefined;
}

export const MAX_NOTE_LENGTH = 4000;
export const DEFAULT_PAGE_SIZE = 25;
export const MAX_PAGE_SIZE = 100;
const ISO_DATETIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:\d{2})$/;

function requirePermission(viewer: TicketViewer, action: TicketAction): void {
  if (!(TICKET_PERMISSIONS[action] as readonly UserRole[]).includes(viewer.role)) {
    throw new TicketError('ticket/forbidden', 'Su cuenta no tiene permiso para esta operación.');
  }
}

function scopeOf(viewer: TicketViewer): TicketScope {
  return viewer.role === 'resolver' ? { resolverUserId: viewer.id } : 'all';
}

function notFound(number: string): TicketError {
  return new TicketError('ticket/not_found', `No existe el ticket ${number}.`);
}

function badDate(which: 'from' | 'to', value: string): TicketError {
  return new TicketError('ticket/invalid_input', `El parámetro ${which} debe ser una fecha AAAA-MM-DD o una fecha y hora ISO 8601 con zona (recibido: "${value}").`);
}

/** 00:00 of that calendar day in `timeZone` (days past the month's end roll over, as Date.UTC does). */
function startOfDay(year: number, month: number, day: number, timeZone: string): Date {
  const wall = Date.UTC(year, month - 1, day);
  const fmt = new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric' });
  const offsetAt = (t: number): number => {
    const p = Object.fromEntries(fmt.formatToParts(new Date(t)).map((x) => [x.type, Number(x.value)]));
    return Date.UTC(p.year ?? 0, (p.month ?? 1) - 1, p.day ?? 1, p.hour ?? 0, p.minute ?? 0, p.second ?? 0) - t;
  };
  // Two passes settle the offset even when the day starts right after a daylight-saving change.
  const first = wall - offsetAt(wall);
  return new Date(wall - offsetAt(first));
}

function encodeCursor(c: TicketListCursor): string {
  return Buffer.from(JSON.stringify([c.at, c.id])).toString('base64url');
}

function decodeCursor(cursor: string): TicketListCursor {
  const bad = new TicketError('ticket/invalid_input', 'El cursor de paginación no es válido; vuelva a pedir la primera página.');
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw bad;
  }
  if (!Array.isArray(parsed) || parsed.length !== 2) throw bad;
  const [at, id] = parsed as unknown[];
  if (typeof at !== 'string' || !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/.test(at)) throw bad;
  if (typeof id !== 'string' || !/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id)) throw bad;
  return { at, id };
}

/** The change an assignment makes to the locked ticket (null: nothing changes). */
async function decideAssignment(
  current: TicketRow,
  wanted: { group: string | undefined; assignee: string | null | undefined; note: string | null },
  lookups: { activeResolver(email: string): Promise<{ email: string; resolverGroup: string | null } | null> },
): Promise<TicketChange | null> {
  if (current.status === 'closed' || current.status === 'cancelled') {
    throw new TicketError('ticket/invalid_transition', `Un ticket ${STATUS_LABELS[current.status].toLowerCase()} no se puede reasignar.`);
  }
  const group = wanted.group ?? current.resolverGroup;
  const groupChanged = group !== current.resolverGroup;
  // A resolver of the old group does not follow the ticket to another group.
  let assignee = wanted.assignee !== undefined ? wanted.assignee?.trim().toLowerCase() || null : groupChanged ? null : current.assignee;
  if (assignee !== null) {
    if (group === null) throw new TicketError('ticket/invalid_input', 'El ticket no tiene grupo resolutor: indique resolverGroup junto con el responsable.');
    const resolver = await lookups.activeResolver(assignee);
    if (!resolver || resolver.resolverGroup !== group) {
      throw new TicketError('ticket/invalid_input', `${assignee} no es un resolutor activo del grupo «${group}».`);
    }
    assignee = resolver.email.toLowerCase();
  }
  if (!groupChanged && assignee === current.assignee) return null;
  const toStatus: TicketStatus | null = assignee !== null && current.status === 'registered' ? 'assigned' : null;
  const parts: string[] = [];
  if (groupChanged) parts.push(`Grupo resolutor: ${current.resolverGroup ? `«${current.resolverGroup}»` : 'sin grupo'} → «${group}».`);
  if (assignee !== current.assignee) parts.push(`Responsable: ${current.assignee ?? 'sin asignar'} → ${assignee ?? 'sin asignar'}.`);
  if (wanted.note) parts.push(`Nota: ${wanted.note}`);
  return {
    set: { resolverGroup: group, assignee, ...(toStatus ? { status: toStatus } : {}) },
    event: { fromStatus: toStatus ? current.status : null, toStatus, note: parts.join(' ') },
  };
}
