import type { ConversationService } from '../../../services/conversations/conversation.service';
import type { HandoffSignal, PersonChannel, PersonMessage } from '../../../services/handoff/handoff-types';
import type { TwilioRestClient } from '../../../services/twilio/rest-client';
import { SMS_CHANNEL, WHATSAPP_CHANNEL } from '../../../services/voice/voice-types';
import type { SmsConversations, SmsPeer } from './sms-conversations';
import { plainText, splitMessage } from './sms-text';
import { personMessageActivity } from '../messaging-threads';

export interface SmsPersonChannelDeps {
  sms: SmsConversations;
  rest: Pick<TwilioRestClient, 'sendMessage'>;
  conversations: Pick<ConversationService, 'record'>;
  clock: { now(): Date };
  bot: { id: string; name: string };
  /** TWILIO_PHONE_NUMBER: sender when the conversation does not say which of our numbers the person wrote to. */
  phoneNumber: string | undefined;
  logger: { warn(obj: object, msg?: string): void; error(obj: object, msg?: string): void };
}

/**
 * How the handoff service reaches a person on SMS or WhatsApp: agent and automatic messages are recorded in the
 * transcript (an agent message with a client id once) and sent through Twilio's REST API from the number the person
 * wrote to; signals run a bot turn whose replies are sent the same way; typing means nothing here.
 */
export class SmsPersonChannel implements PersonChannel {
  constructor(private readonly deps: SmsPersonChannelDeps) {
    for (const k of ['sms', 'rest', 'conversations', 'clock', 'bot', 'logger'] as const) {
      if (!deps?.[k]) throw new Error(`SmsPersonChannel: ${k} is required`);
    }
  }

  async say(conversationId: string, channel: string, messages: PersonMessage[]): Promise<void> {
    this.check('say', channel);
    if (messages.length === 0) return;
    const peer = await this.peerOf(conversationId, 'say');
    for (const message of messages) {
      const activity = personMessageActivity({
        channel: channel,
        conversationId,
        bot: this.deps.bot,
        recipientId: peer.person,
        message,
        now: this.deps.clock.now(),
      });
      const recorded = await this.deps.conversations.record(conversationId, 'out', activity);
      if (recorded.duplicate) continue;
      const text = message.speakerName ? `${message.speakerName}: ${plainText(message.text)}` : plainText(message.text);
      await this.send(peer, splitMessage(text));
    }
  }

  async signal(conversationId: string, channel: string, signal: HandoffSignal): Promise<void> {
    this.check('signal', channel);
    const peer = await this.peerOf(conversationId, 'signal');
    const replies = await this.deps.sms.signalTurn(conversationId, signal, peer);
    await this.send(peer, this.deps.sms.parts(replies));
  }

  async typing(_conversationId: string, channel: string): Promise<void> {
    this.check('typing', channel);
  }

  private async send(peer: SmsPeer, bodies: string[]): Promise<void> {
    const from = peer.ours ?? (this.deps.phoneNumber ? (peer.channel === WHATSAPP_CHANNEL ? `whatsapp:${this.deps.phoneNumber}` : this.deps.phoneNumber) : null);
    if (!from) {
      this.deps.logger.error({ channel: peer.channel }, 'sms: no number to send from (set TWILIO_PHONE_NUMBER)');
      return;
    }
    for (const body of bodies) await this.deps.rest.sendMessage({ to: peer.person, from, body });
  }

  private async peerOf(conversationId: string, method: string): Promise<SmsPeer> {
    const peer = await this.deps.sms.peer(conversationId);
    if (!peer) throw new Error(`SmsPersonChannel.${method}(): conversation ${conversationId} not found`);
    return peer;
  }

  private check(method: string, channel: string): void {
    if (channel !== SMS_CHANNEL && channel !== WHATSAPP_CHANNEL) {
      throw new Error(`SmsPersonChannel.${method}(): channel "${channel}" is not SMS or WhatsApp`);
    }
  }
}
