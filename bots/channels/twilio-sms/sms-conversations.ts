import { type Activity, type ActivityHandler, ActivityTypes } from 'botbuilder';
import type { CallRepository } from '../../../models';
import type { ActivityJson, ConversationService } from '../../../services/conversations/conversation.service';
import type { HandoffSignal } from '../../../services/handoff/handoff-types';
import { MessagingTwiml } from '../../../services/twilio/twiml';
import type { TwilioParams } from '../../../services/twilio/signature';
import { SMS_CHANNEL, WHATSAPP_CHANNEL } from '../../../services/voice/voice-types';
import type { TurnTracker } from '../../turn-tracker';
import { param } from '../twilio-voice/twilio-webhook';
import { MissingParameterError } from '../twilio-voice/voice-calls';
import type { TwilioSmsAdapter } from './twilio-sms.adapter';
import { currentThread, DIGIT_ANSWER, menuAnswer, runSignalTurn } from '../messaging-threads';
import { numberedMenu, plainText, splitMessage, SMS_MAX_CHARS } from './sms-text';

export interface SmsConversationsDeps {
  adapter: TwilioSmsAdapter;
  bot: Pick<ActivityHandler, 'run'>;
  conversations: Pick<ConversationService, 'ensure' | 'get' | 'since'>;
  /** The newest thread of a sender (`latestConversation`). */
  threads: Pick<CallRepository, 'latestConversation'>;
  tracker: TurnTracker;
  clock: { now(): Date };
  botAccount: { id: string; name: string };
  /** A thread without activity for this long starts anew (24 h). */
  threadIdleMs?: number;
  maxChars?: number;
}

const DAY_MS = 24 * 3600 * 1000;

/** What a conversation's text messages come from and go to. */
export interface SmsPeer {
  channel: string;
  /** The person's address (`+52…` or `whatsapp:+52…`). */
  person: string;
  /** Our number that they wrote to (the sender of our replies). */
  ours: string | null;
}

/**
 * SMS and WhatsApp turns: one conversation per sender (a new one after 24 h without activity), a retried webhook
 * (same MessageSid) runs no second turn and gets the first answer again, digits answer the last numbered menu, and
 * replies go back as plain-text `<Message>`s under 1,600 characters.
 */
export class SmsConversations {
  private readonly idleMs: number;
  private readonly maxChars: number;

  constructor(readonly deps: SmsConversationsDeps) {
    for (const k of ['adapter', 'bot', 'conversations', 'threads', 'tracker', 'clock', 'botAccount'] as const) {
      if (!deps?.[k]) throw new Error(`SmsConversations: ${k} is required`);
    }
    this.idleMs = deps.threadIdleMs ?? DAY_MS;
    this.maxChars = deps.maxChars ?? SMS_MAX_CHARS;
  }

  /** `POST /api/twilio/sms`: an incoming message → a turn → MessagingTwiml. */
  async incoming(params: TwilioParams): Promise<string> {
    const from = param(params, 'From');
    const messageSid = param(params, 'MessageSid') ?? param(params, 'SmsSid');
    if (!from) throw new MissingParameterError('From');
    if (!messageSid) throw new MissingParameterError('MessageSid');
    const channel = from.startsWith('whatsapp:') ? WHATSAPP_CHANNEL : SMS_CHANNEL;
    const conversationId = await currentThread(this.deps, channel, from, this.idleMs);
    const body = param(params, 'Body') ?? '';
    return this.deps.tracker.run(conversationId, async () => {
      const text = DIGIT_ANSWER.test(body) ? await menuAnswer(this.deps.conversations, conversationId, body) : body;
      const activity: ActivityJson = {
        type: ActivityTypes.Message,
        channelId: channel,
        from: { id: from, role: 'user' },
        recipient: { id: this.deps.botAccount.id, name: this.deps.botAccount.name, role: 'bot' },
        text,
        locale: 'es-MX',
        channelData: {
          clientActivityID: `twilio:${messageSid}`,
          to: param(params, 'To') ?? null,
          numMedia: Number(param(params, 'NumMedia') ?? 0) || 0,
          ...(text !== body ? { typed: body } : {}),
        },
      };
      const outcome = await this.deps.adapter.processActivity(conversationId, activity, (context) => this.deps.bot.run(context));
      const replies = outcome.ran ? outcome.outgoing : await this.repliesTo(conversationId, outcome.inbound.seq, String(outcome.inbound.activity.id));
      return this.twiml(replies);
    });
  }

  /** The bot's replies as MessagingTwiml. */
  twiml(activities: readonly Partial<Activity>[]): string {
    const twiml = new MessagingTwiml();
    for (const part of this.parts(activities)) twiml.message(part);
    return twiml.toString();
  }

  /** The bot's messages as plain text, joined and split into message bodies. */
  parts(activities: readonly Partial<Activity>[]): string[] {
    const texts: string[] = [];
    for (const a of activities) {
      if ((a.type ?? ActivityTypes.Message) !== ActivityTypes.Message) continue;
      const titles = (a.suggestedActions?.actions ?? []).map((x) => String(x.title ?? x.value ?? ''));
      const body = plainText(String(a.text ?? ''));
      const text = [body, numberedMenu(titles, body).text].filter((t) => t !== '').join('\n');
      if (text !== '') texts.push(text);
    }
    return texts.length === 0 ? [] : splitMessage(texts.join('\n\n'), this.maxChars);
  }

  /** Runs a handoff signal's turn for a text conversation; returns the replies to send. */
  async signalTurn(conversationId: string, signal: HandoffSignal, peer: SmsPeer): Promise<Partial<Activity>[]> {
    return runSignalTurn(this.deps, peer.channel, conversationId, signal, peer.person);
  }

  /** Who a text conversation is with, from its first inbound message. */
  async peer(conversationId: string): Promise<SmsPeer | null> {
    const conversation = await this.deps.conversations.get(conversationId);
    if (!conversation?.userId) return null;
    const [first] = await this.deps.conversations.since(conversationId, 0, 1);
    const data = (first?.activity.channelData ?? {}) as { to?: unknown };
    return { channel: conversation.channel, person: conversation.userId, ours: typeof data.to === 'string' ? data.to : null };
  }



  /** The replies recorded for an earlier inbound activity (a retried webhook gets them again). */
  private async repliesTo(conversationId: string, seq: number, inboundId: string): Promise<Partial<Activity>[]> {
    const after = await this.deps.conversations.since(conversationId, seq, 50);
    return after.filter((r) => r.activity.replyToId === inboundId).map((r) => r.activity as Partial<Activity>);
  }
}
