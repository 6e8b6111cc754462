import { type Activity, type ActivityHandler, ActivityTypes, type ConversationReference, MessageFactory, InputHints } from 'botbuilder';
import { type ConversationService, randomId } from '../../../services/conversations/conversation.service';
import { HANDOFF_EVENT_PREFIX, type HandoffSignal, type PersonChannel, type PersonMessage } from '../../../services/handoff/handoff-types';
import type { TurnTracker } from '../../turn-tracker';
import { HANDOFF_SIGNAL_TURN } from '../../ventanilla.bot';
import { type DirectLineAdapter, WEBCHAT_CHANNEL } from './directline.adapter';

/** Constructor dependencies of {@link DirectLinePersonChannel}. */
export interface DirectLinePersonChannelDeps {
  adapter: DirectLineAdapter;
  /** The bot whose turns the signals run (what the routes run). */
  bot: Pick<ActivityHandler, 'run'>;
  /** The routes' tracker: a signal's turn waits for the conversation's running turn, as a message's does. */
  tracker: TurnTracker;
  conversations: ConversationService;
  settings: { bot: { id: string; name: string } };
}

/**
 * How the handoff service speaks to a person on the web chat (our Direct Line): agent and automatic messages are
 * recorded in the transcript and pushed to the open streams (under the agent's display name, never an id), signals
 * run a bot turn with an event activity `ventanilla.handoff.<kind>` serialized with the conversation's other turns,
 * and typing shows «<agent> está escribiendo…».
 */
export class DirectLinePersonChannel implements PersonChannel {
  constructor(private readonly deps: DirectLinePersonChannelDeps) {
    for (const k of ['adapter', 'bot', 'tracker', 'conversations', 'settings'] as const) {
      if (!deps?.[k]) throw new Error(`DirectLinePersonChannel: ${k} is required`);
    }
    if (!deps.settings.bot?.id) throw new Error('DirectLinePersonChannel: settings.bot is required');
  }

  /** Records the messages in order (an agent message with a client id only once) and pushes them to the streams. */
  async say(conversationId: string, channel: string, messages: PersonMessage[]): Promise<void> {
    this.check('say', channel);
    if (messages.length === 0) return;
    const reference = await this.reference(conversationId, 'say');
    const activities = messages.map((message) => {
      const activity = MessageFactory.text(message.text, message.text, InputHints.AcceptingInput);
      activity.channelData = {
        ...(message.speakerName ? { speakerName: message.speakerName, agent: true } : {}),
        ...(message.automatic ? { automatic: true } : {}),
        ...(message.clientId ? { clientActivityID: `agent:${message.clientId}` } : {}),
      };
      return activity;
    });
    await this.deps.adapter.continueConversation(reference, async (context) => {
      await context.sendActivities(activities);
    });
  }

  /** Runs a bot turn with the signal, after the conversation's running turn (so state is never raced). */
  async signal(conversationId: string, channel: string, signal: HandoffSignal): Promise<void> {
    this.check('signal', channel);
    const reference = await this.reference(conversationId, 'signal');
    const activity: Partial<Activity> = {
      type: ActivityTypes.Event,
      name: `${HANDOFF_EVENT_PREFIX}${signal.kind}`,
      value: signal,
      id: `handoff-${signal.kind}-${randomId(12)}`,
      channelId: WEBCHAT_CHANNEL,
      conversation: reference.conversation,
      // From the person, as their messages are: the replies go to them and the turn uses their state.
      from: reference.user,
      recipient: reference.bot,
    };
    await this.deps.tracker.run(conversationId, () =>
      this.deps.adapter.processActivity(activity, async (context) => {
        context.turnState.set(HANDOFF_SIGNAL_TURN, true);
        await this.deps.bot.run(context);
      }),
    );
  }

  /** «<speakerName> está escribiendo…» on this instance's open streams. */
  async typing(conversationId: string, channel: string, speakerName: string): Promise<void> {
    this.check('typing', channel);
    this.deps.adapter.pushTyping(conversationId, speakerName);
  }

  private check(method: string, channel: string): void {
    if (channel !== WEBCHAT_CHANNEL) {
      throw new Error(`DirectLinePersonChannel.${method}(): channel "${channel}" is not the web chat`);
    }
  }

  private async reference(conversationId: string, method: string): Promise<Partial<ConversationReference> & Pick<ConversationReference, 'conversation' | 'user' | 'bot'>> {
    const conversation = await this.deps.conversations.get(conversationId);
    if (!conversation) throw new Error(`DirectLinePersonChannel.${method}(): conversation ${conversationId} not found`);
    const bot = this.deps.settings.bot;
    return {
      channelId: WEBCHAT_CHANNEL,
      conversation: { id: conversationId, isGroup: false, conversationType: 'personal', name: '' },
      user: { id: conversation.userId ?? 'dl_unknown', name: '', role: 'user' },
      bot: { id: bot.id, name: bot.name, role: 'bot' },
    };
  }
}
