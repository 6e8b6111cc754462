import { type Activity, type ActivityHandler, ActivityTypes } from 'botbuilder';
import type { ActivityJson, ConversationService } from '../../services/conversations/conversation.service';
import { HANDOFF_EVENT_PREFIX, type HandoffSignal } from '../../services/handoff/handoff-types';
import type { TurnTracker } from '../turn-tracker';
import { HANDOFF_SIGNAL_TURN } from '../ventanilla.bot';
import type { TwilioTurnAdapter } from './twilio-voice/twilio-voice.adapter';
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

/** A message the handoff service sends to a person on a text-message channel (agent, hold or automatic text). */
export interface OutgoingPersonMessage {
  text: string;
  speakerName?: string | undefined;
  automatic?: boolean | undefined;
  clientId?: string | undefined;
}

/**
 * The transcript activity of a message to the person on a text-message channel: said by the agent (`speakerName`)
 * or the bot, marked automatic, and recorded once per `clientId` (a retried agent message). `extra` adds channel data.
 */
export function personMessageActivity(p: {
  channel: string;
  conversationId: string;
  bot: { id: string; name: string };
  recipientId: string;
  message: OutgoingPersonMessage;
  now: Date;
  extra?: Record<string, unknown>;
}): ActivityJson {
  const { message } = p;
  return {
    type: 'message',
    channelId: p.channel,
    conversation: { id: p.conversationId },
    from: { id: p.bot.id, name: message.speakerName ?? p.bot.name, role: 'bot' },
    recipient: { id: p.recipientId, role: 'user' },
    text: message.text,
    timestamp: p.now.toISOString(),
    channelData: {
      ...(message.speakerName ? { speakerName: message.speakerName, agent: true } : {}),
      ...(message.automatic ? { automatic: true } : {}),
      ...(message.clientId ? { clientActivityID: `agent:${message.clientId}` } : {}),
      ...p.extra,
    },
  };
}

/** What {@link runSignalTurn} needs of a channel that answers outside a webhook's request. */
export interface SignalTurnDeps {
  adapter: Pick<TwilioTurnAdapter, 'runTurn'>;
  bot: Pick<ActivityHandler, 'run'>;
  tracker: TurnTracker;
  clock: { now(): Date };
  botAccount: { id: string; name: string };
}

/**
 * Runs a handoff signal's bot turn for a conversation of `channel` with `person` (SMS/WhatsApp, Messenger, X, e-mail):
 * the signal as an event activity, marked as sent by the handoff service, in the conversation's turn order. Returns the
 * bot's replies for the channel to deliver.
 */
export function runSignalTurn(
  deps: SignalTurnDeps,
  channel: string,
  conversationId: string,
  signal: HandoffSignal,
  person: string,
): Promise<Partial<Activity>[]> {
  const activity: Partial<Activity> = {
    type: ActivityTypes.Event,
    name: `${HANDOFF_EVENT_PREFIX}${signal.kind}`,
    value: signal,
    id: `handoff-${signal.kind}-${deps.clock.now().getTime().toString(36)}`,
    channelId: channel,
    conversation: { id: conversationId } as Activity['conversation'],
    from: { id: person, name: '', role: 'user' } as Activity['from'],
    recipient: { id: deps.botAccount.id, name: deps.botAccount.name, role: 'bot' } as Activity['recipient'],
  };
  return deps.tracker.run(conversationId, () => deps.adapter.runTurn(activity, (context) => deps.bot.run(context), [[HANDOFF_SIGNAL_TURN, true]]));
}

