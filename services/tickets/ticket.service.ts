import type { NewOutboxMessage, TicketEventRow, TicketKind, TicketRepository, TicketRow, TicketStatus } from '../../models';
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

export class TicketError extends Error {
  constructor(
    readonly code: 'ticket/not_found' | 'ticket/invalid_transition' | 'ticket/invalid_input',
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
}
