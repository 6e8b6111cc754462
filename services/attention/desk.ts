import type { CatalogFile } from '../catalog/catalog-format';
import type { RouteDecision } from '../nlu/router';

/** A channel identity of the person: (`webchat`, user id), (`voice`, caller number), (`email`, sender)… */
export interface PersonIdentity {
  kind: string;
  value: string;
  /** The channel proves it (a server-assigned chat user, an authenticated portal user), rather than the sender claiming it. */
  verified?: boolean;
}

/** What the attention script knows about the person; absent = unknown. */
export interface PersonSlots {
  unitCode?: string | null;
  unitName?: string | null;
  role?: string | null;
  extension?: string | null;
  /** The person said they have no extension. */
  noExtension?: boolean;
  name?: string | null;
  email?: string | null;
  phone?: string | null;
}

/** A known person, as stored. */
export interface KnownPerson {
  id: string;
  slots: PersonSlots;
}

/**
 * How one request ended: resolved at first level, a ticket, an informative record, referred elsewhere, a status
 * lookup, or the switchboard's: contact data given (`directory`), put through to an extension (`transferred`), a
 * call back booked (`callback`).
 */
export type AttentionOutcome = 'first_level' | 'ticket' | 'informative' | 'out_of_scope' | 'status_lookup' | 'directory' | 'transferred' | 'callback';

/** A ticket as the dialogs see it. */
export interface DeskTicket {
  id: string;
  number: string;
  kind: 'incident' | 'request' | 'informative';
  status: string;
  serviceName: string | null;
  resolverGroup: string | null;
  requesterId: string | null;
  conversationId: string | null;
  requester: Record<string, unknown>;
  updatedAt: Date;
}

/** What the dialogs register. */
export interface TicketRequest {
  kind: 'incident' | 'request' | 'informative';
  serviceCode: string | null;
  serviceName: string | null;
  resolverGroup: string | null;
  requesterId: string | null;
  requester: PersonSlots;
  channel: string;
  conversationId: string;
  description: string;
  diagnostics: { id: string; question: string; answer: string }[];
  urgency: 'critical' | 'high' | 'medium' | 'low';
  impact: 'extensive' | 'significant' | 'moderate' | 'minor';
  idempotencyKey: string;
}

/**
 * Everything the attention dialogs need from the help desk's services: the published catalog and its router,
 * people, tickets and outcomes. Implemented by {@link AttentionDesk}.
 */
export interface Desk {
  /** The published catalog, or null before the first one is loaded. */
  readonly catalog: CatalogFile | null;
  route(text: string): RouteDecision;
  readonly ticketPrefix: string;
  readonly timeZone: string;
  findPerson(identity: PersonIdentity): Promise<KnownPerson | null>;
  /** Stores what is known about the person behind `identity`; returns the requester id. */
  savePerson(identity: PersonIdentity, slots: PersonSlots): Promise<string>;
  /** Registers (or, for a key already used, returns) a ticket, with its notifications and its outcome record. */
  registerTicket(request: TicketRequest): Promise<{ ticket: DeskTicket; created: boolean }>;
  /** The person was told the number. */
  markAnnounced(ticketId: string): Promise<void>;
  /** Tickets of the conversation whose number the person was not told (a crash cut the reply). */
  unannounced(conversationId: string): Promise<DeskTicket[]>;
  findTicket(number: string): Promise<DeskTicket | null>;
  /**
   * Sends a code to the requester's e-mail or phone on file so that `identity` (a Messenger PSID, an X id…) can prove
   * it is them; false when no code can go that way. Absent = the deployment cannot link identities.
   */
  /** The surviving requester of `id` (a coordinator may have merged it), or null when unknown. */
  survivorOf?(id: string): Promise<string | null>;
  /** True when codes can be sent (and identities linked) in this deployment. */
  canLink?(): boolean;
  startLink?(identity: PersonIdentity, requesterId: string, target: { kind: 'email' | 'phone'; value: string }): Promise<boolean>;
  /** Checks the typed code; on success links `identity` to the requester and returns the requester's id. */
  confirmLink?(identity: PersonIdentity, code: string): Promise<string | null>;
  /** Adds what the requester wrote later (an e-mail in the ticket's thread) to the ticket's history. */
  addRequesterNote?(number: string, text: string): Promise<void>;
  recordOutcome(outcome: {
    conversationId: string;
    channel: string;
    outcome: AttentionOutcome;
    requesterId: string | null;
    unitCode: string | null;
    serviceCode: string | null;
    ticketId: string | null;
    description: string | null;
    idempotencyKey: string;
  }): Promise<void>;
}
