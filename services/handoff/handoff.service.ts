/**
 * Live-agent handoff: queues per resolver group, routing to the longest-idle available agent, hold and position
 * messages while the person waits, the agent's console operations, and the events that keep every instance's
 * consoles and chat streams current (PostgreSQL NOTIFY). All state is in PostgreSQL, so any instance can serve any
 * step; the periodic work ({@link HandoffService.tick}) claims each row it acts on, so several instances running it
 * never send a hold message twice or give a conversation to two agents.
 */
import { createHash } from 'node:crypto';
import { ACTIVITY_CHANNEL } from '../../models/repositories/conversation.repository';
import type { AgentRow, HandoffRepository, HandoffRow } from '../../models/repositories/handoff.repository';
import type { ConversationService, RecordedActivity } from '../conversations/conversation.service';
import type { TicketService } from '../tickets/ticket.service';
import type { BusinessHours } from './business-hours';
import {
  type AgentActor,
  type AgentSnapshot,
  type CallbackRequest,
  type HandoffContext,
  type HandoffDetail,
  HandoffError,
  type HandoffEvent,
  type HandoffOutcome,
  type HandoffPort,
  type HandoffRequest,
  type HandoffSignal,
  type HandoffView,
  type PersonChannel,
  type PersonMessageResult,
  type PresenceStatus,
  type QueueState,
  type TranscriptLine,
} from './handoff-types';
import { HANDOFF_TEXTS } from './handoff-texts';

export const HANDOFF_CHANNEL = 'ventanilla_handoff';

export interface HandoffSettings {
  /** The general queue: requests without a group, and groups no agent attends. */
  defaultGroup: string;
  /** Hold message interval while waiting (protocol: every 20–30 s). */
  holdSeconds: number;
  /** Hold message when the person waits for an answer and the agent has not written for this long. */
  agentSilentSeconds: number;
  /** After this long in the queue, the person is offered a ticket or a callback. */
  maxWaitSeconds: number;
  /** An offer not accepted in this time goes back to the queue and the agent is set away. */
  offerSeconds: number;
  /** An agent without a heartbeat for this long has vanished: their conversations go back to the front. */
  heartbeatStaleSeconds: number;
  /** Conversations an agent attends at once unless their presence says otherwise. */
  capacity: number;
  /** Hand over to an external hub (Bot Framework handoff protocol) instead of our queues. */
  external: boolean;
  /** External hub: no `handoff.status` in this time → fallback. */
  externalTimeoutSeconds: number;
  /** Wait assumed per person ahead before there is history. */
  defaultWaitSeconds: number;
  timeZone: string;
  orgName: string;
}

export const DEFAULT_HANDOFF_SETTINGS: HandoffSettings = {
  defaultGroup: 'Mesa de ayuda',
  holdSeconds: 25,
  agentSilentSeconds: 25,
  maxWaitSeconds: 600,
  offerSeconds: 45,
  heartbeatStaleSeconds: 45,
  capacity: 3,
  external: false,
  externalTimeoutSeconds: 60,
  defaultWaitSeconds: 120,
  timeZone: 'America/Mexico_City',
  orgName: 'Mesa de Ayuda',
};

/** Agents and open handoffs (queue order) with each queued one's position: what consoles are built from. */
interface Board {
  agents: AgentRow[];
  open: HandoffRow[];
  positions: Map<string, number>;
}

/** Queued conversations listed in one console snapshot (the total is given too). */
const SNAPSHOT_QUEUE_LIMIT = 100;

type Listener = (e: HandoffEvent | { type: 'activity'; conversationId: string; seq: number } | { type: 'resync' }) => void;

interface Logger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

export interface HandoffServiceDeps {
  repo: HandoffRepository;
  conversations: Pick<ConversationService, 'since'>;
  tickets: Pick<TicketService, 'register' | 'ofRequester' | 'markAnnounced'>;
  /** PostgreSQL LISTEN (Database.listen): `onResync` runs after a lost listener reconnects. */
  listen: (channel: string, onMessage: (payload: string) => void, onResync?: () => void) => Promise<() => Promise<void>>;
  hours: Pick<BusinessHours, 'isOpen' | 'describeNextOpening'>;
  /** Resolver groups the catalog knows (for transfers). */
  knownGroups: () => readonly string[];
  clock: { now(): Date };
  logger: Logger;
  settings?: Partial<HandoffSettings>;
  /** Mails and webhooks of a ticket the agent registers (as for the bot's tickets). */
  notifications?: Parameters<TicketService['register']>[2];
  /** A ticket was registered (wakes the outbox). */
  onRegistered?: () => void;
}

/** Leaving the queue is a whole message («cancelar», «ya no, gracias»), never the start of a sentence («ya no me deja entrar…»). */
const CANCEL = /^\s*(?:cancelar|cancela|cancelo|salir(?: de la fila)?|ya no(?: quiero)?(?:,? gracias)?|olv[ií]dalo|mejor no(?:,? gracias)?)\s*[.!¡]*\s*$/iu;
const PRIVILEGED = new Set(['coordinator', 'admin']);
/** Channel id of our own web chat (Direct Line). */
const WEBCHAT = 'webchat';
/** Channels where each message reaches the person's phone as a text (SMS, WhatsApp, Messenger, X, e-mail). */
const MESSAGING_CHANNELS: ReadonlySet<string> = new Set(['sms', 'whatsapp', 'facebook', 'x', 'email']);
/** The hold interval on those channels: a reminder every five minutes, not every 25 seconds. */
const MESSAGING_HOLD_SECONDS = 300;
/** Phone calls: an agent takes them on their own phone (`users.voice_route`). */
const VOICE = 'voice';
const CONSOLE_ROLES = new Set(['agent', 'coordinator', 'admin']);

export class HandoffService implements HandoffPort {
  readonly settings: HandoffSettings;
  /** The bot layer's way to the person, per channel; a handoff on another channel is refused (nobody could answer). */
  private readonly persons = new Map<string, PersonChannel>();
  private readonly listeners = new Set<Listener>();
  private unlisten: Array<() => Promise<void>> = [];
  private timer: NodeJS.Timeout | undefined;
  private ticking: Promise<void> | undefined;
  /**
   * Agents and open handoffs, read once and shared by every console snapshot of this instance until something
   * changes (any instance's handoff or presence event bumps {@link boardVersion}) or a second passes: 200 consoles
   * refreshing after an event cost one read, not 200.
   */
  private board: { version: number; at: number; load: Promise<Board> } | undefined;
  private boardVersion = 0;
  /** Average wait per group, re-read at most every 10 s (it moves slowly and every estimate needs it). */
  private readonly averageWaits = new Map<string, { at: number; seconds: Promise<number | null> }>();

  constructor(private readonly deps: HandoffServiceDeps) {
    for (const k of ['repo', 'conversations', 'tickets', 'listen', 'hours', 'knownGroups', 'clock', 'logger'] as const) {
      if (!deps?.[k]) throw new Error(`HandoffService: ${k} is required`);
    }
    this.settings = { ...DEFAULT_HANDOFF_SETTINGS, ...deps.settings };
  }

  get external(): boolean {
    return this.settings.external;
  }

  /** The bot layer's way to the person on `channels` (set once the bot exists: it depends on this service). */
  attachPerson(person: PersonChannel, channels: readonly string[]): void {
    for (const channel of channels) this.persons.set(channel, person);
  }

  private personOn(channel: string): PersonChannel {
    const person = this.persons.get(channel);
    if (!person) throw new Error(`HandoffService: no person channel attached for "${channel}"`);
    return person;
  }

  /** Listens for events of every instance and starts the periodic work (every `tickMs`; 0 = no timer). */
  async start(tickMs = 2000): Promise<void> {
    this.unlisten.push(
      await this.deps.listen(HANDOFF_CHANNEL, (payload) => this.onNotification(payload), () => this.emit({ type: 'presence', userId: '', status: 'offline' })),
      await this.deps.listen(
        ACTIVITY_CHANNEL,
        (payload) => {
          const cut = payload.lastIndexOf(' ');
          const seq = Number(payload.slice(cut + 1));
          if (cut > 0 && Number.isInteger(seq)) this.emit({ type: 'activity', conversationId: payload.slice(0, cut), seq });
        },
        // Lines recorded while the listener was reconnecting were not announced: every follower re-reads.
        () => this.emit({ type: 'resync' }),
      ),
    );
    if (tickMs > 0) {
      const run = () => {
        this.ticking = this.tick()
          .catch((err: unknown) => this.deps.logger.error({ err }, 'handoff tick failed'))
          .finally(() => {
            this.ticking = undefined;
            if (this.timer) this.timer = setTimeout(run, tickMs).unref();
          });
      };
      this.timer = setTimeout(run, tickMs).unref();
    }
  }

  async stop(): Promise<void> {
    const timer = this.timer;
    this.timer = undefined;
    clearTimeout(timer);
    await this.ticking;
    for (const stop of this.unlisten.splice(0)) await stop().catch(() => undefined);
  }

  /** Events: handoff changes, presence, person typing, and every recorded transcript line (any instance). */
  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private emit(e: Parameters<Listener>[0]): void {
    for (const l of this.listeners) {
      try {
        l(e);
      } catch (err) {
        this.deps.logger.warn({ err }, 'handoff listener failed');
      }
    }
  }

  private loadBoard(): Promise<Board> {
    const now = Date.now();
    if (this.board && this.board.version === this.boardVersion && now - this.board.at < 1000) return this.board.load;
    const load = Promise.all([this.deps.repo.agents(), this.deps.repo.open()]).then(([agents, open]) => ({ agents, open, positions: queuePositions(open) }));
    this.board = { version: this.boardVersion, at: now, load };
    load.catch(() => {
      if (this.board?.load === load) this.board = undefined;
    });
    return load;
  }

  private onNotification(payload: string): void {
    let event: (HandoffEvent & { name?: string; channel?: string }) | { type: 'agent_typing'; conversationId: string; channel: string; name: string };
    try {
      event = JSON.parse(payload) as typeof event;
    } catch {
      return;
    }
    if (event.type === 'agent_typing') {
      // Every instance tries: only the one holding the person's connection shows it.
      void this.persons.get(event.channel)?.typing(event.conversationId, event.channel, event.name).catch(() => undefined);
      return;
    }
    if (event.type === 'handoff' || event.type === 'presence') this.boardVersion++;
    this.emit(event);
  }

  private async publish(event: HandoffEvent | { type: 'agent_typing'; conversationId: string; channel: string; name: string }): Promise<void> {
    if (event.type === 'handoff' || event.type === 'presence') this.boardVersion++;
    await this.deps.repo.notify(HANDOFF_CHANNEL, JSON.stringify(event));
  }

  private async changed(row: HandoffRow, change: string): Promise<void> {
    await this.publish({
      type: 'handoff',
      handoffId: row.id,
      conversationId: row.conversationId,
      group: row.resolverGroup,
      agentUserId: row.agentUserId,
      status: row.status,
      change,
    });
  }

  // ---------------------------------------------------------------------------------------------- bot side

  async request(req: HandoffRequest): Promise<HandoffOutcome> {
    const now = this.deps.clock.now();
    const existing = await this.deps.repo.openFor(req.conversationId);
    if (existing) {
      const position = (await this.deps.repo.position(existing.id)) ?? 1;
      return { kind: 'queued', handoffId: existing.id, position, estimatedWaitSeconds: await this.estimate(existing.resolverGroup, position), alreadyOpen: true };
    }
    // An external hub serves the channels it is connected to (Azure channels); our own web chat has no hub, and the
    // `handoff.initiate` event with its context would go to the person's browser: it uses our queues.
    if (this.settings.external && req.channel !== WEBCHAT) {
      const { handoff } = await this.deps.repo.enqueue(
        { conversationId: req.conversationId, channel: req.channel, resolverGroup: req.resolverGroup ?? this.settings.defaultGroup, reason: req.reason, priority: req.priority ?? 0, context: compactContext(req.context), external: true },
        now,
      );
      return { kind: 'external', handoffId: handoff.id };
    }
    if (!this.persons.has(req.channel)) {
      // Nobody could write back on this channel: say so now rather than leave the person waiting in silence.
      this.deps.logger.warn({ conversationId: req.conversationId, channel: req.channel }, 'handoff: channel without agent replies');
      return { kind: 'unavailable', why: 'no_agents' };
    }
    if (!this.deps.hours.isOpen(now)) {
      return { kind: 'unavailable', why: 'closed', nextOpening: this.deps.hours.describeNextOpening(now) ?? undefined };
    }
    const { agents } = await this.loadBoard();
    const group = this.queueFor(req.resolverGroup, agents, now);
    if (!agents.some((a) => this.canAttend(a, now) && this.groupsOf(a).includes(group))) {
      return { kind: 'unavailable', why: 'no_agents' };
    }
    const { handoff, created } = await this.deps.repo.enqueue(
      { conversationId: req.conversationId, channel: req.channel, resolverGroup: group, reason: req.reason, priority: req.priority ?? 0, context: compactContext(req.context) },
      now,
    );
    if (created) {
      await this.changed(handoff, 'queued');
      this.deps.logger.info({ conversationId: req.conversationId, group, reason: req.reason }, 'handoff queued');
    }
    const position = (await this.deps.repo.position(handoff.id)) ?? 1;
    await this.deps.repo.patch(handoff.id, { lastPositionTold: position, lastHoldAt: now });
    // Route at once when an agent is free (the offer rings in their console).
    await this.dispatch(group, now);
    return { kind: 'queued', handoffId: handoff.id, position, estimatedWaitSeconds: await this.estimate(group, position), alreadyOpen: !created };
  }

  async personMessage(conversationId: string, text: string | undefined): Promise<PersonMessageResult> {
    const now = this.deps.clock.now();
    const open = await this.deps.repo.touchPerson(conversationId, now);
    if (!open) return { state: 'none' };
    if (open.acceptedAt) return { state: 'with_agent' };
    if (text !== undefined && CANCEL.test(text)) {
      const ended = await this.deps.repo.end(open.id, 'cancelled', 'person_left', now, true);
      if (ended) {
        await this.changed(ended, 'cancelled');
        return { state: 'left_queue' };
      }
    }
    if (open.external) return { state: 'with_agent' };
    const position = (await this.deps.repo.position(open.id)) ?? 1;
    return { state: 'queued', position, estimatedWaitSeconds: await this.estimate(open.resolverGroup, position) };
  }

  async queueState(conversationId: string): Promise<QueueState> {
    const open = await this.deps.repo.openFor(conversationId);
    if (!open) return { state: 'none' };
    const now = this.deps.clock.now();
    const started = open.waitStartedAt ?? open.queuedAt;
    const waitedSeconds = Math.max(0, Math.round((now.getTime() - started.getTime()) / 1000));
    const agentName = open.agentUserId ? ((await this.deps.repo.user(open.agentUserId))?.displayName ?? null) : null;
    const base = { handoffId: open.id, resolverGroup: open.resolverGroup, waitedSeconds, agentUserId: open.agentUserId, agentName };
    if (open.status === 'assigned') {
      return { ...base, state: open.acceptedAt || open.external ? 'with_agent' : 'offered', position: 1, estimatedWaitSeconds: 0 };
    }
    const position = (await this.deps.repo.position(open.id)) ?? 1;
    return { ...base, state: 'queued', position, estimatedWaitSeconds: await this.estimate(open.resolverGroup, position) };
  }

  /**
   * The agent's phone did not answer (or failed) before the caller was bridged: the call goes back to the front of
   * its queue for someone else, and the agent is set «Ausente», as with an offer they let ring.
   */
  async agentUnreachable(conversationId: string): Promise<boolean> {
    const open = await this.deps.repo.openFor(conversationId);
    if (!open || open.status !== 'assigned') return false;
    const now = this.deps.clock.now();
    const row = await this.deps.repo.requeue(open.id, now);
    if (!row) return false;
    await this.changed(row, 'requeued');
    this.deps.logger.warn({ conversationId, agent: open.agentUserId }, 'handoff: the agent could not be reached; back to the queue');
    await this.dispatch(row.resolverGroup, now);
    return true;
  }

  /** Where an agent's accepted calls ring (E.164 number or `sip:` URI), or null. */
  async agentVoiceRoute(userId: string): Promise<string | null> {
    return (await this.deps.repo.user(userId))?.voiceRoute ?? null;
  }

  async personTyping(conversationId: string): Promise<void> {
    await this.publish({ type: 'typing', conversationId, who: 'person' });
  }

  async cancel(conversationId: string, reason: string): Promise<boolean> {
    const open = await this.deps.repo.openFor(conversationId);
    if (!open) return false;
    const ended = await this.deps.repo.end(open.id, 'cancelled', reason, this.deps.clock.now());
    if (ended) await this.changed(ended, 'cancelled');
    return ended !== null;
  }

  async externalStatus(conversationId: string, state: 'accepted' | 'failed' | 'completed', message?: string): Promise<void> {
    const open = await this.deps.repo.openFor(conversationId);
    if (!open || !open.external) return;
    const now = this.deps.clock.now();
    if (state === 'accepted') {
      const row = await this.deps.repo.markExternalAccepted(open.id, now);
      if (row) await this.changed(row, 'accepted');
      return;
    }
    const ended = await this.deps.repo.end(open.id, state === 'failed' ? 'cancelled' : 'closed', `external_${state}`, now);
    if (!ended) return;
    await this.changed(ended, state);
    await this.signal(ended, state === 'failed' ? { kind: 'failed', message } : { kind: 'returned', agentName: this.settings.orgName });
  }

  async requestCallback(request: CallbackRequest): Promise<string> {
    const phone = request.phone.replace(/[^\d+]/g, '');
    if (phone.replace(/\D/g, '').length < 7) throw new HandoffError(400, 'InvalidPhone', 'El teléfono para devolver la llamada no es válido.');
    const id = await this.deps.repo.addCallback(
      {
        conversationId: request.conversationId,
        channel: request.channel,
        requesterId: request.requesterId ?? null,
        name: request.name ?? null,
        phone,
        preferredTime: request.preferredTime ?? null,
        resolverGroup: request.resolverGroup ?? null,
        reason: request.reason,
        kind: request.kind ?? 'handoff',
        directoryEntryId: request.directoryEntryId ?? null,
        scheduledAt: request.scheduledAt ?? null,
        nextAttemptAt: request.scheduledAt ?? null,
      },
      this.deps.clock.now(),
    );
    this.deps.logger.info({ conversationId: request.conversationId, callback: id }, 'callback requested');
    return id;
  }

  // ---------------------------------------------------------------------------------------------- console side

  async snapshot(actor: AgentActor): Promise<AgentSnapshot> {
    this.checkRole(actor);
    const now = this.deps.clock.now();
    const board = await this.loadBoard();
    const agents = board.agents;
    const mine = agents.find((a) => a.userId === actor.userId);
    const user = mine ? null : await this.deps.repo.user(actor.userId);
    const skills = mine ? mine.skills : (user?.skills ?? []);
    const groups = this.groupsOfUser(skills, actor.role);
    const privileged = PRIVILEGED.has(actor.role);
    const visible = new Set(groups);
    const names = new Map(agents.map((a) => [a.userId, a.displayName]));
    const positions = board.positions;
    const view = (row: HandoffRow) => this.view(row, now, names, positions);
    // Only what this console shows is built (200 consoles refresh after each change).
    const waiting = board.open.filter(
      (row) => (row.status === 'queued' || (privileged && !row.acceptedAt)) && row.agentUserId !== actor.userId && (privileged || visible.has(row.resolverGroup)),
    );
    const allGroups = [...new Set([this.settings.defaultGroup, ...this.deps.knownGroups(), ...agents.flatMap((a) => this.groupsOf(a))])].sort((a, b) =>
      a.localeCompare(b, 'es'),
    );
    return {
      me: {
        userId: actor.userId,
        displayName: actor.displayName,
        role: actor.role,
        status: mine ? this.effectiveStatus(mine, now) : 'offline',
        groups: privileged ? allGroups : groups,
        capacity: mine?.capacity ?? this.settings.capacity,
        voiceRoute: mine ? mine.voiceRoute : (user?.voiceRoute ?? null),
      },
      queue: waiting.slice(0, SNAPSHOT_QUEUE_LIMIT).map(view),
      queueTotal: waiting.length,
      mine: board.open.filter((row) => row.agentUserId === actor.userId).map(view),
      others: privileged ? board.open.filter((row) => row.acceptedAt && row.agentUserId !== actor.userId).slice(0, SNAPSHOT_QUEUE_LIMIT).map(view) : [],
      groups: allGroups.map((name) => ({
        name,
        agents: agents
          .filter((a) => a.userId !== actor.userId && this.effectiveStatus(a, now) !== 'offline' && this.groupsOf(a).includes(name))
          .map((a) => ({ userId: a.userId, displayName: a.displayName, status: this.effectiveStatus(a, now) })),
      })),
      phrases: this.phrases(actor.displayName, now),
    };
  }

  async setPresence(actor: AgentActor, status: 'available' | 'busy' | 'away'): Promise<void> {
    this.checkRole(actor);
    const now = this.deps.clock.now();
    const user = await this.deps.repo.user(actor.userId);
    if (!user || !user.active) throw new HandoffError(403, 'Forbidden', 'Su cuenta no está activa.');
    const current = await this.deps.repo.presence(actor.userId);
    const wasAvailable = current !== null && current.status === 'available' && current.heartbeatAt !== null && current.heartbeatAt.getTime() >= now.getTime() - this.settings.heartbeatStaleSeconds * 1000;
    await this.deps.repo.setPresence(
      actor.userId,
      {
        status,
        groups: this.groupsOfUser(user.skills, actor.role),
        ...(current ? {} : { capacity: this.settings.capacity }),
        // Longest idle first: an agent who just became available has been idle since now.
        ...(status === 'available' && !wasAvailable ? { idleSince: now } : {}),
      },
      now,
    );
    await this.deps.repo.heartbeat(actor.userId, now);
    await this.publish({ type: 'presence', userId: actor.userId, status });
    if (status === 'available') for (const group of await this.deps.repo.queuedGroups()) await this.dispatch(group, now);
  }

  async heartbeat(actor: AgentActor): Promise<void> {
    this.checkRole(actor);
    await this.deps.repo.heartbeat(actor.userId, this.deps.clock.now());
    this.boardVersion++;
  }

  async accept(actor: AgentActor, handoffId: string): Promise<HandoffView> {
    this.checkRole(actor);
    const now = this.deps.clock.now();
    const user = await this.deps.repo.user(actor.userId);
    const groups = this.groupsOfUser(user?.skills ?? [], actor.role);
    const privileged = PRIVILEGED.has(actor.role);
    const target = await this.deps.repo.get(handoffId);
    if (target && target.channel === VOICE && !user?.voiceRoute) {
      throw new HandoffError(409, 'NoPhoneConfigured', 'Para atender llamadas necesita un teléfono o una dirección SIP en su cuenta: regístrelo en «Teléfono para llamadas», junto a su estado.');
    }
    if (!(await this.deps.repo.presence(actor.userId))) {
      await this.deps.repo.setPresence(actor.userId, { status: 'available', groups, capacity: this.settings.capacity }, now);
    }
    const outcome = await this.deps.repo.accept(handoffId, actor.userId, now, (row) => !row.external && (privileged || groups.includes(row.resolverGroup)));
    if (!outcome.ok) {
      const messages = {
        not_found: [404, 'HandoffNotFound', 'Esa conversación no existe.'],
        closed: [409, 'HandoffClosed', 'Esa conversación ya terminó.'],
        taken: [409, 'HandoffTaken', 'Otra persona ya atiende esa conversación, o no es de sus grupos.'],
        full: [409, 'AgentAtCapacity', 'Ya atiende el máximo de conversaciones simultáneas; cierre una antes de aceptar otra.'],
      } as const;
      const [status, code, message] = messages[outcome.why];
      throw new HandoffError(status, code, message);
    }
    const row = outcome.handoff;
    if (outcome.already) return this.view(row, now, new Map([[actor.userId, actor.displayName]]), new Map());
    await this.deps.repo.patch(row.id, { lastAgentAt: now });
    await this.changed(row, 'accepted');
    this.deps.logger.info({ conversationId: row.conversationId, agent: actor.userId }, 'handoff accepted');
    await this.signal(row, { kind: 'accepted', agentName: actor.displayName });
    return this.view({ ...row, lastAgentAt: now }, now, new Map([[actor.userId, actor.displayName]]), new Map());
  }

  async detail(actor: AgentActor, handoffId: string): Promise<HandoffDetail> {
    const row = await this.visible(actor, handoffId);
    const now = this.deps.clock.now();
    const agents = await this.deps.repo.agents();
    const names = new Map(agents.map((a) => [a.userId, a.displayName]));
    const positions = queuePositions(await this.deps.repo.open([row.resolverGroup]));
    const transcript = await this.lines(row.conversationId, 0);
    const context = row.context as HandoffContext;
    return {
      handoff: this.view(row, now, names, positions),
      context,
      transcript,
      watermark: transcript.length > 0 ? (transcript[transcript.length - 1] as TranscriptLine).seq : 0,
      priorTickets: await this.priorTickets(context),
    };
  }

  async transcriptSince(actor: AgentActor, conversationId: string, afterSeq: number): Promise<TranscriptLine[]> {
    if (!(await this.canFollow(actor, conversationId))) throw new HandoffError(403, 'Forbidden', 'No puede ver esa conversación.');
    return this.lines(conversationId, afterSeq);
  }

  async canFollow(actor: AgentActor, conversationId: string): Promise<boolean> {
    if (!CONSOLE_ROLES.has(actor.role)) return false;
    if (PRIVILEGED.has(actor.role)) return true;
    const open = await this.deps.repo.openFor(conversationId);
    if (!open) return false;
    if (open.agentUserId === actor.userId) return true;
    const user = await this.deps.repo.user(actor.userId);
    return open.status === 'queued' && this.groupsOfUser(user?.skills ?? [], actor.role).includes(open.resolverGroup);
  }

  async reply(actor: AgentActor, handoffId: string, text: string, clientId?: string): Promise<void> {
    const row = await this.attending(actor, handoffId);
    const body = text.trim();
    if (body === '') throw new HandoffError(400, 'EmptyMessage', 'El mensaje está vacío.');
    await this.say(row, [{ text: body, speakerName: actor.displayName, clientId }]);
    await this.deps.repo.patch(row.id, { lastAgentAt: this.deps.clock.now() });
  }

  async sendPhrase(actor: AgentActor, handoffId: string, key: 'greeting' | 'hold' | 'farewell' | 'anythingElse'): Promise<void> {
    const phrase = this.phrases(actor.displayName, this.deps.clock.now()).find((p) => p.key === key);
    if (!phrase) throw new HandoffError(400, 'UnknownPhrase', 'Esa frase del protocolo no existe.');
    await this.reply(actor, handoffId, phrase.text);
  }

  async typing(actor: AgentActor, handoffId: string): Promise<void> {
    const row = await this.attending(actor, handoffId);
    await this.publish({ type: 'agent_typing', conversationId: row.conversationId, channel: row.channel, name: actor.displayName });
  }

  async ticketDraft(actor: AgentActor, handoffId: string) {
    const row = await this.attending(actor, handoffId);
    const context = row.context as HandoffContext;
    const urgency = (['critical', 'high', 'medium', 'low'] as const).find((u) => u === context.urgency) ?? 'medium';
    const persons = (await this.lines(row.conversationId, 0)).filter((l) => l.from === 'person').map((l) => l.text);
    const description = [context.request, ...persons.filter((t) => t !== context.request)].filter(Boolean).join('\n').slice(0, 4000);
    return {
      kind: (context.route?.decision === 'service' ? 'incident' : 'request') as 'incident' | 'request',
      description: description || (context.request ?? ''),
      serviceCode: context.route?.code ?? null,
      resolverGroup: row.resolverGroup,
      urgency,
      impact: 'minor' as const,
      requester: { ...(context.person ?? {}) },
    };
  }

  async createTicket(
    actor: AgentActor,
    handoffId: string,
    input: {
      kind: 'incident' | 'request';
      description: string;
      serviceCode?: string | null;
      resolverGroup?: string | null;
      urgency: 'critical' | 'high' | 'medium' | 'low';
      impact: 'extensive' | 'significant' | 'moderate' | 'minor';
    },
  ): Promise<{ number: string; id: string }> {
    const row = await this.attending(actor, handoffId);
    const context = row.context as HandoffContext;
    const person = context.person ?? {};
    const str = (v: unknown) => (typeof v === 'string' && v.trim() !== '' ? v : null);
    const { ticket, created } = await this.deps.tickets.register(
      {
        kind: input.kind,
        serviceCode: input.serviceCode ?? context.route?.code ?? null,
        serviceName: context.route?.name ?? null,
        resolverGroup: input.resolverGroup ?? row.resolverGroup,
        requester: Object.fromEntries(
          (
            [
              ['name', str(person.name)],
              ['unit', str(person.unitName)],
              ['role', str(person.role)],
              ['extension', str(person.extension)],
              ['email', str(person.email)],
              ['phone', str(person.phone)],
            ] as const
          ).filter(([, v]) => v !== null),
        ),
        channel: row.channel,
        conversationId: row.conversationId,
        description: input.description,
        diagnostics: (context.diagnostics ?? []).map((d, i) => ({ id: `d${i + 1}`, question: d.question, answer: d.answer })),
        urgency: input.urgency,
        impact: input.impact,
        requesterId: context.requesterId ?? null,
        // The same request sent again (a retry, a double click) is the same ticket; another description is another.
        idempotencyKey: `handoff:${row.id}:${createHash('sha256').update(`${input.kind}|${input.description.trim()}`).digest('hex').slice(0, 32)}`,
      },
      actor.userId,
      this.deps.notifications,
    );
    if (!created) return { number: ticket.number, id: ticket.id };
    this.deps.onRegistered?.();
    await this.deps.repo.patch(row.id, { ticketNumber: ticket.number });
    await this.changed({ ...row, ticketNumber: ticket.number }, 'ticket');
    await this.say(row, [{ text: HANDOFF_TEXTS.ticketRegistered(ticket.number), speakerName: actor.displayName }]);
    // Told here: the bot must not announce it again as a number a failed turn could not deliver.
    await this.deps.tickets.markAnnounced(ticket.id);
    await this.deps.repo.patch(row.id, { lastAgentAt: this.deps.clock.now() });
    return { number: ticket.number, id: ticket.id };
  }

  async transfer(actor: AgentActor, handoffId: string, to: { group?: string; agentUserId?: string; note: string }): Promise<void> {
    const row = await this.attendingOrPrivileged(actor, handoffId);
    const now = this.deps.clock.now();
    const agents = await this.deps.repo.agents();
    let target: { group: string; agentUserId: string | null };
    let targetName: string | null = null;
    if (to.agentUserId) {
      if (to.agentUserId === actor.userId) throw new HandoffError(400, 'SameAgent', 'La conversación ya es suya.');
      const agent = agents.find((a) => a.userId === to.agentUserId);
      if (!agent || !this.isOnline(agent, now) || agent.status === 'away') {
        throw new HandoffError(409, 'AgentUnavailable', 'Esa persona no está conectada o está ausente; elija otra o transfiera al grupo.');
      }
      target = { group: to.group ?? row.resolverGroup, agentUserId: agent.userId };
      targetName = agent.displayName;
    } else if (to.group) {
      const known = new Set([this.settings.defaultGroup, ...this.deps.knownGroups(), ...agents.flatMap((a) => this.groupsOf(a))]);
      if (!known.has(to.group)) throw new HandoffError(400, 'UnknownGroup', `El grupo «${to.group}» no existe.`);
      target = { group: this.queueFor(to.group, agents, now), agentUserId: null };
    } else {
      throw new HandoffError(400, 'BadArgument', 'Indique el grupo o la persona a quien transfiere.');
    }
    const moved = await this.deps.repo.transfer(row.id, target, `${actor.displayName}: ${to.note}`.slice(0, 1100), now);
    if (!moved) throw new HandoffError(409, 'HandoffClosed', 'Esa conversación ya terminó.');
    await this.changed(moved, 'transferred');
    await this.say(row, [{ text: HANDOFF_TEXTS.transferred(targetName), speakerName: actor.displayName }]);
    if (target.agentUserId === null) await this.dispatch(target.group, now);
  }

  async returnToBot(actor: AgentActor, handoffId: string): Promise<void> {
    const row = await this.attendingOrPrivileged(actor, handoffId);
    const ended = await this.deps.repo.end(row.id, 'closed', 'returned_to_bot', this.deps.clock.now());
    if (!ended) throw new HandoffError(409, 'HandoffClosed', 'Esa conversación ya terminó.');
    await this.changed(ended, 'returned');
    await this.signal(ended, { kind: 'returned', agentName: actor.displayName, ticketNumber: ended.ticketNumber ?? undefined });
  }

  async close(actor: AgentActor, handoffId: string): Promise<void> {
    const row = await this.attendingOrPrivileged(actor, handoffId);
    const ended = await this.deps.repo.end(row.id, 'closed', 'closed_by_agent', this.deps.clock.now());
    if (!ended) throw new HandoffError(409, 'HandoffClosed', 'Esa conversación ya terminó.');
    await this.changed(ended, 'closed');
    await this.signal(ended, { kind: 'closed', agentName: actor.displayName, ticketNumber: ended.ticketNumber ?? undefined });
  }

  // ---------------------------------------------------------------------------------------------- periodic work

  /**
   * Vanished agents' conversations back to the front; unanswered offers back to the queue; routing; holds and
   * position updates; the maximum wait; external hubs that never answered. Safe to run on every instance at once.
   */
  async tick(): Promise<void> {
    const now = this.deps.clock.now();
    const s = this.settings;
    for (const { wasAccepted, ...row } of await this.deps.repo.requeueStale(new Date(now.getTime() - s.heartbeatStaleSeconds * 1000), now)) {
      await this.changed(row, 'requeued');
      if (wasAccepted) await this.sayQuietly(row, [{ text: HANDOFF_TEXTS.agentLost, automatic: true }]);
    }
    for (const { handoff } of await this.deps.repo.expireOffers(new Date(now.getTime() - s.offerSeconds * 1000), now)) {
      await this.changed(handoff, 'offer_expired');
    }
    for (const group of await this.deps.repo.queuedGroups()) await this.dispatch(group, now);
    for (const row of await this.deps.repo.waitingSince(new Date(now.getTime() - s.maxWaitSeconds * 1000))) {
      const ended = await this.deps.repo.end(row.id, 'cancelled', 'max_wait', now);
      if (!ended) continue;
      await this.changed(ended, 'max_wait');
      await this.signal(ended, { kind: 'unavailable', why: 'max_wait' });
    }
    if (!this.deps.hours.isOpen(now)) {
      for (const row of await this.deps.repo.waitingSince(new Date(now.getTime() + 1))) {
        const ended = await this.deps.repo.end(row.id, 'cancelled', 'closed', now);
        if (!ended) continue;
        await this.changed(ended, 'closed_hours');
        await this.signal(ended, { kind: 'unavailable', why: 'closed', nextOpening: this.deps.hours.describeNextOpening(now) ?? undefined });
      }
    }
    for (const row of await this.deps.repo.externalPending(new Date(now.getTime() - s.externalTimeoutSeconds * 1000))) {
      const ended = await this.deps.repo.end(row.id, 'cancelled', 'external_timeout', now);
      if (!ended) continue;
      await this.changed(ended, 'external_timeout');
      await this.signal(ended, { kind: 'failed' });
    }
    await this.holds(now);
  }

  /** Hold and position messages (protocol: contact every 20–30 s while the person waits). */
  private async holds(now: Date): Promise<void> {
    const open = await this.deps.repo.holdCandidates(new Date(now.getTime() - this.settings.agentSilentSeconds * 1000));
    const positions = queuePositions(open);
    for (const row of open) {
      if (!row.acceptedAt) {
        const position = positions.get(row.id) ?? null;
        // Each hold message on a text-message channel is a message on the person's phone: one every few minutes.
        const holdSeconds = MESSAGING_CHANNELS.has(row.channel) ? Math.max(this.settings.holdSeconds, MESSAGING_HOLD_SECONDS) : this.settings.holdSeconds;
        const holdDue = (row.lastHoldAt ?? row.queuedAt).getTime() <= now.getTime() - holdSeconds * 1000;
        const moved = position !== null && row.lastPositionTold !== null && position < row.lastPositionTold;
        if (!holdDue && !moved) continue;
        if (!(await this.deps.repo.claimHold(row.id, row.lastHoldAt, now, position, true))) continue;
        const text =
          position === null
            ? HANDOFF_TEXTS.holdOffered
            : HANDOFF_TEXTS.holdQueued(position, await this.estimate(row.resolverGroup, position), moved && !holdDue);
        await this.sayQuietly(row, [{ text, automatic: true }]);
        continue;
      }
      // The person has waited for an answer since their last message (or the last hold message).
      const since = Math.max(row.lastAgentAt?.getTime() ?? 0, row.acceptedAt.getTime(), row.lastHoldAt?.getTime() ?? 0, row.lastPersonAt?.getTime() ?? 0);
      const personWaiting = row.lastPersonAt !== null && row.lastPersonAt.getTime() > Math.max(row.lastAgentAt?.getTime() ?? 0, row.acceptedAt.getTime());
      if (!personWaiting || since > now.getTime() - this.settings.agentSilentSeconds * 1000) continue;
      if (!(await this.deps.repo.claimHold(row.id, row.lastHoldAt, now, null))) continue;
      const name = row.agentUserId ? ((await this.deps.repo.user(row.agentUserId))?.displayName ?? undefined) : undefined;
      await this.sayQuietly(row, [{ text: HANDOFF_TEXTS.holdAgent, speakerName: name, automatic: true }]);
    }
  }

  /** Offers the group's queue to free agents, longest idle first, until nobody can take more. */
  private async dispatch(group: string, now: Date): Promise<void> {
    const freshSince = new Date(now.getTime() - this.settings.heartbeatStaleSeconds * 1000);
    for (let i = 0; i < 100; i++) {
      const assigned = await this.deps.repo.assignNext(group, now, freshSince);
      if (!assigned) return;
      await this.changed(assigned.handoff, 'offered');
    }
  }

  // ---------------------------------------------------------------------------------------------- helpers

  private async say(row: HandoffRow, messages: Parameters<PersonChannel['say']>[2]): Promise<void> {
    await this.personOn(row.channel).say(row.conversationId, row.channel, messages);
  }

  /** `say` for the periodic work: one conversation's failure is logged and the others go on. */
  private async sayQuietly(row: HandoffRow, messages: Parameters<PersonChannel['say']>[2]): Promise<void> {
    try {
      await this.say(row, messages);
    } catch (err) {
      this.deps.logger.error({ err, conversationId: row.conversationId }, 'handoff message to the person failed');
    }
  }

  private async signal(row: HandoffRow, signal: HandoffSignal): Promise<void> {
    try {
      await this.personOn(row.channel).signal(row.conversationId, row.channel, signal);
    } catch (err) {
      this.deps.logger.error({ err, conversationId: row.conversationId, signal: signal.kind }, 'handoff signal to the bot failed');
    }
  }

  private checkRole(actor: AgentActor): void {
    if (!actor || !CONSOLE_ROLES.has(actor.role)) throw new HandoffError(403, 'Forbidden', 'Su cuenta no atiende conversaciones.');
  }

  /** A handoff the actor may see: in their groups (queued), theirs, or any for coordinators/admins. */
  private async visible(actor: AgentActor, handoffId: string): Promise<HandoffRow> {
    this.checkRole(actor);
    const row = await this.deps.repo.get(handoffId);
    if (!row) throw new HandoffError(404, 'HandoffNotFound', 'Esa conversación no existe.');
    if (PRIVILEGED.has(actor.role)) return row;
    // An agent reads a conversation while it is theirs, not after it ended (the person may come back later).
    if (row.agentUserId === actor.userId && row.status === 'assigned') return row;
    const user = await this.deps.repo.user(actor.userId);
    if (row.status === 'queued' && this.groupsOfUser(user?.skills ?? [], actor.role).includes(row.resolverGroup)) return row;
    throw new HandoffError(403, 'Forbidden', 'Esa conversación no es de sus grupos.');
  }

  /** A handoff the actor attends now (accepted by them). */
  private async attending(actor: AgentActor, handoffId: string): Promise<HandoffRow> {
    this.checkRole(actor);
    const row = await this.deps.repo.get(handoffId);
    if (!row) throw new HandoffError(404, 'HandoffNotFound', 'Esa conversación no existe.');
    if (row.status !== 'assigned') throw new HandoffError(409, 'HandoffClosed', 'Esa conversación no está en atención.');
    if (row.agentUserId !== actor.userId) throw new HandoffError(403, 'Forbidden', 'Esa conversación la atiende otra persona.');
    if (!row.acceptedAt) throw new HandoffError(409, 'NotAccepted', 'Acepte la conversación antes de escribir.');
    return row;
  }

  /** The attending agent, or a coordinator/admin acting on any open conversation. */
  private async attendingOrPrivileged(actor: AgentActor, handoffId: string): Promise<HandoffRow> {
    if (!PRIVILEGED.has(actor.role)) return this.attending(actor, handoffId);
    const row = await this.deps.repo.get(handoffId);
    if (!row) throw new HandoffError(404, 'HandoffNotFound', 'Esa conversación no existe.');
    if (row.status !== 'queued' && row.status !== 'assigned') throw new HandoffError(409, 'HandoffClosed', 'Esa conversación ya terminó.');
    return row;
  }

  private groupsOfUser(skills: readonly string[], role: string): string[] {
    void role;
    return skills.length > 0 ? [...skills] : [this.settings.defaultGroup];
  }

  private groupsOf(agent: AgentRow): string[] {
    return this.groupsOfUser(agent.skills, agent.role);
  }

  /** The queue a request goes to: its group when some agent attends it, else the general queue. */
  private queueFor(group: string | null | undefined, agents: AgentRow[], now: Date): string {
    if (!group || sameGroup(group, this.settings.defaultGroup)) return this.settings.defaultGroup;
    // The group's own queue when someone who can attend serves it (spelled as the agents have it).
    for (const agent of agents) {
      if (!this.canAttend(agent, now)) continue;
      const match = this.groupsOf(agent).find((g) => sameGroup(g, group));
      if (match) return match;
    }
    return this.settings.defaultGroup;
  }

  /**
   * Signed in to the console with a fresh heartbeat, whatever their status: a person queues for an agent who is busy
   * or stepped away (they come back; the maximum wait bounds it), but not for a desk where nobody is connected.
   */
  private canAttend(agent: AgentRow, now: Date): boolean {
    return this.isOnline(agent, now);
  }

  private isOnline(agent: AgentRow, now: Date): boolean {
    return agent.status !== 'offline' && agent.heartbeatAt !== null && agent.heartbeatAt.getTime() >= now.getTime() - this.settings.heartbeatStaleSeconds * 1000;
  }

  private effectiveStatus(agent: AgentRow, now: Date): PresenceStatus {
    return this.isOnline(agent, now) ? agent.status : 'offline';
  }

  private async estimate(group: string, position: number): Promise<number> {
    const now = this.deps.clock.now();
    let cached = this.averageWaits.get(group);
    if (!cached || Date.now() - cached.at > 10_000) {
      cached = { at: Date.now(), seconds: this.deps.repo.averageWaitSeconds(group, new Date(now.getTime() - 7 * 86_400_000)) };
      this.averageWaits.set(group, cached);
      cached.seconds.catch(() => this.averageWaits.delete(group));
    }
    const [average, { agents }] = await Promise.all([cached.seconds, this.loadBoard()]);
    const online = agents.filter((a) => this.isOnline(a, now) && a.status !== 'away' && this.groupsOf(a).includes(group)).length;
    const per = average ?? this.settings.defaultWaitSeconds;
    const seconds = (position * per) / Math.max(1, online);
    return Math.max(30, Math.round(seconds / 30) * 30);
  }

  private view(row: HandoffRow, now: Date, names: Map<string, string>, positions: Map<string, number>): HandoffView {
    const context = row.context as HandoffContext;
    const person = context.person ?? {};
    const status: HandoffView['status'] = row.status === 'assigned' && !row.acceptedAt ? 'offered' : row.status;
    const since = status === 'assigned' && row.acceptedAt ? row.acceptedAt : row.queuedAt;
    return {
      id: row.id,
      conversationId: row.conversationId,
      channel: row.channel,
      resolverGroup: row.resolverGroup,
      reason: row.reason,
      priority: row.priority,
      status,
      queuedAt: row.queuedAt.toISOString(),
      waitSeconds: Math.max(0, Math.round((now.getTime() - since.getTime()) / 1000)),
      position: positions.get(row.id) ?? null,
      agent: row.agentUserId ? { userId: row.agentUserId, displayName: names.get(row.agentUserId) ?? '' } : null,
      acceptedAt: row.acceptedAt?.toISOString() ?? null,
      personName: typeof person.name === 'string' ? person.name : null,
      preview: context.request ? context.request.slice(0, 140) : null,
      transferNote: row.transferNote,
      ticketNumber: row.ticketNumber,
      requeues: row.requeues,
    };
  }

  private phrases(agentName: string, now: Date): AgentSnapshot['phrases'] {
    const part = dayPart(now, this.settings.timeZone);
    return [
      { key: 'greeting', label: 'Saludo', text: HANDOFF_TEXTS.greeting(part, agentName) },
      { key: 'hold', label: 'Espera', text: HANDOFF_TEXTS.holdAgent },
      { key: 'anythingElse', label: '¿Algo más?', text: HANDOFF_TEXTS.anythingElse },
      { key: 'farewell', label: 'Despedida', text: HANDOFF_TEXTS.farewell(part, agentName) },
    ];
  }

  private async lines(conversationId: string, afterSeq: number): Promise<TranscriptLine[]> {
    const out: TranscriptLine[] = [];
    let watermark = afterSeq;
    for (;;) {
      const rows = await this.deps.conversations.since(conversationId, watermark, 500);
      for (const r of rows) {
        const line = toLine(r);
        if (line) out.push(line);
      }
      if (rows.length < 500) return out;
      watermark = (rows[rows.length - 1] as RecordedActivity).seq;
    }
  }

  private async priorTickets(context: HandoffContext): Promise<HandoffDetail['priorTickets']> {
    if (!context.requesterId) return [];
    try {
      const rows = await this.deps.tickets.ofRequester(context.requesterId, 10);
      return rows.map((t) => ({ number: t.number, status: t.status, serviceName: t.serviceName, createdAt: t.createdAt.toISOString() }));
    } catch (err) {
      this.deps.logger.warn({ err }, 'prior tickets not available');
      return [];
    }
  }
}

/** Group names compare without case or accents («Mesa de Ayuda» is «Mesa de ayuda»). */
function sameGroup(a: string, b: string): boolean {
  return a.localeCompare(b, 'es', { sensitivity: 'base' }) === 0;
}

/** Position of each queued handoff in its group (1-based), from rows in queue order. */
function queuePositions(rows: readonly HandoffRow[]): Map<string, number> {
  const counters = new Map<string, number>();
  const positions = new Map<string, number>();
  for (const row of rows) {
    if (row.status !== 'queued') continue;
    const n = (counters.get(row.resolverGroup) ?? 0) + 1;
    counters.set(row.resolverGroup, n);
    positions.set(row.id, n);
  }
  return positions;
}

/** A transcript activity as the console shows it; null for what is not a message. */
function toLine(r: RecordedActivity): TranscriptLine | null {
  const a = r.activity as Record<string, unknown> & { type: string };
  if (a.type !== 'message') return null;
  const text = typeof a.text === 'string' ? a.text : '';
  const attachments = attachmentsOf(a.attachments);
  if (text === '' && attachments.length === 0) return null;
  const from = (a.from ?? {}) as { role?: string; name?: string };
  const data = (a.channelData ?? {}) as { agent?: boolean; automatic?: boolean; speakerName?: string };
  const kind: TranscriptLine['from'] = from.role === 'user' ? 'person' : data.automatic ? 'system' : data.agent ? 'agent' : 'bot';
  return {
    seq: r.seq,
    at: typeof a.timestamp === 'string' ? a.timestamp : new Date().toISOString(),
    from: kind,
    name: typeof from.name === 'string' && from.name !== '' ? from.name : null,
    text,
    ...(attachments.length > 0 ? { attachments } : {}),
  };
}

/** The files of an activity the console may link to: only those served by our download route. */
function attachmentsOf(value: unknown): NonNullable<TranscriptLine['attachments']> {
  if (!Array.isArray(value)) return [];
  return value.flatMap((item: unknown) => {
    const a = (item ?? {}) as { name?: unknown; contentType?: unknown; contentUrl?: unknown };
    if (typeof a.contentUrl !== 'string' || !a.contentUrl.startsWith('/api/attachments/')) return [];
    return [{ name: typeof a.name === 'string' ? a.name : '', contentType: typeof a.contentType === 'string' ? a.contentType : '', contentUrl: a.contentUrl }];
  });
}

/** Keeps the context small enough for one row and one NOTIFY-free read (strings cut to 2000 characters). */
function compactContext(context: HandoffContext): Record<string, unknown> {
  const json = JSON.stringify(context ?? {}, (_k, v: unknown) => (typeof v === 'string' && v.length > 2000 ? `${v.slice(0, 2000)}…` : v));
  return JSON.parse(json) as Record<string, unknown>;
}

export type DayPart = 'morning' | 'afternoon' | 'evening';

function dayPart(now: Date, timeZone: string): DayPart {
  const hour = Number(new Intl.DateTimeFormat('en-US', { hour: 'numeric', hourCycle: 'h23', timeZone }).format(now));
  return hour < 12 ? 'morning' : hour < 19 ? 'afternoon' : 'evening';
}
