import type { AgentHandoff, HandoffActivity, HandoffTicketDraft, HandoffTicketInput, PhraseKey } from '../../../console/api/handoff.routes';
import type { Session, SessionService, UserRole } from '../../../services/auth/session.service';
import type { AgentActor, AgentSnapshot, HandoffDetail, HandoffEvent, HandoffView, TranscriptLine } from '../../../services/handoff/handoff-types';

/**
 * A handoff service for console tests: an in-memory transcript per conversation, the calls it received, and a way
 * to make the next call of a method fail. It implements exactly the methods the console uses of HandoffService.
 */
export class FakeHandoff implements AgentHandoff {
  readonly calls: Array<{ method: string; actor: AgentActor; args: unknown[] }> = [];
  readonly transcripts = new Map<string, TranscriptLine[]>();
  /** Conversation ids an actor may follow besides its own (by user id); coordinators follow everything. */
  readonly followable = new Map<string, Set<string>>();
  /** Conversations of `mine` in the snapshot, per user id. */
  readonly mine = new Map<string, HandoffView[]>();
  /** A method name → the error its next calls throw (until removed). */
  readonly failures = new Map<string, Error>();
  /** Delays (ms) before transcriptSince answers, consumed one per call (to interleave pumps with events). */
  readonly transcriptDelays: number[] = [];
  private readonly listeners = new Set<(e: HandoffEvent | HandoffActivity) => void>();

  subscribe(listener: (e: HandoffEvent | HandoffActivity) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  get listenerCount(): number {
    return this.listeners.size;
  }

  emit(event: HandoffEvent | HandoffActivity): void {
    for (const l of this.listeners) l(event);
  }

  /** Records a transcript line and emits its `activity` event, as the service does on any instance. */
  record(conversationId: string, text: string, from: TranscriptLine['from'] = 'person', options: { emit?: boolean } = {}): TranscriptLine {
    const lines = this.transcripts.get(conversationId) ?? [];
    const line: TranscriptLine = { seq: (lines[lines.length - 1]?.seq ?? 0) + 1, at: new Date(0).toISOString(), from, name: null, text };
    lines.push(line);
    this.transcripts.set(conversationId, lines);
    if (options.emit ?? true) this.emit({ type: 'activity', conversationId, seq: line.seq });
    return line;
  }

  private call(method: string, actor: AgentActor, ...args: unknown[]): void {
    this.calls.push({ method, actor, args });
    const failure = this.failures.get(method);
    if (failure) throw failure;
  }

  callsOf(method: string): Array<{ actor: AgentActor; args: unknown[] }> {
    return this.calls.filter((c) => c.method === method);
  }

  async snapshot(actor: AgentActor): Promise<AgentSnapshot> {
    this.call('snapshot', actor);
    return {
      me: { userId: actor.userId, displayName: actor.displayName, role: actor.role, status: 'available', groups: ['Mesa de ayuda'], capacity: 3, voiceRoute: null },
      queue: [],
      queueTotal: 0,
      mine: this.mine.get(actor.userId) ?? [],
      others: [],
      groups: [{ name: 'Mesa de ayuda', agents: [] }],
      phrases: [{ key: 'greeting', label: 'Saludo', text: `Buenos días, le atiende ${actor.displayName}.` }],
    };
  }

  async setPresence(actor: AgentActor, status: 'available' | 'busy' | 'away'): Promise<void> {
    this.call('setPresence', actor, status);
  }

  async heartbeat(actor: AgentActor): Promise<void> {
    this.call('heartbeat', actor);
  }

  async accept(actor: AgentActor, handoffId: string): Promise<HandoffView> {
    this.call('accept', actor, handoffId);
    return view(handoffId, 'conv-1', { status: 'assigned', agent: { userId: actor.userId, displayName: actor.displayName } });
  }

  async detail(actor: AgentActor, handoffId: string): Promise<HandoffDetail> {
    this.call('detail', actor, handoffId);
    const transcript = this.transcripts.get('conv-1') ?? [];
    return { handoff: view(handoffId, 'conv-1'), context: { request: 'No tengo internet' }, transcript, watermark: transcript[transcript.length - 1]?.seq ?? 0, priorTickets: [] };
  }

  async transcriptSince(actor: AgentActor, conversationId: string, afterSeq: number): Promise<TranscriptLine[]> {
    this.call('transcriptSince', actor, conversationId, afterSeq);
    const delay = this.transcriptDelays.shift();
    // Read before waiting, like a query whose result is fixed when it runs: lines recorded meanwhile are not in it.
    const lines = (this.transcripts.get(conversationId) ?? []).filter((l) => l.seq > afterSeq).map((l) => ({ ...l }));
    if (delay) await new Promise((r) => setTimeout(r, delay));
    return lines;
  }

  async canFollow(actor: AgentActor, conversationId: string): Promise<boolean> {
    this.call('canFollow', actor, conversationId);
    if (actor.role === 'coordinator' || actor.role === 'admin') return true;
    return Boolean(this.followable.get(actor.userId)?.has(conversationId)) || Boolean(this.mine.get(actor.userId)?.some((v) => v.conversationId === conversationId));
  }

  async reply(actor: AgentActor, handoffId: string, text: string, clientId?: string): Promise<void> {
    this.call('reply', actor, handoffId, text, clientId);
  }

  async sendPhrase(actor: AgentActor, handoffId: string, key: PhraseKey): Promise<void> {
    this.call('sendPhrase', actor, handoffId, key);
  }

  async typing(actor: AgentActor, handoffId: string): Promise<void> {
    this.call('typing', actor, handoffId);
  }

  async ticketDraft(actor: AgentActor, handoffId: string): Promise<HandoffTicketDraft> {
    this.call('ticketDraft', actor, handoffId);
    return { kind: 'incident', description: 'No tengo internet', serviceCode: 'RED-SIN-ACCESO', resolverGroup: 'Redes', urgency: 'medium', impact: 'minor', requester: { name: 'Ana' } };
  }

  async createTicket(actor: AgentActor, handoffId: string, input: HandoffTicketInput): Promise<{ number: string; id: string }> {
    this.call('createTicket', actor, handoffId, input);
    return { number: 'CAU-2026-000001', id: '11111111-1111-4111-8111-111111111111' };
  }

  async transfer(actor: AgentActor, handoffId: string, to: { group?: string; agentUserId?: string; note: string }): Promise<void> {
    this.call('transfer', actor, handoffId, to);
  }

  async returnToBot(actor: AgentActor, handoffId: string): Promise<void> {
    this.call('returnToBot', actor, handoffId);
  }

  async close(actor: AgentActor, handoffId: string): Promise<void> {
    this.call('close', actor, handoffId);
  }
}

/** A handoff as the console lists it. */
export function view(id: string, conversationId: string, over: Partial<HandoffView> = {}): HandoffView {
  return {
    id,
    conversationId,
    channel: 'webchat',
    resolverGroup: 'Mesa de ayuda',
    reason: 'asked',
    priority: 0,
    status: 'offered',
    queuedAt: new Date(0).toISOString(),
    waitSeconds: 30,
    position: null,
    agent: null,
    acceptedAt: null,
    personName: 'Ana López',
    preview: 'No tengo internet',
    transferNote: null,
    ticketNumber: null,
    requeues: 0,
    ...over,
  };
}

/** Sessions by cookie token, without a database; `end(token)` logs one out. */
export class FakeSessions {
  private readonly byToken = new Map<string, Session>();

  add(token: string, user: { id: string; role: UserRole; displayName?: string; email?: string }): Session {
    const session: Session = {
      user: { id: user.id, role: user.role, displayName: user.displayName ?? `Usuario ${user.role}`, email: user.email ?? `${user.role}@cau.mx` },
      csrfToken: `csrf-${token}`,
    };
    this.byToken.set(token, session);
    return session;
  }

  end(token: string): void {
    this.byToken.delete(token);
  }

  async resume(token: string | undefined): Promise<Session | null> {
    return token ? (this.byToken.get(token) ?? null) : null;
  }

  /** For code typed with the real SessionService (routes call only resume()). */
  asService(): SessionService {
    return this as unknown as SessionService;
  }
}
