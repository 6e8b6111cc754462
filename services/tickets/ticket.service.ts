import type { NewOutboxMessage, TicketEventRow, TicketKind, TicketRepository, TicketRow, TicketStatus } from '../../models';
import type { TicketFilter } from '../../models/repositories/ticket.repository';
import { DEFAULT_PRIORITY_MATRIX, priorityOf, type Impact, type PriorityMatrix, type Urgency } from './priority';
import {
  badDate,
  decideAssignment,
  decodeCursor,
  DEFAULT_PAGE_SIZE,
  encodeCursor,
  ISO_DATETIME,
  MAX_NOTE_LENGTH,
  MAX_PAGE_SIZE,
  notFound,
  requirePermission,
  scopeOf,
  startOfDay,
  STATUS_LABELS,
  TicketError,
  type AssignRequest,
  type TicketQuery,
  type TicketViewer,
} from './ticket-rules';

export { TICKET_KINDS, TICKET_STATUSES, type TicketEventRow, type TicketKind, type TicketRow, type TicketStatus } from '../../models';
export {
  DEFAULT_PAGE_SIZE,
  MAX_NOTE_LENGTH,
  MAX_PAGE_SIZE,
  STATUS_LABELS,
  TICKET_PERMISSIONS,
  TicketError,
  type AssignRequest,
  type TicketAction,
  type TicketQuery,
  type TicketViewer,
} from './ticket-rules';

/** Where a status may go next: registrado → asignado → en proceso → resuelto → cerrado; cancelado from any open one. */
const NEXT: Record<TicketStatus, readonly TicketStatus[]> = {
  registered: ['assigned', 'in_progress', 'resolved', 'cancelled'],
  assigned: ['in_progress', 'resolved', 'cancelled'],
  in_progress: ['resolved', 'cancelled'],
  resolved: ['closed', 'in_progress'],
  closed: [],
  cancelled: [],
};

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
  /** The requester's most recent tickets, newest first (for the agent who attends them). */
  async ofRequester(requesterId: string, limit = 10): Promise<TicketRow[]> {
    return this.repo.ofRequester(requesterId, Math.min(Math.max(limit, 1), 50));
  }

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
