import type { AttentionRepository, NewOutboxMessage, RequesterRepository, RequesterRow, TicketRow } from '../../models';
import type { CatalogFile } from '../catalog/catalog-format';
import type { RouteDecision } from '../nlu/router';
import type { TicketService } from '../tickets/ticket.service';
import type { AttentionOutcome, Desk, DeskTicket, KnownPerson, PersonIdentity, PersonSlots, TicketRequest } from './desk';

/** The published catalog and a decision for a text (the catalog router). */
export interface CatalogLookup {
  readonly catalog: CatalogFile | null;
  readonly version: number | null;
  route(text: string): RouteDecision;
}

export interface AttentionDeskDeps {
  lookup: CatalogLookup;
  tickets: TicketService;
  requesters: RequesterRepository;
  attentions: AttentionRepository;
  clock: { now(): Date };
  ticketPrefix: string;
  timeZone: string;
  /** Outbox messages (mail to the requester and the group, webhooks) for a new ticket. */
  notifications?: (ticket: TicketRow) => readonly NewOutboxMessage[];
  /** Called after a ticket was created (wakes the outbox worker). */
  onRegistered?: (ticket: TicketRow) => void;
  /** Called for each outcome recorded the first time (metrics). */
  onOutcome?: (outcome: AttentionOutcome) => void;
}

function toTicket(row: TicketRow): DeskTicket {
  return {
    id: row.id,
    number: row.number,
    kind: row.kind,
    status: row.status,
    serviceName: row.serviceName,
    resolverGroup: row.resolverGroup,
    requesterId: row.requesterId,
    conversationId: row.conversationId,
    requester: row.requester,
    updatedAt: row.updatedAt,
  };
}

/** What is stored of a person. */
const PERSON_KEYS = ['name', 'unitCode', 'unitName', 'role', 'extension', 'email', 'phone'] as const;

function toPerson(row: RequesterRow): KnownPerson {
  const slots: PersonSlots = {};
  for (const key of PERSON_KEYS) {
    if (row[key] !== null) slots[key] = row[key];
  }
  return { id: row.id, slots };
}

/** The help desk as the attention dialogs see it: catalog, people, tickets and outcomes. */
export class AttentionDesk implements Desk {
  readonly ticketPrefix: string;
  readonly timeZone: string;

  constructor(private readonly deps: AttentionDeskDeps) {
    for (const name of ['lookup', 'tickets', 'requesters', 'attentions', 'clock'] as const) {
      if (!deps?.[name]) throw new Error(`AttentionDesk: ${name} is required`);
    }
    this.ticketPrefix = deps.ticketPrefix;
    this.timeZone = deps.timeZone;
  }

  get catalog(): CatalogFile | null {
    return this.deps.lookup.catalog;
  }

  route(text: string): RouteDecision {
    return this.deps.lookup.route(text);
  }

  async findPerson(identity: PersonIdentity): Promise<KnownPerson | null> {
    const row = await this.deps.requesters.findByIdentity(identity);
    return row ? toPerson(row) : null;
  }

  async savePerson(identity: PersonIdentity, slots: PersonSlots): Promise<string> {
    const fields: Record<string, string | null> = {};
    for (const key of PERSON_KEYS) {
      if (slots[key] !== undefined) fields[key] = slots[key] ?? null;
    }
    const row = await this.deps.requesters.save({ kind: identity.kind, value: identity.value }, fields, identity.verified ?? false, this.deps.clock.now());
    return row.id;
  }

  async registerTicket(request: TicketRequest): Promise<{ ticket: DeskTicket; created: boolean }> {
    const r = request.requester;
    const { ticket, created } = await this.deps.tickets.register(
      {
        kind: request.kind,
        serviceCode: request.serviceCode,
        serviceName: request.serviceName,
        resolverGroup: request.resolverGroup,
        requesterId: request.requesterId,
        requester: {
          ...(r.name ? { name: r.name } : {}),
          ...(r.email ? { email: r.email } : {}),
          ...(r.phone ? { phone: r.phone } : {}),
          ...(r.role ? { role: r.role } : {}),
          ...(r.unitName ? { unit: r.unitName } : {}),
          ...(r.unitCode ? { unitCode: r.unitCode } : {}),
          ...(r.extension ? { extension: r.extension } : {}),
        },
        channel: request.channel,
        conversationId: request.conversationId,
        description: request.description,
        diagnostics: request.diagnostics,
        urgency: request.urgency,
        impact: request.impact,
        catalogVersion: this.deps.lookup.version,
        idempotencyKey: request.idempotencyKey,
      },
      'bot',
      this.deps.notifications,
    );
    await this.recordOutcome({
      conversationId: request.conversationId,
      channel: request.channel,
      outcome: request.kind === 'informative' ? 'informative' : 'ticket',
      requesterId: request.requesterId,
      unitCode: r.unitCode ?? null,
      serviceCode: request.serviceCode,
      ticketId: ticket.id,
      description: request.description,
      idempotencyKey: `ticket:${ticket.id}`,
    });
    if (created) this.deps.onRegistered?.(ticket);
    return { ticket: toTicket(ticket), created };
  }

  async markAnnounced(ticketId: string): Promise<void> {
    await this.deps.tickets.markAnnounced(ticketId);
  }

  async unannounced(conversationId: string): Promise<DeskTicket[]> {
    return (await this.deps.tickets.unannounced(conversationId)).map(toTicket);
  }

  async findTicket(number: string): Promise<DeskTicket | null> {
    const row = await this.deps.tickets.find(number);
    return row ? toTicket(row) : null;
  }

  async recordOutcome(outcome: Parameters<Desk['recordOutcome']>[0]): Promise<void> {
    const { created } = await this.deps.attentions.record(outcome, this.deps.clock.now());
    if (created) this.deps.onOutcome?.(outcome.outcome);
  }
}
