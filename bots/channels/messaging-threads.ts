import type { ConversationService } from '../../services/conversations/conversation.service';
import { numberedMenu } from './twilio-sms/sms-text';

/** How the text-message channels (SMS/WhatsApp, Messenger, X) find a sender's recent conversation. */
export interface ThreadStore {
  latestConversation(channel: string, userId: string): Promise<{ id: string; updatedAt: Date } | null>;
}

/** «1», «2.», « 3) »: a bare digit that answers a numbered menu. */
export const DIGIT_ANSWER = /^\s*([1-9])\s*[.)]?\s*$/;

/**
 * The sender's current conversation on a text-message channel: the newest one, unless it has been idle longer than
 * `idleMs`, then a new one. The new conversation's external id derives from the previous one (`<base>|<previous id>`),
 * so two messages racing in (two instances) both land in the same new conversation.
 */
export async function currentThread(
  deps: { threads: ThreadStore; conversations: Pick<ConversationService, 'ensure'>; clock: { now(): Date } },
  channel: string,
  sender: string,
  idleMs: number,
  base: string = sender,
): Promise<string> {
  const latest = await deps.threads.latestConversation(channel, sender);
  if (latest && deps.clock.now().getTime() - latest.updatedAt.getTime() < idleMs) return latest.id;
  const externalId = latest ? `${base}|${latest.id}` : base;
  return (await deps.conversations.ensure(channel, externalId, sender)).id;
}

/** A bare digit answers the last numbered menu the bot sent, if its last message had one; otherwise `body` as it is. */
export async function menuAnswer(conversations: Pick<ConversationService, 'get' | 'since'>, conversationId: string, body: string): Promise<string> {
  const conversation = await conversations.get(conversationId);
  if (!conversation || conversation.lastSeq === 0) return body;
  const recent = await conversations.since(conversationId, Math.max(0, conversation.lastSeq - 10));
  const lastBot = [...recent].reverse().find((r) => r.activity.type === 'message' && (r.activity.from as { role?: string } | undefined)?.role === 'bot');
  const actions = ((lastBot?.activity.suggestedActions ?? {}) as { actions?: Array<{ title?: string; value?: unknown }> }).actions ?? [];
  const digit = DIGIT_ANSWER.exec(body)?.[1] ?? '';
  const menu = numberedMenu(actions.map((a) => String(a.title ?? a.value ?? ''))).digits;
  return menu[digit] ?? body;
}
