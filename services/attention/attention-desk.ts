import type { AttentionRepository, NewOutboxMessage, RequesterRepository, RequesterRow, TicketRow } from '../../models';
import type { CatalogFile } from '../catalog/catalog-format';
import type { RouteDecision } from '../nlu/router';
import type { IdentityLinkService } from '../requesters/identity-link.service';
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
  /** Links channel identities to requesters on proof (codes); absent = no linking. */
  links?: Pick<IdentityLinkService, 'start' | 'confirm'>;
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

/** The requester adding to their own ticket (a system actor with the right to write notes). */
const REQUESTER_VIEWER = { id: 'requester', email: 'solicitante', role: 'admin' as const };

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
    // A coordinator may have merged the person's record meanwhile: the ticket goes to the surviving one.
    const requesterId = request.requesterId ? ((await this.deps.requesters.resolve(request.requesterId))?.id ?? null) : null;
    const { ticket, created } = await this.deps.tickets.register(
      {
        kind: request.kind,
        serviceCode: request.serviceCode,
        serviceName: request.serviceName,
        resolverGroup: request.resolverGroup,
        requesterId,
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
      requesterId,
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

  async survivorOf(id: string): Promise<string | null> {
    return (await this.deps.requesters.resolve(id))?.id ?? null;
  }

  canLink(): boolean {
    return Boolean(this.deps.links);
  }

  async startLink(identity: PersonIdentity, requesterId: string, target: { kind: 'email' | 'phone'; value: string }): Promise<boolean> {
    return this.deps.links ? this.deps.links.start({ kind: identity.kind, value: identity.value }, requesterId, target) : false;
  }

  async confirmLink(identity: PersonIdentity, code: string): Promise<string | null> {
    return this.deps.links ? this.deps.links.confirm({ kind: identity.kind, value: identity.value }, code) : null;
  }

  async addRequesterNote(number: string, text: string): Promise<void> {
    const note = `Mensaje del solicitante: ${text.replace(/\s+/g, ' ').trim()}`.slice(0, 4000);
    await this.deps.tickets.addNote(number, note, REQUESTER_VIEWER);
  }

  async recordOutcome(outcome: Parameters<Desk['recordOutcome']>[0]): Promise<void> {
    const { created } = await this.deps.attentions.record(outcome, this.deps.clock.now());
    if (created) this.deps.onOutcome?.(outcome.outcome);
  }
}
