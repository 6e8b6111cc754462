import type { ConversationService } from '../../../services/conversations/conversation.service';
import type { HandoffSignal, PersonChannel, PersonMessage } from '../../../services/handoff/handoff-types';
import { X_CHANNEL, type XConversations, type XPeer } from './x-conversations';
import { plainText, splitMessage } from '../twilio-sms/sms-text';
import { X_DM_MAX_CHARS } from '../../../services/x/dm-client';
import { personMessageActivity } from '../messaging-threads';

export interface XPersonChannelDeps {
  x: XConversations;
  conversations: Pick<ConversationService, 'record'>;
  clock: { now(): Date };
  bot: { id: string; name: string };
}

/**
 * How the handoff service reaches a person on X: agent and automatic messages are recorded in the transcript (an
 * agent message with a client id once) and sent as direct messages; signals run a bot turn whose replies are sent
 * the same way; typing is not shown (the v2 DM API has no typing indicator).
 */
export class XPersonChannel implements PersonChannel {
  constructor(private readonly deps: XPersonChannelDeps) {
    for (const k of ['x', 'conversations', 'clock', 'bot'] as const) {
      if (!deps?.[k]) throw new Error(`XPersonChannel: ${k} is required`);
    }
  }

  async say(conversationId: string, channel: string, messages: PersonMessage[]): Promise<void> {
    this.check('say', channel);
    if (messages.length === 0) return;
    const peer = await this.peerOf(conversationId, 'say');
    for (const message of messages) {
      const activity = personMessageActivity({
        channel: X_CHANNEL,
        conversationId,
        bot: this.deps.bot,
        recipientId: peer.person,
        message,
        now: this.deps.clock.now(),
      });
      const recorded = await this.deps.conversations.record(conversationId, 'out', activity);
      if (recorded.duplicate) continue;
      const text = message.speakerName ? `${message.speakerName}: ${plainText(message.text)}` : plainText(message.text);
      await this.deps.x.send(peer, splitMessage(text, X_DM_MAX_CHARS), conversationId);
    }
  }

  async signal(conversationId: string, channel: string, signal: HandoffSignal): Promise<void> {
    this.check('signal', channel);
    const peer = await this.peerOf(conversationId, 'signal');
    const replies = await this.deps.x.signalTurn(conversationId, signal, peer);
    await this.deps.x.send(peer, this.deps.x.parts(replies), conversationId);
  }

  async typing(_conversationId: string, channel: string): Promise<void> {
    this.check('typing', channel);
  }

  private async peerOf(conversationId: string, method: string): Promise<XPeer> {
    const peer = await this.deps.x.peer(conversationId);
    if (!peer) throw new Error(`XPersonChannel.${method}(): conversation ${conversationId} not found`);
    return peer;
  }

  private check(method: string, channel: string): void {
    if (channel !== X_CHANNEL) throw new Error(`XPersonChannel.${method}(): channel "${channel}" is not X`);
  }
}
