/**
 * A conversation's transcript for the coordination («Indicadores» opens it from the list behind a number): the
 * messages in the quality review's line shape (automatic hold/position lines shown as the bot's, marked `automatic`),
 * the files people attached, the tickets it registered, its handoffs to agents and the person's phone call. Read-only:
 * nothing is audited or changed.
 */
import type { FactRows, QualityRepository } from '../../models/repositories/quality.repository';
import type { TranscriptRepository } from '../../models/repositories/transcript.repository';
import type { ReviewTranscriptLine } from '../quality/quality-types';

/** Ids longer than this cannot exist (channel ids are short); they are simply not found. */
const MAX_ID = 200;

/** A transcript line as the quality review shows it, with the files the person attached (download links). */
export interface ConversationLine extends ReviewTranscriptLine {
  attachments?: Array<{ name: string; contentType: string; url: string }>;
}

/** What `GET /api/conversations/:id` answers. */
export interface ConversationTranscript {
  conversation: { id: string; channel: string; createdAt: string; requester?: { name: string | null; unit: string | null } };
  transcript: ConversationLine[];
  tickets: string[];
  handoffs: Array<{ group: string; queuedAt: string; acceptedAt: string | null; closedAt: string | null; status: string; agent: string | null }>;
  call: { startedAt: string; answeredAt: string | null; durationSeconds: number | null; transfers: number } | null;
}

/** A domain error with a stable code (the route maps it to HTTP). */
export class ConversationTranscriptError extends Error {
  constructor(
    readonly code: 'conversation/not_found',
    message: string,
  ) {
    super(message);
    this.name = 'ConversationTranscriptError';
  }
}

const iso = (d: Date | null) => (d ? d.toISOString() : null);

/** The person as the attentions (requester on file) or the handoff's context name them; undefined when unknown. */
function requesterOf(facts: FactRows, id: string): ConversationTranscript['conversation']['requester'] {
  const candidates = [
    ...(facts.attentions.get(id) ?? []).map((a) => (a.person ? { name: a.person.name, unit: a.person.unitName ?? a.person.unitCode } : null)),
    ...(facts.handoffs.get(id) ?? []).map((h) => {
      const p = (h.context.person ?? {}) as Record<string, unknown>;
      const text = (v: unknown) => (typeof v === 'string' && v.trim() !== '' ? v : null);
      return { name: text(p.name), unit: text(p.unitName) ?? text(p.unitCode) };
    }),
  ];
  const name = candidates.find((c) => c?.name)?.name ?? null;
  const unit = candidates.find((c) => c?.unit)?.unit ?? null;
  return name || unit ? { name, unit } : undefined;
}

/** Reads one conversation for the coordination (the roles are the route's). */
export class ConversationTranscriptService {
  constructor(private readonly deps: { repo: TranscriptRepository; facts: Pick<QualityRepository, 'facts'> }) {
    if (!deps?.repo) throw new Error('ConversationTranscriptService: repo is required');
    if (!deps.facts) throw new Error('ConversationTranscriptService: facts are required');
  }

  /** The conversation `id` with its transcript; `conversation/not_found` when there is none. */
  async transcript(id: unknown): Promise<ConversationTranscript> {
    const conversationId = typeof id === 'string' ? id : '';
    const notFound = () => new ConversationTranscriptError('conversation/not_found', 'No existe esa conversación.');
    if (conversationId === '' || conversationId.length > MAX_ID) throw notFound();
    const conversation = await this.deps.repo.conversation(conversationId);
    if (!conversation) throw notFound();
    const [lines, tickets, facts] = await Promise.all([
      this.deps.repo.lines(conversation.id),
      this.deps.repo.ticketNumbers(conversation.id),
      this.deps.facts.facts([conversation.id]),
    ]);
    const call = facts.calls.get(conversation.id) ?? null;
    const requester = requesterOf(facts, conversation.id);
    return {
      conversation: { id: conversation.id, channel: conversation.channel, createdAt: conversation.createdAt.toISOString(), ...(requester ? { requester } : {}) },
      transcript: lines.map((l) => ({
        seq: l.seq,
        at: l.at.toISOString(),
        direction: l.direction,
        from: l.from === 'system' ? 'bot' : l.from,
        ...(l.name ? { name: l.name } : {}),
        ...(l.from === 'system' ? { automatic: true } : {}),
        text: l.text,
        ...(l.attachments.length > 0 ? { attachments: l.attachments.map((a) => ({ name: a.name, contentType: a.contentType, url: a.contentUrl })) } : {}),
      })),
      tickets,
      handoffs: (facts.handoffs.get(conversation.id) ?? []).map((h) => ({
        group: h.resolverGroup,
        queuedAt: h.queuedAt.toISOString(),
        acceptedAt: iso(h.acceptedAt),
        closedAt: iso(h.closedAt),
        status: h.status,
        agent: h.agentName,
      })),
      call: call ? { startedAt: call.startedAt.toISOString(), answeredAt: iso(call.answeredAt), durationSeconds: call.durationSeconds, transfers: call.transfers.length } : null,
    };
  }
}
