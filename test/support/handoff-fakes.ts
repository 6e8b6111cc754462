import { ActivityTypes, type Activity } from 'botbuilder';
import { normalizeUtterance } from '../../dialogs/interruptible.dialog';
import type { Desk, DeskTicket, KnownPerson, PersonIdentity, PersonSlots, TicketRequest } from '../../services/attention/desk';
import type { CatalogFile } from '../../services/catalog/catalog-format';
import {
  HANDOFF_EVENT_PREFIX,
  type CallbackRequest,
  type HandoffOutcome,
  type HandoffPort,
  type HandoffRequest,
  type HandoffSignal,
  type PersonMessageResult,
  type QueueState,
} from '../../services/handoff/handoff-types';
import type { RouteDecision } from '../../services/nlu/router';

/**
 * The handoff service as the bot sees it, in memory: `request` answers with {@link outcome} (and, when queued,
 * puts the conversation in the queue); `personMessage` answers from the conversation's state («cancelar» while
 * queued leaves the queue). Tests move a conversation along with {@link accept}, {@link release}.
 */
export class FakeHandoffPort implements HandoffPort {
  external = false;
  outcome: HandoffOutcome = { kind: 'queued', handoffId: 'h-1', position: 2, estimatedWaitSeconds: 180, alreadyOpen: false };
  readonly requests: HandoffRequest[] = [];
  readonly messages: Array<{ conversationId: string; text: string | undefined }> = [];
  readonly typing: string[] = [];
  readonly statuses: Array<{ conversationId: string; state: string; message: string | undefined }> = [];
  readonly callbacks: CallbackRequest[] = [];
  readonly cancels: Array<{ conversationId: string; reason: string }> = [];
  private readonly states = new Map<string, PersonMessageResult>();

  async request(request: HandoffRequest): Promise<HandoffOutcome> {
    this.requests.push(request);
    if (this.outcome.kind === 'queued') {
      this.states.set(request.conversationId, { state: 'queued', position: this.outcome.position, estimatedWaitSeconds: this.outcome.estimatedWaitSeconds });
    }
    return this.outcome;
  }

  async personMessage(conversationId: string, text: string | undefined): Promise<PersonMessageResult> {
    this.messages.push({ conversationId, text });
    const state = this.states.get(conversationId) ?? { state: 'none' };
    if (state.state === 'queued' && normalizeUtterance(text) === 'cancelar') {
      this.states.delete(conversationId);
      return { state: 'left_queue' };
    }
    return state;
  }

  async personTyping(conversationId: string): Promise<void> {
    this.typing.push(conversationId);
  }

  async queueState(conversationId: string): Promise<QueueState> {
    const state = this.states.get(conversationId);
    if (!state || (state.state !== 'queued' && state.state !== 'with_agent')) return { state: 'none' };
    const queued = state.state === 'queued';
    return {
      state: state.state,
      handoffId: 'h-1',
      resolverGroup: 'Mesa de ayuda',
      position: queued ? state.position : 1,
      estimatedWaitSeconds: queued ? state.estimatedWaitSeconds : 0,
      waitedSeconds: 0,
      agentUserId: null,
      agentName: null,
    };
  }

  async cancel(conversationId: string, reason: string): Promise<boolean> {
    this.cancels.push({ conversationId, reason });
    return this.states.delete(conversationId);
  }

  async externalStatus(conversationId: string, state: 'accepted' | 'failed' | 'completed', message?: string): Promise<void> {
    this.statuses.push({ conversationId, state, message });
  }

  async requestCallback(request: CallbackRequest): Promise<string> {
    this.callbacks.push(request);
    return `cb-${this.callbacks.length}`;
  }

  /** An agent took the conversation. */
  accept(conversationId: string): void {
    this.states.set(conversationId, { state: 'with_agent' });
  }

  /** The handoff ended (returned, closed, or nobody could take it). */
  release(conversationId: string): void {
    this.states.delete(conversationId);
  }
}

/** The event activity a PersonChannel runs a turn with for `signal`. */
export function signalActivity(signal: HandoffSignal): Partial<Activity> {
  return { type: ActivityTypes.Event, name: `${HANDOFF_EVENT_PREFIX}${signal.kind}`, value: signal };
}

/**
 * The help desk in memory: routes by pinned texts (anything else is out of scope), keeps people and tickets in maps,
 * numbers tickets CAU-2026-000001, … and returns the same ticket for a repeated idempotency key.
 */
export class FakeDesk implements Desk {
  readonly ticketPrefix = 'CAU';
  readonly timeZone = 'America/Mexico_City';
  readonly pinned = new Map<string, RouteDecision>();
  readonly tickets: Array<DeskTicket & { request: TicketRequest; announced: boolean }> = [];
  readonly outcomes: Array<Parameters<Desk['recordOutcome']>[0]> = [];
  readonly people = new Map<string, KnownPerson>();

  constructor(readonly catalog: CatalogFile) {}

  /** Routes `text` to the service `code` (or out of scope when null). */
  pin(text: string, code: string | null, confidence = 0.9): void {
    const decision = code === null ? 'out_of_scope' : this.catalog.services.find((s) => s.code === code)?.scope === 'informative' ? 'informative' : 'service';
    this.pinned.set(text, { text, decision, code, confidence, alternatives: [] });
  }

  route(text: string): RouteDecision {
    return this.pinned.get(text) ?? { text, decision: 'out_of_scope', code: null, confidence: 0.9, alternatives: [] };
  }

  async findPerson(identity: PersonIdentity): Promise<KnownPerson | null> {
    return this.people.get(`${identity.kind}:${identity.value}`) ?? null;
  }

  async savePerson(identity: PersonIdentity, slots: PersonSlots): Promise<string> {
    const key = `${identity.kind}:${identity.value}`;
    const id = this.people.get(key)?.id ?? `person-${this.people.size + 1}`;
    this.people.set(key, { id, slots: { ...slots } });
    return id;
  }

  async registerTicket(request: TicketRequest): Promise<{ ticket: DeskTicket; created: boolean }> {
    const earlier = this.tickets.find((t) => t.request.idempotencyKey === request.idempotencyKey);
    if (earlier) return { ticket: earlier, created: false };
    const ticket = {
      id: `t-${this.tickets.length + 1}`,
      number: `CAU-2026-${String(this.tickets.length + 1).padStart(6, '0')}`,
      kind: request.kind,
      status: 'registered',
      serviceName: request.serviceName,
      resolverGroup: request.resolverGroup,
      requesterId: request.requesterId,
      conversationId: request.conversationId,
      requester: { ...request.requester },
      updatedAt: new Date('2026-11-23T17:30:00Z'),
      request,
      announced: false,
    };
    this.tickets.push(ticket);
    return { ticket, created: true };
  }

  async markAnnounced(ticketId: string): Promise<void> {
    const ticket = this.tickets.find((t) => t.id === ticketId);
    if (ticket) ticket.announced = true;
  }

  async unannounced(conversationId: string): Promise<DeskTicket[]> {
    return this.tickets.filter((t) => t.conversationId === conversationId && !t.announced);
  }

  async findTicket(number: string): Promise<DeskTicket | null> {
    return this.tickets.find((t) => t.number === number) ?? null;
  }

  async recordOutcome(outcome: Parameters<Desk['recordOutcome']>[0]): Promise<void> {
    this.outcomes.push(outcome);
  }
}
