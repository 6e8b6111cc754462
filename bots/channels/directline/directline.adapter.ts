import {
  type Activity,
  ActivityTypes,
  BotAdapter,
  type ConversationReference,
  type ResourceResponse,
  TurnContext,
} from 'botbuilder';
import type { ActivityJson, ConversationService } from '../../../services/conversations/conversation.service';
import { randomId } from '../../../services/conversations/conversation.service';
import { TRANSCRIPT_RECORDED } from '../../middleware/transcript.middleware';
import type { StreamHub } from './stream-hub';

export const WEBCHAT_CHANNEL = 'webchat';
/** A reply faster than this needs no typing indicator. */
const TYPING_DELAY_MS = 300;

export interface DirectLineAdapterDeps {
  conversations: ConversationService;
  hub: StreamHub;
  /** The bot's account as users see it. */
  bot: { id: string; name: string };
  clock: { now(): Date };
}

/** What an outgoing activity may say about who speaks (set by the handoff's PersonChannel). */
interface SpeakerData {
  /** Display name shown as `from.name` (an agent's name); `from.id` stays the bot's, so no internal id leaks. */
  speakerName?: unknown;
  /** Idempotency: an activity with the same id in this conversation is recorded once. */
  clientActivityID?: unknown;
}

function speakerDataOf(activity: Partial<Activity>): SpeakerData {
  const data: unknown = activity.channelData;
  return typeof data === 'object' && data !== null ? (data as SpeakerData) : {};
}

/**
 * The bot side of our self-hosted Direct Line. Inbound activities are recorded by the HTTP
 * routes before the turn runs; replies are recorded here (the transcript is also the Direct
 * Line store, so a restart or reconnect loses nothing) and pushed to the open streams.
 * Typing indicators are pushed live and not recorded.
 *
 * An outgoing activity with `channelData.speakerName` is shown as said by that person (an agent): `from.name` is the
 * name, `from.id` the bot's. One with `channelData.clientActivityID` is recorded once per conversation (a retried
 * agent message).
 */
export class DirectLineAdapter extends BotAdapter {
  constructor(private readonly deps: DirectLineAdapterDeps) {
    super();
    for (const k of ['conversations', 'hub', 'bot', 'clock'] as const) {
      if (!deps?.[k]) throw new Error(`DirectLineAdapter: ${k} is required`);
    }
  }

  /** Runs one turn for an activity already recorded by the routes. */
  async processActivity(activity: Partial<Activity>, logic: (context: TurnContext) => Promise<void>): Promise<void> {
    const context = new TurnContext(this, activity);
    context.turnState.set(TRANSCRIPT_RECORDED, true);
    await this.runMiddleware(context, logic);
  }

  async sendActivities(context: TurnContext, activities: Partial<Activity>[]): Promise<ResourceResponse[]> {
    const conversationId = context.activity.conversation?.id;
    if (!conversationId) throw new Error('DirectLineAdapter.sendActivities(): the turn has no conversation id');
    const responses: ResourceResponse[] = [];
    // Consecutive messages are recorded together: one round trip and one stream frame for a turn's reply lines.
    let pending: ActivityJson[] = [];
    const flush = async () => {
      if (pending.length === 0) return;
      const recorded = await this.deps.conversations.recordMany(conversationId, 'out', pending);
      pending = [];
      this.deps.hub.notify(conversationId, recorded);
      for (const r of recorded) responses.push({ id: r.activity.id as string });
    };
    for (const outgoing of activities) {
      if (outgoing.type === 'delay') {
        await flush();
        await new Promise((r) => setTimeout(r, typeof outgoing.value === 'number' ? outgoing.value : 1000));
        responses.push({ id: '' });
        continue;
      }
      // Built by hand (no JSON round trip): undefined fields vanish when it is serialized for the
      // database and the stream.
      const speaker = speakerDataOf(outgoing);
      const name = typeof speaker.speakerName === 'string' && speaker.speakerName.trim() !== '' ? speaker.speakerName.trim() : this.deps.bot.name;
      const full: ActivityJson = {
        ...(outgoing as Record<string, unknown>),
        type: outgoing.type ?? ActivityTypes.Message,
        channelId: WEBCHAT_CHANNEL,
        conversation: { ...(outgoing.conversation ?? {}), id: conversationId },
        from: { id: this.deps.bot.id, name, role: 'bot' },
        recipient: outgoing.recipient ?? context.activity.from,
        timestamp: this.deps.clock.now().toISOString(),
        replyToId: outgoing.replyToId ?? context.activity.id,
        serviceUrl: undefined,
      };
      if (full.type === ActivityTypes.Typing) {
        await flush();
        const id = `typing-${randomId(10)}`;
        this.deps.hub.pushTyping(conversationId, { ...full, id }, TYPING_DELAY_MS);
        responses.push({ id });
        continue;
      }
      if (typeof speaker.clientActivityID === 'string' && speaker.clientActivityID !== '') {
        await flush();
        const recorded = await this.deps.conversations.record(conversationId, 'out', full);
        if (!recorded.duplicate) this.deps.hub.notify(conversationId, [recorded]);
        responses.push({ id: recorded.activity.id as string });
        continue;
      }
      pending.push(full);
    }
    await flush();
    return responses;
  }

  /**
   * Shows «<speakerName> está escribiendo…» on this instance's open streams of the conversation (not recorded).
   * Only this instance: another instance's streams need the cross-instance notifications.
   */
  pushTyping(conversationId: string, speakerName: string): void {
    const id = `typing-${randomId(10)}`;
    const typing: ActivityJson = {
      type: ActivityTypes.Typing,
      id,
      channelId: WEBCHAT_CHANNEL,
      conversation: { id: conversationId },
      from: { id: this.deps.bot.id, name: speakerName, role: 'bot' },
      timestamp: this.deps.clock.now().toISOString(),
    };
    this.deps.hub.pushTyping(conversationId, typing, 0);
  }

  async updateActivity(): Promise<void> {
    throw new Error('DirectLineAdapter.updateActivity(): not supported by Direct Line clients');
  }

  async deleteActivity(): Promise<void> {
    throw new Error('DirectLineAdapter.deleteActivity(): not supported by Direct Line clients');
  }

  /** Proactive messages (handoff, hold messages): runs `logic` with a context for the conversation. */
  async continueConversation(
    reference: Partial<ConversationReference>,
    logic: (context: TurnContext) => Promise<void>,
  ): Promise<void> {
    const activity = TurnContext.applyConversationReference(
      { type: ActivityTypes.Event, name: 'continueConversation' },
      reference,
      true,
    );
    const context = new TurnContext(this, activity);
    context.turnState.set(TRANSCRIPT_RECORDED, true);
    await this.runMiddleware(context, logic);
  }
}
