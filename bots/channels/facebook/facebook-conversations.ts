import { type Activity, type ActivityHandler, ActivityTypes } from 'botbuilder';
import type { CallRepository } from '../../../models';
import type { ActivityJson, ConversationService } from '../../../services/conversations/conversation.service';
import { FACEBOOK_CHANNEL, type MessengerSender, type SendRequest } from '../../../services/facebook/graph-client';
import type { HandoffSignal } from '../../../services/handoff/handoff-types';
import type { TurnTracker } from '../../turn-tracker';
import type { FacebookAdapter } from './facebook.adapter';
import { type MessengerMessage, messengerMessages } from './facebook-text';
import { currentThread, runSignalTurn } from '../messaging-threads';

/** One `entry[].messaging[]` (or `standby[]`) event, as Meta documents it (fields we read). */
export interface MessagingEvent {
  sender?: { id?: string };
  recipient?: { id?: string };
  timestamp?: number;
  message?: {
    mid?: string;
    text?: string;
    is_echo?: boolean;
    quick_reply?: { payload?: string };
    attachments?: Array<{ type?: string; payload?: { url?: string } | null }>;
  };
  postback?: { mid?: string; title?: string; payload?: string };
}

/** The webhook body: `{ object: 'page', entry: [{ id, time, messaging: [...] | standby: [...] }] }`. */
export interface MessengerWebhookBody {
  object?: string;
  entry?: Array<{ id?: string; time?: number; messaging?: MessagingEvent[]; standby?: MessagingEvent[] }>;
}

export interface FacebookLogger {
  info?(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

export interface FacebookConversationsDeps {
  adapter: FacebookAdapter;
  bot: Pick<ActivityHandler, 'run'>;
  conversations: Pick<ConversationService, 'ensure' | 'get' | 'since' | 'record'>;
  /** The newest thread of a sender (`latestConversation`). */
  threads: Pick<CallRepository, 'latestConversation'>;
  tracker: TurnTracker;
  clock: { now(): Date };
  botAccount: { id: string; name: string };
  sender: MessengerSender;
  logger: FacebookLogger;
  /** A thread without activity for this long starts anew (24 h). */
  threadIdleMs?: number;
}

/** Who a Messenger conversation is with. */
export interface MessengerPeer {
  /** The person's page-scoped id (PSID). */
  psid: string;
  /** Our page's id, from their first message; null when unknown. */
  pageId: string | null;
}

export const DAY_MS = 24 * 3600 * 1000;

const ATTACHMENT_TYPES: Record<string, string> = { image: 'image/*', video: 'video/*', audio: 'audio/*', file: 'application/octet-stream' };

/**
 * Messenger turns: one conversation per page + PSID (a new one after 24 h without activity), a redelivered event
 * (same `message.mid`) runs no second turn, echoes of our own messages are ignored, `standby` events (another app
 * holds the thread) are only recorded, and the bot's replies go out through the Send API as plain text with quick
 * replies. The webhook is answered before the events are processed; events of one sender run in order.
 */
export class FacebookConversations {
  private readonly idleMs: number;
  /** Per sender: the end of their queued events (so two quick messages keep their order). */
  private readonly tails = new Map<string, Promise<void>>();
  private readonly pending = new Set<Promise<void>>();

  constructor(readonly deps: FacebookConversationsDeps) {
    for (const k of ['adapter', 'bot', 'conversations', 'threads', 'tracker', 'clock', 'botAccount', 'sender', 'logger'] as const) {
      if (!deps?.[k]) throw new Error(`FacebookConversations: ${k} is required`);
    }
    this.idleMs = deps.threadIdleMs ?? DAY_MS;
  }

  /** Queues a verified webhook body's events and returns at once (Meta wants its 200 quickly). */
  accept(body: MessengerWebhookBody): void {
    if (body?.object !== 'page' || !Array.isArray(body.entry)) return;
    for (const entry of body.entry) {
      const pageId = typeof entry?.id === 'string' ? entry.id : null;
      const events = [
        ...(Array.isArray(entry?.messaging) ? entry.messaging.map((e) => [e, false] as const) : []),
        ...(Array.isArray(entry?.standby) ? entry.standby.map((e) => [e, true] as const) : []),
      ];
      for (const [event, standby] of events) {
        const psid = event?.sender?.id;
        if (typeof psid !== 'string' || psid === '') continue;
        this.enqueue(psid, () => this.handle(pageId, event, standby));
      }
    }
  }

  /** Resolves when every accepted event has been processed (or after `timeoutMs`); true when idle. */
  async idle(timeoutMs = 30_000): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (this.pending.size > 0) {
      const left = deadline - Date.now();
      if (left <= 0) return false;
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([Promise.allSettled([...this.pending]), new Promise((r) => (timer = setTimeout(r, left)))]);
      clearTimeout(timer);
    }
    return true;
  }

  /** Processes one event (exposed for tests; `accept` is the webhook's way in). */
  async handle(pageId: string | null, event: MessagingEvent, standby = false): Promise<void> {
    const psid = event.sender?.id;
    if (!psid) return;
    const message = event.message;
    if (message?.is_echo) return; // our own (or the page inbox's) message, echoed back
    const postback = !message ? event.postback : undefined;
    const mid = message?.mid ?? postback?.mid;
    if (!mid) return; // deliveries, reads, reactions…: nothing to answer
    const conversationId = await currentThread(this.deps, FACEBOOK_CHANNEL, psid, this.idleMs, `${pageId ?? 'page'}|${psid}`);

    const typed = message ? (message.text ?? '') : (postback?.title ?? '');
    const quickReply = message?.quick_reply?.payload;
    const text = quickReply !== undefined && quickReply !== '' ? quickReply : typed;
    const attachments = (message?.attachments ?? [])
      .filter((a) => a && typeof a.type === 'string')
      .map((a) => ({
        contentType: ATTACHMENT_TYPES[a.type as string] ?? `application/vnd.facebook.${a.type as string}`,
        ...(typeof a.payload?.url === 'string' ? { contentUrl: a.payload.url } : {}),
        name: a.type as string,
      }));
    const activity: ActivityJson = {
      type: ActivityTypes.Message,
      channelId: FACEBOOK_CHANNEL,
      from: { id: psid, role: 'user' },
      recipient: { id: this.deps.botAccount.id, name: this.deps.botAccount.name, role: 'bot' },
      text,
      locale: 'es-MX',
      ...(attachments.length > 0 ? { attachments } : {}),
      channelData: {
        clientActivityID: `facebook:${mid}`,
        pageId,
        ...(typeof event.timestamp === 'number' ? { sentAt: new Date(event.timestamp).toISOString() } : {}),
        ...(text !== typed ? { typed } : {}),
        ...(postback ? { postback: postback.payload ?? null } : {}),
        ...(standby ? { standby: true } : {}),
      },
    };

    if (standby) {
      // Another app (the page inbox) has the thread: keep what the person said, answer nothing.
      await this.deps.conversations.record(conversationId, 'in', {
        ...activity,
        conversation: { id: conversationId },
        timestamp: this.deps.clock.now().toISOString(),
      });
      return;
    }
    await this.deps.tracker.run(conversationId, async () => {
      const outcome = await this.deps.adapter.processActivity(conversationId, activity, (context) => this.deps.bot.run(context));
      if (!outcome.ran) return; // a redelivered event: its turn ran (and was answered) already
      await this.deliver(psid, messengerMessages(outcome.outgoing), { messaging_type: 'RESPONSE' }, conversationId);
    });
  }

  /** Runs a handoff signal's turn for a Messenger conversation; returns the replies to send. */
  async signalTurn(conversationId: string, signal: HandoffSignal, peer: MessengerPeer): Promise<Partial<Activity>[]> {
    return runSignalTurn(this.deps, FACEBOOK_CHANNEL, conversationId, signal, peer.psid);
  }

  /**
   * Sends messages to a PSID, in order. A failure (after the client's retries) is logged and stops the rest, so the
   * person never gets a later message without the earlier one; the transcript keeps them all.
   */
  async deliver(
    psid: string,
    messages: readonly MessengerMessage[],
    policy: Pick<SendRequest, 'messaging_type' | 'tag'>,
    conversationId: string,
  ): Promise<boolean> {
    for (const m of messages) {
      try {
        await this.deps.sender.send({
          recipient: { id: psid },
          ...policy,
          message: { text: m.text, ...(m.quickReplies && m.quickReplies.length > 0 ? { quick_replies: m.quickReplies } : {}) },
        });
      } catch (err) {
        this.deps.logger.error({ err, conversationId }, 'facebook: a message could not be sent');
        return false;
      }
    }
    return true;
  }

  /** Who a Messenger conversation is with (null when it is not one of ours). */
  async peer(conversationId: string): Promise<MessengerPeer | null> {
    const conversation = await this.deps.conversations.get(conversationId);
    if (!conversation?.userId || conversation.channel !== FACEBOOK_CHANNEL) return null;
    const [first] = await this.deps.conversations.since(conversationId, 0, 1);
    const data = (first?.activity.channelData ?? {}) as { pageId?: unknown };
    return { psid: conversation.userId, pageId: typeof data.pageId === 'string' ? data.pageId : null };
  }

  /** When the person last wrote in this conversation (Messenger's 24-hour window starts there); null if unknown. */
  async lastPersonMessageAt(conversationId: string): Promise<Date | null> {
    const conversation = await this.deps.conversations.get(conversationId);
    if (!conversation || conversation.lastSeq === 0) return null;
    const recent = await this.deps.conversations.since(conversationId, Math.max(0, conversation.lastSeq - 500), 500);
    for (let i = recent.length - 1; i >= 0; i--) {
      const a = recent[i]?.activity;
      if (a?.type !== ActivityTypes.Message || (a.from as { role?: string } | undefined)?.role !== 'user') continue;
      const at = new Date(String(a.timestamp ?? ''));
      if (!Number.isNaN(at.getTime())) return at;
    }
    return null;
  }


  private enqueue(psid: string, work: () => Promise<void>): void {
    const previous = this.tails.get(psid) ?? Promise.resolve();
    const done = previous.then(work).catch((err: unknown) => {
      this.deps.logger.error({ err }, 'facebook: an event could not be processed');
    });
    this.tails.set(psid, done);
    this.pending.add(done);
    void done.then(() => {
      this.pending.delete(done);
      if (this.tails.get(psid) === done) this.tails.delete(psid);
    });
  }
}
