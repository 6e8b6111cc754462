import { createHash } from 'node:crypto';
import { type Activity, type ActivityHandler, ActivityTypes } from 'botbuilder';
import { type ParsedMail, simpleParser } from 'mailparser';
import { farewellTimeOfDay } from '../../../dialogs/greeting';
import type { EmailRepository, OutboundEmail } from '../../../models';
import type { ActivityJson, ConversationService, RecordedActivity } from '../../../services/conversations/conversation.service';
import { isAutomatic } from '../../../services/email/auto-reply';
import { extractReply } from '../../../services/email/email-text';
import { EMAIL_CHANNEL } from '../../../services/email/email-types';
import { composeEmail } from '../../../services/email/reply';
import { messageIds, replyHeaders, replySubject, threadIds } from '../../../services/email/threading';
import type { HandoffSignal } from '../../../services/handoff/handoff-types';
import type { TurnTracker } from '../../turn-tracker';
import { runSignalTurn } from '../messaging-threads';
import type { EmailAdapter } from './email.adapter';

export interface EmailLogger {
  info?(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

/** What the e-mail channel is told about the deployment. */
export interface EmailSettings {
  /** Our sender address (SMTP_FROM): mail from it is ours, never answered. */
  fromAddress: string;
  /** The domain of our Message-IDs. */
  domain: string;
  botName: string;
  orgName: string;
  timeZone: string;
  /** Largest attachment kept (bytes, default 10 MB) and all of a message's (default 25 MB). */
  maxAttachmentBytes?: number;
  maxAttachmentsBytes?: number;
  /** The address of each mailbox (by its name) when it is not SMTP_FROM: replies say `Reply-To` it. */
  mailboxAddresses?: Record<string, string>;
  /** Replies to one sender per hour before the channel stops answering them (a mail loop guard; default 20). */
  maxRepliesPerHour?: number;
}

export interface EmailConversationsDeps {
  adapter: EmailAdapter;
  bot: Pick<ActivityHandler, 'run'>;
  conversations: Pick<ConversationService, 'ensure' | 'get' | 'since'>;
  email: EmailRepository;
  tracker: TurnTracker;
  clock: { now(): Date };
  botAccount: { id: string; name: string };
  settings: EmailSettings;
  logger: EmailLogger;
  /** Wakes the outbox worker after a reply was queued. */
  onQueued?: () => void;
}

/** What reading one message did (tests and logs). */
export type EmailOutcome =
  | { kind: 'answered'; conversationId: string; replied: boolean }
  | { kind: 'ignored'; reason: string }
  | { kind: 'already'; status: string };

const MB = 1024 * 1024;
const HOUR_MS = 3600_000;

/** `Juan Pérez <juan@x.mx>` → `juan@x.mx` (lower case), or null. */
function senderOf(mail: ParsedMail): { address: string; name: string } | null {
  const from = mail.from?.value?.[0];
  const address = from?.address?.trim().toLowerCase();
  if (!address || !/^[^@\s]+@[^@\s]+$/.test(address)) return null;
  return { address, name: (from?.name ?? '').trim() };
}

/** «Que tenga buen día.» / «Que tenga buena tarde.» / «Que tenga buena noche.» (the protocol's farewell, in writing). */
function closing(words: string): string {
  return `${words.charAt(0).toUpperCase()}${words.slice(1)}.`;
}

/** «Fwd:», «RV:», «FW:»: a forwarded message. */
const FORWARD = /^\s*(fwd?|rv|reenv(?:iado)?)\s*:/i;

/** Text safe to store: PostgreSQL refuses NUL characters in text. */
function clean(text: string): string {
  return text.split(String.fromCharCode(0)).join('');
}

/** True when the receiving server says the sender's domain did not authenticate this From (DMARC fail, or SPF fail without DKIM). */
export function senderUnauthenticated(mail: Pick<ParsedMail, 'headers'>): boolean {
  const raw = mail.headers.get('authentication-results');
  const values = (Array.isArray(raw) ? raw : raw === undefined ? [] : [raw]).map((v) => (typeof v === 'string' ? v : JSON.stringify(v)).toLowerCase());
  return values.some((v) => /\bdmarc=fail\b/.test(v) || (/\bspf=(?:fail|softfail)\b/.test(v) && !/\bdkim=pass\b/.test(v)));
}

/** A synthetic, stable Message-ID for a message that has none (the same bytes give the same id). */
function syntheticId(raw: Buffer): string {
  return `<sha256.${createHash('sha256').update(raw).digest('hex').slice(0, 40)}@ventanilla.invalid>`;
}

/**
 * E-mail turns. One message is one turn: it is parsed (threading by Message-ID / In-Reply-To / References, quoted
 * replies and signatures stripped), auto-replies, bulk and list mail are recorded as ignored and never answered, the
 * turn runs in the thread's conversation, and the bot's replies become one threaded e-mail queued in the outbox in the
 * same transaction that marks the message processed. A crash before that leaves the message unprocessed: read again,
 * its recorded turn is not repeated (the replies already recorded are sent) or, when the turn never finished, runs
 * again with the same activity id, which registers nothing twice.
 */
export class EmailConversations {
  private readonly maxAttachment: number;
  private readonly maxAttachments: number;
  private readonly maxReplies: number;

  constructor(readonly deps: EmailConversationsDeps) {
    for (const k of ['adapter', 'bot', 'conversations', 'email', 'tracker', 'clock', 'botAccount', 'settings', 'logger'] as const) {
      if (!deps?.[k]) throw new Error(`EmailConversations: ${k} is required`);
    }
    this.maxAttachment = deps.settings.maxAttachmentBytes ?? 10 * MB;
    this.maxAttachments = deps.settings.maxAttachmentsBytes ?? 25 * MB;
    this.maxReplies = deps.settings.maxRepliesPerHour ?? 20;
  }

  /**
   * Reads one message of `mailbox` (its raw RFC 5322 source). Resolves once it is processed (or ignored); rejects when
   * its turn failed, so the mailbox reads it again (the turn is idempotent by the message's id).
   */
  async handle(mailbox: string, raw: Buffer): Promise<EmailOutcome> {
    // Our own HTML conversion keeps Gmail's and Outlook's quotes recognisable (mailparser's would flatten them).
    const mail = await simpleParser(raw, { skipImageLinks: true, skipHtmlToText: true });
    const now = this.deps.clock.now();
    const sender = senderOf(mail);
    let messageId = messageIds(mail.messageId)[0] ?? syntheticId(raw);
    // The same Message-ID from someone else is not the same message (a broken or hostile sender reusing ids).
    const earlier = await this.deps.email.findInboundAnywhere(messageId);
    if (earlier && sender && earlier.fromAddress !== null && earlier.fromAddress !== sender.address) messageId = syntheticId(raw);
    const known = await this.deps.email.findInbound(mailbox, messageId);
    if (known && known.status !== 'received') return { kind: 'already', status: known.status };
    const thread = threadIds(mail);
    const subject = clean(mail.subject ?? '').slice(0, 500);
    const base = { mailbox, messageId, conversationId: null, fromAddress: sender?.address ?? null, subject, references: thread };
    // Sent to both of the desk's mailboxes: one request, answered once.
    const twin = await this.deps.email.findInboundAnywhere(messageId);
    const reason =
      (sender ? null : 'no-sender') ??
      isAutomatic(mail) ??
      (sender!.address === this.deps.settings.fromAddress.toLowerCase() ? 'own-address' : null) ??
      (twin && twin.mailbox !== mailbox && twin.status !== 'ignored' && twin.fromAddress === sender!.address ? 'duplicate' : null);
    if (reason || !sender) {
      await this.deps.email.ignore(base, reason ?? 'no-sender', now);
      this.deps.logger.info?.({ mailbox, messageId, reason }, 'email: message ignored (never answered)');
      return { kind: 'ignored', reason: reason ?? 'no-sender' };
    }

    const conversationId =
      known?.conversationId ??
      (await this.deps.email.threadOf(thread, sender.address)) ??
      (await this.deps.conversations.ensure(EMAIL_CHANNEL, `email|${messageId}`, sender.address)).id;
    await this.deps.email.receive({ ...base, conversationId }, now);
    const stored = await this.keepAttachments(conversationId, messageId, mail);

    const extracted = extractReply(mail.text ?? '', typeof mail.html === 'string' ? { html: mail.html } : {});
    // Nothing typed above a quote: only a forwarded message's text is the request (a bare reply quotes our own words).
    const forwarded = extracted.body === '' && FORWARD.test(subject);
    const body = clean(forwarded ? extracted.quoted.replace(/^> ?/gm, '') : extracted.body).slice(0, 20_000);
    const activity: ActivityJson = {
      type: ActivityTypes.Message,
      channelId: EMAIL_CHANNEL,
      from: { id: sender.address, name: clean(sender.name), role: 'user' },
      recipient: { id: this.deps.botAccount.id, name: this.deps.botAccount.name, role: 'bot' },
      text: body,
      locale: 'es-MX',
      ...(stored.length > 0 ? { attachments: stored.map((a) => ({ contentType: a.contentType, name: a.filename, contentUrl: `/api/attachments/${a.id}` })) } : {}),
      channelData: {
        clientActivityID: `email:${messageId}`,
        subject,
        messageId,
        mailbox,
        // The sender's domain says the From is forged (DMARC/SPF failed): the address proves nothing.
        ...(senderUnauthenticated(mail) ? { senderUnverified: true } : {}),
        ...(mail.date ? { sentAt: mail.date.toISOString() } : {}),
      },
    };

    const replies = await this.deps.tracker.run(conversationId, async () => {
      const outcome = await this.deps.adapter.processActivity(conversationId, activity, (context) => this.deps.bot.run(context));
      if (outcome.ran) return outcome.outgoing;
      // Read again after a crash: the replies recorded then, or the turn once more (same activity id).
      const recorded = await this.repliesTo(conversationId, outcome.inbound);
      if (recorded.length > 0) return recorded;
      return this.deps.adapter.runTurn(outcome.inbound.activity as Partial<Activity>, (context) => this.deps.bot.run(context));
    });
    const texts = textsOf(replies);
    // A mail loop the headers did not reveal (an autoresponder without Auto-Submitted): the bot stops answering.
    const looping = texts.length > 0 && (await this.deps.email.repliesTo(sender.address, new Date(now.getTime() - HOUR_MS))) >= this.maxReplies;
    if (looping) this.deps.logger.warn({ mailbox, messageId, sender: sender.address }, 'email: reply limit for this sender reached; the message is kept, not answered');
    const reply =
      texts.length > 0 && !looping
        ? this.reply({ mailbox, conversationId, to: sender.address, subject, thread, parentId: messageId, texts, quote: { from: sender.name || sender.address, date: mail.date ?? now, text: body } })
        : null;
    await this.deps.email.complete(mailbox, messageId, reply, this.deps.clock.now());
    if (reply) this.deps.onQueued?.();
    return { kind: 'answered', conversationId, replied: reply !== null };
  }

  /** Runs a handoff signal's turn for an e-mail conversation; returns the replies. */
  async signalTurn(conversationId: string, signal: HandoffSignal, person: string): Promise<Partial<Activity>[]> {
    return runSignalTurn(this.deps, EMAIL_CHANNEL, conversationId, signal, person);
  }

  /**
   * Queues an e-mail in a conversation's thread outside a turn (an agent's message, a signal's replies), under the
   * newest message of the thread. `key` makes a retried send one e-mail.
   */
  async sendInThread(conversationId: string, texts: string[], key: string, speaker?: string): Promise<boolean> {
    const conversation = await this.deps.conversations.get(conversationId);
    const to = conversation?.userId;
    if (!conversation || conversation.channel !== EMAIL_CHANNEL || !to) return false;
    const last = await this.deps.email.lastOf(conversationId);
    const first = await this.deps.email.firstOf(conversationId);
    if (!last || !first) return false;
    const reply = this.reply({
      mailbox: first.mailbox,
      conversationId,
      to,
      subject: first.subject ?? '',
      thread: last.references,
      parentId: last.messageId,
      texts,
      key,
      ...(speaker ? { speaker } : {}),
    });
    await this.deps.email.send(reply, this.deps.clock.now());
    this.deps.onQueued?.();
    return true;
  }

  /** The e-mail that carries `texts` as a reply under `parentId`. */
  private reply(p: {
    mailbox: string;
    conversationId: string;
    to: string;
    subject: string;
    thread: string[];
    parentId: string;
    texts: string[];
    quote?: { from: string; date: Date; text: string };
    key?: string;
    speaker?: string;
  }): OutboundEmail {
    const s = this.deps.settings;
    // Keyed by the message answered, not the mailbox: the same mail read from both of the desk's mailboxes gets one reply.
    const seed = p.key ?? `reply:${p.parentId}`;
    const messageId = `<ventanilla.${createHash('sha256').update(seed).digest('hex').slice(0, 32)}@${s.domain}>`;
    const headers = replyHeaders({ messageId: p.parentId, references: p.thread });
    const references = [...p.thread.filter((id) => id !== p.parentId), p.parentId];
    const signature = p.speaker ? [p.speaker, s.orgName] : [s.botName, s.orgName];
    const content = composeEmail({
      paragraphs: [...p.texts, closing(farewellTimeOfDay(this.deps.clock.now(), s.timeZone))],
      signature,
      ...(p.quote && p.quote.text !== '' ? { quote: { ...p.quote, timeZone: s.timeZone } } : {}),
    });
    const subject = replySubject(p.subject);
    const mailboxAddress = s.mailboxAddresses?.[p.mailbox];
    const replyTo = mailboxAddress && mailboxAddress.toLowerCase() !== s.fromAddress.toLowerCase() ? mailboxAddress : undefined;
    return {
      mailbox: p.mailbox,
      messageId,
      conversationId: p.conversationId,
      toAddress: p.to,
      subject,
      references,
      outbox: {
        kind: 'email',
        dedupeKey: `email:${seed}`,
        payload: {
          to: [p.to],
          subject,
          text: content.text,
          html: content.html,
          messageId,
          headers: {
            ...headers,
            ...(replyTo ? { 'Reply-To': replyTo } : {}),
            'Auto-Submitted': 'auto-replied',
            // Asks Exchange/Outlook not to answer us with out-of-office notices (no mail loops).
            'X-Auto-Response-Suppress': 'All',
          },
        },
      },
    };
  }

  /** The replies recorded for an inbound activity (a turn that ran before a crash). */
  private async repliesTo(conversationId: string, inbound: RecordedActivity): Promise<Partial<Activity>[]> {
    const after = await this.deps.conversations.since(conversationId, inbound.seq, 200);
    return after
      .map((r) => r.activity as Partial<Activity>)
      .filter((a) => a.replyToId === inbound.activity.id && (a.from as { role?: string } | undefined)?.role === 'bot');
  }

  /** Keeps the message's attachments (up to the size limits) with the conversation; returns those kept. */
  private async keepAttachments(conversationId: string, messageId: string, mail: ParsedMail): Promise<Array<{ id: string; filename: string; contentType: string }>> {
    const kept: Array<{ id: string; filename: string; contentType: string }> = [];
    let total = 0;
    for (const [i, a] of (mail.attachments ?? []).entries()) {
      // Inline images of a signature are not what the person sent.
      if (a.related || !Buffer.isBuffer(a.content)) continue;
      const size = a.content.length;
      if (size > this.maxAttachment || total + size > this.maxAttachments) {
        this.deps.logger.warn({ conversationId, messageId, size }, 'email: attachment over the size limit not kept');
        continue;
      }
      total += size;
      const filename = (a.filename ?? `adjunto-${i + 1}`).replace(/[\r\n\\/]/g, '_').slice(0, 200);
      const contentType = (a.contentType || 'application/octet-stream').slice(0, 100);
      const id = await this.deps.email.saveAttachment(
        { conversationId, sourceId: messageId, filename, contentType, content: a.content, sha256: createHash('sha256').update(a.content).digest('hex') },
        this.deps.clock.now(),
      );
      kept.push({ id, filename, contentType });
    }
    return kept;
  }
}

/** The texts of a turn's messages, in order (events and empty messages left out). */
export function textsOf(replies: readonly Partial<Activity>[]): string[] {
  return replies
    .filter((a) => (a.type ?? ActivityTypes.Message) === ActivityTypes.Message && typeof a.text === 'string' && a.text.trim() !== '')
    .map((a) => (a.text as string).trim());
}
