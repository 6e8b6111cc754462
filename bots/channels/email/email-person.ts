import type { ConversationService } from '../../../services/conversations/conversation.service';
import { EMAIL_CHANNEL } from '../../../services/email/email-types';
import type { HandoffSignal, PersonChannel, PersonMessage } from '../../../services/handoff/handoff-types';
import { personMessageActivity } from '../messaging-threads';
import { type EmailConversations, type EmailLogger, textsOf } from './email-conversations';

export interface EmailPersonChannelDeps {
  email: EmailConversations;
  conversations: Pick<ConversationService, 'record' | 'get'>;
  clock: { now(): Date };
  bot: { id: string; name: string };
  logger: EmailLogger;
}

/**
 * How the handoff service reaches a person by e-mail. An agent's message is one e-mail in the thread, signed with the
 * agent's name; automatic messages (hold, queue position) are kept in the transcript but not mailed — a person who
 * wrote an e-mail is not waiting on the line, and a mailbox must not fill with them. Signals run a bot turn whose
 * replies go out as one e-mail. There is no typing indicator.
 */
export class EmailPersonChannel implements PersonChannel {
  constructor(private readonly deps: EmailPersonChannelDeps) {
    for (const k of ['email', 'conversations', 'clock', 'bot', 'logger'] as const) {
      if (!deps?.[k]) throw new Error(`EmailPersonChannel: ${k} is required`);
    }
  }

  async say(conversationId: string, channel: string, messages: PersonMessage[]): Promise<void> {
    this.check('say', channel);
    const conversation = await this.deps.conversations.get(conversationId);
    if (!conversation?.userId) throw new Error(`EmailPersonChannel.say(): e-mail conversation ${conversationId} not found`);
    for (const message of messages) {
      const activity = personMessageActivity({
        channel: EMAIL_CHANNEL,
        conversationId,
        bot: this.deps.bot,
        recipientId: conversation.userId,
        message,
        now: this.deps.clock.now(),
        ...(message.automatic ? { extra: { undelivered: 'automatic-not-mailed' } } : {}),
      });
      const recorded = await this.deps.conversations.record(conversationId, 'out', activity);
      // A retried agent message (recorded before, maybe not mailed) is queued again: the outbox key makes it one e-mail.
      if (message.automatic) continue;
      const key = `agent:${conversationId}:${message.clientId ?? recorded.activity.id ?? recorded.seq}`;
      const sent = await this.deps.email.sendInThread(conversationId, [message.text], key, message.speakerName);
      if (!sent) this.deps.logger.warn({ conversationId }, 'email: agent message not mailed (no thread to answer)');
    }
  }

  async signal(conversationId: string, channel: string, signal: HandoffSignal): Promise<void> {
    this.check('signal', channel);
    const conversation = await this.deps.conversations.get(conversationId);
    if (!conversation?.userId) throw new Error(`EmailPersonChannel.signal(): e-mail conversation ${conversationId} not found`);
    const replies = await this.deps.email.signalTurn(conversationId, signal, conversation.userId);
    const texts = textsOf(replies);
    if (texts.length === 0) return;
    const key = `signal:${conversationId}:${replies.map((r) => r.id ?? '').join(',')}`;
    await this.deps.email.sendInThread(conversationId, texts, key);
  }

  async typing(): Promise<void> {
    // E-mail has no typing indicator.
  }

  private check(method: string, channel: string): void {
    if (channel !== EMAIL_CHANNEL) throw new Error(`EmailPersonChannel.${method}(): channel "${channel}" is not e-mail`);
  }
}
