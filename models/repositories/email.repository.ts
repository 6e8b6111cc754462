import { and, asc, desc, eq, gte, inArray, sql } from 'drizzle-orm';
import type { Db } from '../db';
import { attachments, conversations, EMAIL_MESSAGE_STATUSES, emailMessages } from '../schema';
import { insertOutboxMessages, type NewOutboxMessage } from './outbox.repository';

export type EmailMessageRow = typeof emailMessages.$inferSelect;
export type EmailMessageStatus = (typeof EMAIL_MESSAGE_STATUSES)[number];

/** An inbound message as first seen. */
export interface InboundEmail {
  mailbox: string;
  messageId: string;
  conversationId: string | null;
  fromAddress: string | null;
  subject: string | null;
  references: string[];
}

/** A reply sent in a conversation: its Message-ID (for threading) and the outbox message that delivers it. */
export interface OutboundEmail {
  mailbox: string;
  messageId: string;
  conversationId: string;
  toAddress: string;
  subject: string;
  references: string[];
  outbox: NewOutboxMessage;
}

/** An attachment to keep (content included). */
export interface NewAttachment {
  conversationId: string;
  sourceId: string;
  filename: string;
  contentType: string;
  content: Buffer;
  sha256: string;
}

/** An attachment without its content (lists). */
export interface AttachmentInfo {
  id: string;
  conversationId: string;
  sourceId: string;
  filename: string;
  contentType: string;
  size: number;
  createdAt: Date;
}

/** Queues a reply in the outbox and records it in its thread, with the caller's transaction; `by` says who wrote it. */
async function queueReply(tx: Pick<Db, 'insert'>, reply: OutboundEmail, by: 'bot' | 'agent', now: Date): Promise<void> {
  await insertOutboxMessages(tx, [reply.outbox], now);
  await tx
    .insert(emailMessages)
    .values({
      mailbox: reply.mailbox,
      messageId: reply.messageId,
      direction: 'out',
      conversationId: reply.conversationId,
      status: 'queued',
      reason: by,
      subject: reply.subject,
      references: reply.references,
      createdAt: now,
      processedAt: now,
    })
    .onConflictDoNothing();
}

/**
 * E-mail bookkeeping: every message read (`in`) or sent (`out`) by Message-ID, which threads replies to their
 * conversation and makes reading a message twice harmless, and the attachments people sent.
 */
export class EmailRepository {
  constructor(private readonly db: Db) {
    if (!db) throw new Error('EmailRepository: db is required');
  }

  async findInbound(mailbox: string, messageId: string): Promise<EmailMessageRow | null> {
    const [row] = await this.db
      .select()
      .from(emailMessages)
      .where(and(eq(emailMessages.mailbox, mailbox), eq(emailMessages.direction, 'in'), eq(emailMessages.messageId, messageId)))
      .limit(1);
    return row ?? null;
  }

  /** The first record of an inbound Message-ID in any mailbox (the same mail sent to both of the desk's), or null. */
  async findInboundAnywhere(messageId: string): Promise<EmailMessageRow | null> {
    const [row] = await this.db
      .select()
      .from(emailMessages)
      .where(and(eq(emailMessages.direction, 'in'), eq(emailMessages.messageId, messageId)))
      .orderBy(asc(emailMessages.pk))
      .limit(1);
    return row ?? null;
  }

  /** Records an inbound message as received (idempotent); returns the stored row. */
  async receive(message: InboundEmail, now: Date): Promise<EmailMessageRow> {
    await this.db
      .insert(emailMessages)
      .values({ ...message, direction: 'in', status: 'received', createdAt: now })
      .onConflictDoNothing();
    const row = await this.findInbound(message.mailbox, message.messageId);
    if (!row) throw new Error('EmailRepository.receive(): row vanished');
    if (row.conversationId === null && message.conversationId !== null) {
      await this.db.update(emailMessages).set({ conversationId: message.conversationId }).where(eq(emailMessages.pk, row.pk));
      return { ...row, conversationId: message.conversationId };
    }
    return row;
  }

  /** Records an inbound message that is never answered (auto-reply, list mail, loop…), with why. */
  async ignore(message: InboundEmail, reason: string, now: Date): Promise<void> {
    await this.db
      .insert(emailMessages)
      .values({ ...message, direction: 'in', status: 'ignored', reason, createdAt: now, processedAt: now })
      .onConflictDoUpdate({
        target: [emailMessages.mailbox, emailMessages.direction, emailMessages.messageId],
        set: { status: 'ignored', reason, processedAt: now },
      });
  }

  /**
   * The e-mail conversation a message belongs to: the newest conversation of any of `messageIds` (ours or theirs)
   * whose person is `sender`. Null when none (a new thread).
   */
  async threadOf(messageIds: readonly string[], sender: string): Promise<string | null> {
    if (messageIds.length === 0) return null;
    const [row] = await this.db
      .select({ id: emailMessages.conversationId })
      .from(emailMessages)
      .innerJoin(conversations, eq(conversations.id, emailMessages.conversationId))
      .where(and(inArray(emailMessages.messageId, [...messageIds]), eq(conversations.userId, sender)))
      .orderBy(desc(emailMessages.pk))
      .limit(1);
    return row?.id ?? null;
  }

  /**
   * Finishes an inbound message in one transaction: its reply (if any) goes into the outbox and the thread's records,
   * and the message is marked processed. Until then a crash leaves it `received`, and it is read again.
   */
  async complete(mailbox: string, messageId: string, reply: OutboundEmail | null, now: Date): Promise<void> {
    await this.db.transaction(async (tx) => {
      if (reply) await queueReply(tx, reply, 'bot', now);
      await tx
        .update(emailMessages)
        .set({ status: 'processed', processedAt: now })
        .where(and(eq(emailMessages.mailbox, mailbox), eq(emailMessages.direction, 'in'), eq(emailMessages.messageId, messageId)));
    });
  }

  /** Queues a message sent outside a turn (an agent's reply) and records it in the thread. */
  async send(reply: OutboundEmail, now: Date): Promise<void> {
    await this.db.transaction((tx) => queueReply(tx, reply, 'agent', now));
  }

  /** The newest message of a conversation (to thread the next reply under it), or null. */
  async lastOf(conversationId: string): Promise<EmailMessageRow | null> {
    const [row] = await this.db
      .select()
      .from(emailMessages)
      .where(and(eq(emailMessages.conversationId, conversationId), inArray(emailMessages.status, ['processed', 'queued', 'received'])))
      .orderBy(desc(emailMessages.pk))
      .limit(1);
    return row ?? null;
  }

  /** The first inbound message of a conversation (its subject names the thread). */
  async firstOf(conversationId: string): Promise<EmailMessageRow | null> {
    const [row] = await this.db
      .select()
      .from(emailMessages)
      .where(and(eq(emailMessages.conversationId, conversationId), eq(emailMessages.direction, 'in')))
      .orderBy(asc(emailMessages.pk))
      .limit(1);
    return row ?? null;
  }

  /** How many of the bot's own replies went to conversations of `sender` since `since` (a loop guard; agents' mail does not count). */
  async repliesTo(sender: string, since: Date): Promise<number> {
    const [row] = await this.db
      .select({ n: sql<number>`count(*)::int` })
      .from(emailMessages)
      .innerJoin(conversations, eq(conversations.id, emailMessages.conversationId))
      .where(and(eq(emailMessages.direction, 'out'), eq(emailMessages.reason, 'bot'), eq(conversations.userId, sender), gte(emailMessages.createdAt, since)));
    return row?.n ?? 0;
  }

  /** Stores an attachment once per message, name and content; returns its id (the same when stored before). */
  async saveAttachment(a: NewAttachment, now: Date): Promise<string> {
    await this.db
      .insert(attachments)
      .values({ ...a, size: a.content.length, createdAt: now })
      .onConflictDoNothing();
    const [row] = await this.db
      .select({ id: attachments.id })
      .from(attachments)
      .where(
        and(
          eq(attachments.conversationId, a.conversationId),
          eq(attachments.sourceId, a.sourceId),
          eq(attachments.sha256, a.sha256),
          eq(attachments.filename, a.filename),
        ),
      )
      .limit(1);
    if (!row) throw new Error('EmailRepository.saveAttachment(): row vanished');
    return row.id;
  }

  /** The attachments of conversations (without content), oldest first. */
  async attachmentsOf(conversationIds: readonly string[]): Promise<AttachmentInfo[]> {
    if (conversationIds.length === 0) return [];
    return this.db
      .select({
        id: attachments.id,
        conversationId: attachments.conversationId,
        sourceId: attachments.sourceId,
        filename: attachments.filename,
        contentType: attachments.contentType,
        size: attachments.size,
        createdAt: attachments.createdAt,
      })
      .from(attachments)
      .where(inArray(attachments.conversationId, [...conversationIds]))
      .orderBy(asc(attachments.createdAt));
  }

  /** One attachment with its content, or null. */
  async attachment(id: string): Promise<(AttachmentInfo & { content: Buffer }) | null> {
    if (!/^[0-9a-f-]{36}$/i.test(id)) return null;
    const [row] = await this.db.select().from(attachments).where(eq(attachments.id, id)).limit(1);
    return row ?? null;
  }
}
