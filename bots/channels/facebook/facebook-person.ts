import type { ConversationService } from '../../../services/conversations/conversation.service';
import { FACEBOOK_CHANNEL, MESSENGER_MAX_CHARS, type MessengerSender, type SendRequest } from '../../../services/facebook/graph-client';
import type { HandoffSignal, PersonChannel, PersonMessage } from '../../../services/handoff/handoff-types';
import { plainText, splitMessage } from '../twilio-sms/sms-text';
import { DAY_MS, type FacebookConversations, type FacebookLogger, type MessengerPeer } from './facebook-conversations';
import { messengerMessages } from './facebook-text';
import { personMessageActivity } from '../messaging-threads';

export interface FacebookPersonChannelDeps {
  facebook: FacebookConversations;
  sender: MessengerSender;
  conversations: Pick<ConversationService, 'record'>;
  clock: { now(): Date };
  bot: { id: string; name: string };
  logger: FacebookLogger;
}

/** How long after the person's last message an agent may still answer with the `HUMAN_AGENT` tag. */
export const HUMAN_AGENT_WINDOW_MS = 7 * DAY_MS;

type Policy = Pick<SendRequest, 'messaging_type' | 'tag'>;

/**
 * How the handoff service reaches a person on Messenger. Meta's rules: within 24 h of the person's last message
 * anything may be sent (`RESPONSE`); after that, and up to 7 days, only a human agent's own messages, tagged
 * `HUMAN_AGENT`; automatic messages (hold, position) and bot turns are then kept in the transcript but not sent.
 * Agent messages with a client id are recorded and sent once; signals run a bot turn whose replies are sent the same
 * way; typing shows Messenger's typing indicator.
 */
export class FacebookPersonChannel implements PersonChannel {
  constructor(private readonly deps: FacebookPersonChannelDeps) {
    for (const k of ['facebook', 'sender', 'conversations', 'clock', 'bot', 'logger'] as const) {
      if (!deps?.[k]) throw new Error(`FacebookPersonChannel: ${k} is required`);
    }
  }

  async say(conversationId: string, channel: string, messages: PersonMessage[]): Promise<void> {
    this.check('say', channel);
    if (messages.length === 0) return;
    const peer = await this.peerOf(conversationId, 'say');
    const age = await this.sinceLastMessage(conversationId);
    for (const message of messages) {
      const byAgent = Boolean(message.speakerName) && !message.automatic;
      const policy = this.policy(age, byAgent);
      const activity = personMessageActivity({
        channel: FACEBOOK_CHANNEL,
        conversationId,
        bot: this.deps.bot,
        recipientId: peer.psid,
        message,
        now: this.deps.clock.now(),
        extra: policy ? (policy.tag ? { messengerTag: policy.tag } : {}) : { undelivered: 'outside-messaging-window' },
      });
      const recorded = await this.deps.conversations.record(conversationId, 'out', activity);
      if (recorded.duplicate) continue;
      if (!policy) {
        this.deps.logger.warn({ conversationId, automatic: Boolean(message.automatic) }, 'facebook: message not sent (outside the messaging window)');
        continue;
      }
      const body = plainText(message.text);
      const text = message.speakerName ? `${message.speakerName}: ${body}` : body;
      await this.deps.facebook.deliver(peer.psid, splitMessage(text, MESSENGER_MAX_CHARS).map((t) => ({ text: t })), policy, conversationId);
    }
  }

  async signal(conversationId: string, channel: string, signal: HandoffSignal): Promise<void> {
    this.check('signal', channel);
    const peer = await this.peerOf(conversationId, 'signal');
    const replies = await this.deps.facebook.signalTurn(conversationId, signal, peer);
    const policy = this.policy(await this.sinceLastMessage(conversationId), false);
    if (!policy) {
      this.deps.logger.warn({ conversationId, signal: signal.kind }, 'facebook: bot replies not sent (outside the 24-hour window)');
      return;
    }
    await this.deps.facebook.deliver(peer.psid, messengerMessages(replies), policy, conversationId);
  }

  async typing(conversationId: string, channel: string): Promise<void> {
    this.check('typing', channel);
    const peer = await this.deps.facebook.peer(conversationId);
    if (!peer || !this.policy(await this.sinceLastMessage(conversationId), false)) return;
    try {
      await this.deps.sender.send({ recipient: { id: peer.psid }, messaging_type: 'RESPONSE', sender_action: 'typing_on' });
    } catch (err) {
      this.deps.logger.warn({ err, conversationId }, 'facebook: typing indicator not sent');
    }
  }

  /** RESPONSE within 24 h; HUMAN_AGENT for an agent's own message within 7 days; otherwise nothing may be sent. */
  private policy(ageMs: number | null, byAgent: boolean): Policy | null {
    if (ageMs === null) return null;
    if (ageMs < DAY_MS) return { messaging_type: 'RESPONSE' };
    if (byAgent && ageMs < HUMAN_AGENT_WINDOW_MS) return { messaging_type: 'MESSAGE_TAG', tag: 'HUMAN_AGENT' };
    return null;
  }

  private async sinceLastMessage(conversationId: string): Promise<number | null> {
    const last = await this.deps.facebook.lastPersonMessageAt(conversationId);
    return last ? Math.max(0, this.deps.clock.now().getTime() - last.getTime()) : null;
  }

  private async peerOf(conversationId: string, method: string): Promise<MessengerPeer> {
    const peer = await this.deps.facebook.peer(conversationId);
    if (!peer) throw new Error(`FacebookPersonChannel.${method}(): Messenger conversation ${conversationId} not found`);
    return peer;
  }

  private check(method: string, channel: string): void {
    if (channel !== FACEBOOK_CHANNEL) throw new Error(`FacebookPersonChannel.${method}(): channel "${channel}" is not Messenger`);
  }
}
