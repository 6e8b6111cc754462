/**
 * The contract between the live-agent handoff service and its callers: the bot (which asks for an agent and hears
 * back), the agent console (REST routes and the WebSocket) and the channel adapters (which speak to the person).
 * No botbuilder here: the bot side implements {@link PersonChannel}.
 */
import type { HandoffReason } from './triggers';

/** Agent presence as the console shows it: disponible / ocupado / ausente (offline = not connected). */
export type PresenceStatus = 'available' | 'busy' | 'away' | 'offline';

/** Console user roles that may take part in handoffs. */
export type AgentRole = 'agent' | 'resolver' | 'coordinator' | 'admin';

/** The signed-in console user acting on a handoff. */
export interface AgentActor {
  userId: string;
  role: AgentRole;
  displayName: string;
}

/** What the bot collected before handing over; shown to the agent beside the transcript. */
export interface HandoffContext {
  /** The person's request in their words. */
  request?: string | undefined;
  /** Identification slots (unit, role, extension, name, email, phone) as the attention script knows them. */
  person?: Record<string, string | boolean | null | undefined> | undefined;
  requesterId?: string | null | undefined;
  /** The router's decision for the request. */
  route?: { decision: string; code: string | null; name?: string | null; confidence: number } | undefined;
  /** Diagnostic questions asked and their answers. */
  diagnostics?: Array<{ question: string; answer: string }> | undefined;
  urgency?: string | undefined;
  /** What was done so far in the conversation («registramos su reporte CAU-2026-000123»). */
  summaries?: string[] | undefined;
  /** Trigger cues (words that fired), for the agent. */
  cues?: string[] | undefined;
}

/** The bot asks for an agent. */
export interface HandoffRequest {
  conversationId: string;
  /** Channel id of the conversation (`webchat`, `voice`, `email`, …). */
  channel: string;
  reason: HandoffReason;
  /** Resolver group (queue); absent = the general queue (`HANDOFF_DEFAULT_GROUP`). */
  resolverGroup?: string | null | undefined;
  /** Higher first; 0 normal. Critical urgency and distress raise it. */
  priority?: number | undefined;
  context: HandoffContext;
}

/** What happened to a handoff request. */
export type HandoffOutcome =
  | {
      kind: 'queued';
      handoffId: string;
      /** 1-based place in the queue. */
      position: number;
      estimatedWaitSeconds: number;
      /** The conversation already had an open handoff (nothing new was queued). */
      alreadyOpen: boolean;
    }
  | {
      kind: 'unavailable';
      /** `closed`: outside business hours or a holiday; `no_agents`: nobody of the group is online. */
      why: 'closed' | 'no_agents';
      /** Spanish: when the desk opens next («mañana lunes a las 9:00»), when closed. */
      nextOpening?: string | undefined;
    }
  | {
      /** Deployment with an external agent hub (Bot Framework handoff protocol): `handoff.initiate` was sent. */
      kind: 'external';
      handoffId: string;
    };

/** What a person's message means while the conversation has a handoff. */
export type PersonMessageResult =
  /** No open handoff: the bot goes on as usual. */
  | { state: 'none' }
  /** Waiting in the queue (or offered to an agent who has not accepted yet); the message stays in the transcript. */
  | { state: 'queued'; position: number; estimatedWaitSeconds: number }
  /** With an agent: the message reaches them through the transcript; the bot says nothing. */
  | { state: 'with_agent' }
  /** The person wrote «cancelar» while queued: they left the queue; the bot resumes. */
  | { state: 'left_queue' };

/**
 * Why the bot gets the conversation back, sent to the bot as an event activity named `handoff.<kind>`
 * (see {@link HANDOFF_EVENT_PREFIX}).
 */
export type HandoffSignal =
  /** The agent accepted: the person is told who attends them. */
  | { kind: 'accepted'; agentName: string }
  /** The agent returned the conversation to the bot: «¿Hay algo más…?». */
  | { kind: 'returned'; agentName: string; ticketNumber?: string | undefined }
  /** The agent closed the conversation (after the farewell). */
  | { kind: 'closed'; agentName: string; ticketNumber?: string | undefined }
  /** Nobody could take it (maximum wait, desk closed meanwhile, every agent gone): offer a ticket or a callback. */
  | { kind: 'unavailable'; why: 'max_wait' | 'closed' | 'no_agents'; nextOpening?: string | undefined }
  /** External hub: `handoff.status` failed, or no status arrived in time. */
  | { kind: 'failed'; message?: string | undefined };

/** Where a conversation stands in the handoff, for the phone adapter's hold announcements. */
export type QueueState =
  | { state: 'none' }
  | {
      state: 'queued' | 'offered' | 'with_agent';
      handoffId: string;
      resolverGroup: string;
      /** 1-based place in the group's queue (1 while offered or attended). */
      position: number;
      estimatedWaitSeconds: number;
      /** Seconds since the current wait began (queued, transferred or requeued). */
      waitedSeconds: number;
      /** The agent it is offered to or attended by. */
      agentUserId: string | null;
      agentName: string | null;
    };

/** Name prefix of the event activities the bot receives for a {@link HandoffSignal}: `handoff.returned`, … */
export const HANDOFF_EVENT_PREFIX = 'ventanilla.handoff.';

/** One message to the person, spoken by an agent (their display name only, never an id) or the system. */
export interface PersonMessage {
  text: string;
  /** Display name shown to the person; absent = the bot's name. */
  speakerName?: string | undefined;
  /** Sent automatically (hold messages, position updates), not typed by the agent. */
  automatic?: boolean | undefined;
  /** Client id of the agent's message (idempotency: a retried send is recorded once). */
  clientId?: string | undefined;
}

/**
 * How the handoff service reaches the person, implemented by the bot layer for each channel. Every method must work
 * from any instance: it records in the transcript (PostgreSQL), and the instance holding the person's connection
 * delivers it.
 */
export interface PersonChannel {
  /** Sends messages to the person, in order. Returns the transcript seq of the last one. */
  say(conversationId: string, channel: string, messages: PersonMessage[]): Promise<void>;
  /** Runs a bot turn for the conversation with the signal as an event activity. */
  signal(conversationId: string, channel: string, signal: HandoffSignal): Promise<void>;
  /** Shows «<name> está escribiendo…» to the person (not recorded). */
  typing(conversationId: string, channel: string, speakerName: string): Promise<void>;
}

/** A queued or attended conversation as the console lists it. */
export interface HandoffView {
  id: string;
  conversationId: string;
  channel: string;
  resolverGroup: string;
  reason: HandoffReason | string;
  priority: number;
  status: 'queued' | 'offered' | 'assigned' | 'closed' | 'cancelled';
  queuedAt: string;
  /** Seconds since it was queued (for the queue) or since it was accepted. */
  waitSeconds: number;
  position: number | null;
  agent: { userId: string; displayName: string } | null;
  acceptedAt: string | null;
  /** Name of the person, when the bot learned it. */
  personName: string | null;
  /** First words of the request. */
  preview: string | null;
  transferNote: string | null;
  ticketNumber: string | null;
  requeues: number;
}

/** Everything one agent's console shows, re-sent whole on (re)connect and after changes. */
export interface AgentSnapshot {
  me: {
    userId: string;
    displayName: string;
    role: AgentRole;
    status: PresenceStatus;
    groups: string[];
    capacity: number;
    /**
     * Where the agent's accepted phone calls ring (E.164 number or `sip:` URI); null = they cannot take calls (the
     * console warns). Read with the rest of the board, so it may lag a second behind a change.
     */
    voiceRoute: string | null;
  };
  /**
   * Queued conversations of the groups the agent may see (all groups for coordinator/admin, who also see the ones
   * offered and not yet accepted), first {@link queueTotal} at most 100.
   */
  queue: HandoffView[];
  /** How many are waiting in all (the list may be cut). */
  queueTotal: number;
  /** Conversations offered to or attended by this agent. */
  mine: HandoffView[];
  /** Coordinators/admins: every assigned conversation. Others: empty. */
  others: HandoffView[];
  /** Groups the agent can transfer to, and agents online per group (for transfer to an agent). */
  groups: Array<{ name: string; agents: Array<{ userId: string; displayName: string; status: PresenceStatus }> }>;
  /** Protocol quick phrases, with the agent's name filled in. */
  phrases: Array<{ key: 'greeting' | 'hold' | 'farewell' | 'anythingElse'; label: string; text: string }>;
}

/** One transcript line as the console shows it (a Direct Line activity, reduced). */
export interface TranscriptLine {
  seq: number;
  at: string;
  /** `person`, `bot`, `agent` (a console reply) or `system` (automatic hold/position messages). */
  from: 'person' | 'bot' | 'agent' | 'system';
  name: string | null;
  text: string;
  /** Files the person attached (e-mail), linked to the console's download route; absent when none. */
  attachments?: Array<{ name: string; contentType: string; contentUrl: string }>;
}

/** The full detail of one conversation for the agent. */
export interface HandoffDetail {
  handoff: HandoffView;
  context: HandoffContext;
  transcript: TranscriptLine[];
  /** Seq of the last transcript line (the watermark the socket continues from). */
  watermark: number;
  /** Prior tickets of the person (newest first, at most 10). */
  priorTickets: Array<{ number: string; status: string; serviceName: string | null; createdAt: string }>;
}

/** Events between instances (PostgreSQL NOTIFY on `ventanilla_handoff`) and down to consoles. */
export type HandoffEvent =
  /** A handoff changed (queued, offered, accepted, transferred, closed, cancelled, requeued). */
  | { type: 'handoff'; handoffId: string; conversationId: string; group: string; agentUserId: string | null; status: string; change: string }
  /** Presence of an agent changed. */
  | { type: 'presence'; userId: string; status: PresenceStatus }
  /** Someone is typing: the person (to the agent) — agent typing goes to the person through PersonChannel. */
  | { type: 'typing'; conversationId: string; who: 'person' };

/** Service errors carry an HTTP status and a Spanish message for the console. */
export class HandoffError extends Error {
  constructor(
    readonly status: 400 | 403 | 404 | 409,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'HandoffError';
  }
}

/** A request to be called back (desk closed, no agent, or the wait was too long). Placed by the IVR issue's scheduler. */
export interface CallbackRequest {
  conversationId: string;
  channel: string;
  requesterId?: string | null | undefined;
  name?: string | null | undefined;
  /** Phone number to call, digits as given (10 digits in Mexico). */
  phone: string;
  /** When the person asked to be called, in their words («mañana a las diez»). */
  preferredTime?: string | null | undefined;
  resolverGroup?: string | null | undefined;
  reason: string;
  /**
   * `handoff` (an agent of the group calls) — the default —, `transfer` (we call and connect them with an entry),
   * `outbound` (internal staff asked for a call to `phone`; the entry is the staff member, connected when it answers).
   */
  kind?: 'handoff' | 'transfer' | 'outbound' | undefined;
  /** Who asked for an outbound call, for the log («ext. 42500 María Pérez»). */
  requestedBy?: string | undefined;
  /** For `transfer`: the directory entry to connect them with. */
  directoryEntryId?: string | null | undefined;
  /** When to call, parsed from `preferredTime`; absent = as soon as the desk is open. */
  scheduledAt?: Date | null | undefined;
}

/** What the bot (dialogs and the turn gate) needs from the handoff service. */
export interface HandoffPort {
  /** Queues the conversation for an agent (or reports why nobody can take it now). */
  request(request: HandoffRequest): Promise<HandoffOutcome>;
  /** Called for every message of the person before the dialogs run (the message is already in the transcript). */
  personMessage(conversationId: string, text: string | undefined): Promise<PersonMessageResult>;
  /** The person is typing (shown to the agent). */
  personTyping(conversationId: string): Promise<void>;
  /** The person (or the bot on their behalf) leaves the queue or ends the external handoff. */
  cancel(conversationId: string, reason: string): Promise<boolean>;
  /** External hub (Bot Framework handoff protocol): a `handoff.status` event arrived for the conversation. */
  externalStatus(conversationId: string, state: 'accepted' | 'failed' | 'completed', message?: string): Promise<void>;
  /** Stores a callback request durably; returns its id. */
  requestCallback(request: CallbackRequest): Promise<string>;
  /** Where the conversation stands in the handoff (the phone adapter puts a queued call on hold with it). */
  queueState(conversationId: string): Promise<QueueState>;
  /** True when the deployment hands over to an external hub (`HANDOFF_MODE=external`). */
  readonly external: boolean;
}
