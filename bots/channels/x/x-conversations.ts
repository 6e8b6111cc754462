import { type Activity, type ActivityHandler, ActivityTypes } from 'botbuilder';
import type { CallRepository } from '../../../models';
import type { ActivityJson, ConversationService } from '../../../services/conversations/conversation.service';
import type { HandoffSignal } from '../../../services/handoff/handoff-types';
import { type XDmClient, X_DM_MAX_CHARS } from '../../../services/x/dm-client';
import type { TurnTracker } from '../../turn-tracker';
import { currentThread, DIGIT_ANSWER, menuAnswer, runSignalTurn } from '../messaging-threads';
import { numberedMenu, plainText, splitMessage } from '../twilio-sms/sms-text';
import type { XAdapter } from './x.adapter';

/** The channel id of X direct messages. */
export const X_CHANNEL = 'x';

/** A direct message event of the Account Activity API (`direct_message_events[]`), as documented. */
export interface XDirectMessageEvent {
  type?: string;
  id?: string;
  created_timestamp?: string;
  message_create?: {
    target?: { recipient_id?: string };
    sender_id?: string;
    source_app_id?: string;
    message_data?: {
      text?: string;
      quick_reply_response?: { type?: string; metadata?: string };
      attachment?: unknown;
    };
  };
}

/** The body of an Account Activity delivery (only what this channel reads). */
export interface XActivityPayload {
  for_user_id?: string;
  direct_message_events?: XDirectMessageEvent[];
  users?: Record<string, { id?: string; name?: string; screen_name?: string }>;
}

export interface XLogger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

export interface XConversationsDeps {
  adapter: XAdapter;
  bot: Pick<ActivityHandler, 'run'>;
  conversations: Pick<ConversationService, 'ensure' | 'get' | 'since'>;
  /** The newest conversation of a sender (`latestConversation`). */
  threads: Pick<CallRepository, 'latestConversation'>;
  client: XDmClient;
  tracker: TurnTracker;
  clock: { now(): Date };
  botAccount: { id: string; name: string };
  logger: XLogger;
  /** A conversation without activity for this long starts anew (24 h). */
  threadIdleMs?: number;
  maxChars?: number;
}

/** Who an X conversation is with. */
export interface XPeer {
  /** The person's X user id (the DM participant). */
  person: string;
  /** Our account's user id (`for_user_id`), when known. */
  ours: string | null;
}

/** What one delivery did. */
export interface XDeliveryOutcome {
  /** Turns run (one per new direct message from a person). */
  turns: number;
  /** Redelivered events (same event id): no turn. */
  duplicates: number;
  /** Events that are not one-to-one messages from a person to our account (our own messages, typing, other kinds). */
  ignored: number;
}

const DAY_MS = 24 * 3600 * 1000;

/**
 * X direct-message turns: one conversation per sender (a new one after 24 h without activity); a redelivered event
 * (same event id, kept as `channelData.clientActivityID`) runs no second turn and sends nothing; messages our own
 * account sent are ignored; digits answer the last numbered menu; replies go out through the v2 DM endpoint as plain
 * text under 10,000 characters per message.
 */
export class XConversations {
  private readonly idleMs: number;
  private readonly maxChars: number;

  constructor(readonly deps: XConversationsDeps) {
    for (const k of ['adapter', 'bot', 'conversations', 'threads', 'client', 'tracker', 'clock', 'botAccount', 'logger'] as const) {
      if (!deps?.[k]) throw new Error(`XConversations: ${k} is required`);
    }
    this.idleMs = deps.threadIdleMs ?? DAY_MS;
    this.maxChars = Math.min(deps.maxChars ?? X_DM_MAX_CHARS, X_DM_MAX_CHARS);
  }

  /** `POST /api/x/webhook` (signature already checked): each one-to-one DM to our account becomes a turn. */
  async delivery(payload: XActivityPayload): Promise<XDeliveryOutcome> {
    const outcome: XDeliveryOutcome = { turns: 0, duplicates: 0, ignored: 0 };
    const ours = typeof payload.for_user_id === 'string' && payload.for_user_id !== '' ? payload.for_user_id : null;
    const events = Array.isArray(payload.direct_message_events) ? payload.direct_message_events : [];
    for (const event of events) {
      const message = event?.message_create;
      const sender = message?.sender_id;
      const recipient = message?.target?.recipient_id;
      if (event?.type !== 'message_create' || !event.id || !sender || !recipient || ours === null || sender === ours || recipient !== ours) {
        outcome.ignored += 1;
        continue;
      }
      const name = payload.users?.[sender]?.name;
      const ran = await this.message(event as Required<Pick<XDirectMessageEvent, 'id'>> & XDirectMessageEvent, sender, ours, name);
      if (ran) outcome.turns += 1;
      else outcome.duplicates += 1;
    }
    return outcome;
  }

  /** The bot's messages as plain text, joined and split into DM texts. */
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

  /** Sends texts to the person, in order; a failure is logged and stops the rest (the transcript keeps them). */
  async send(peer: XPeer, texts: readonly string[], conversationId: string): Promise<number> {
    let sent = 0;
    for (const text of texts) {
      try {
        await this.deps.client.sendMessage(peer.person, text);
        sent += 1;
      } catch (err) {
        this.deps.logger.error({ err, conversationId, sent, pending: texts.length - sent }, 'x: direct message not sent');
        break;
      }
    }
    return sent;
  }

  /** Runs a handoff signal's turn for an X conversation; returns the replies to send. */
  async signalTurn(conversationId: string, signal: HandoffSignal, peer: XPeer): Promise<Partial<Activity>[]> {
    return runSignalTurn(this.deps, X_CHANNEL, conversationId, signal, peer.person);
  }

  /** Who an X conversation is with, from its first inbound message. */
  async peer(conversationId: string): Promise<XPeer | null> {
    const conversation = await this.deps.conversations.get(conversationId);
    if (!conversation?.userId || conversation.channel !== X_CHANNEL) return null;
    const [first] = await this.deps.conversations.since(conversationId, 0, 1);
    const data = (first?.activity.channelData ?? {}) as { forUserId?: unknown };
    return { person: conversation.userId, ours: typeof data.forUserId === 'string' ? data.forUserId : null };
  }

  /** One DM: a turn (false when it was a redelivery), its replies sent. */
  private async message(event: XDirectMessageEvent & { id: string }, sender: string, ours: string, name: string | undefined): Promise<boolean> {
    const conversationId = await currentThread(this.deps, X_CHANNEL, sender, this.idleMs);
    const data = event.message_create?.message_data;
    const typed = data?.text ?? '';
    const quickReply = data?.quick_reply_response?.metadata;
    return this.deps.tracker.run(conversationId, async () => {
      const text = quickReply ? quickReply : DIGIT_ANSWER.test(typed) ? await menuAnswer(this.deps.conversations, conversationId, typed) : typed;
      const activity: ActivityJson = {
        type: ActivityTypes.Message,
        channelId: X_CHANNEL,
        from: { id: sender, ...(name ? { name } : {}), role: 'user' },
        recipient: { id: this.deps.botAccount.id, name: this.deps.botAccount.name, role: 'bot' },
        text,
        locale: 'es-MX',
        channelData: {
          clientActivityID: `x:${event.id}`,
          forUserId: ours,
          ...(event.created_timestamp ? { createdTimestamp: event.created_timestamp } : {}),
          ...(data?.attachment ? { attachment: true } : {}),
          ...(text !== typed ? { typed } : {}),
        },
      };
      const outcome = await this.deps.adapter.processActivity(conversationId, activity, (context) => this.deps.bot.run(context));
      if (!outcome.ran) return false;
      await this.send({ person: sender, ours }, this.parts(outcome.outgoing), conversationId);
      return true;
    });
  }


}
