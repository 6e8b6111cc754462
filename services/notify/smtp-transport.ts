import { createTransport, type SMTPPoolSentMessageInfo, type Transporter } from 'nodemailer';
import { z } from 'zod';
import { PermanentDeliveryError, type OutboxMessage, type Transport, type WorkerLogger } from './outbox-worker';

/** What an `email` outbox message carries. */
export interface EmailPayload {
  to: string[];
  subject: string;
  text: string;
  html?: string;
  headers?: Record<string, string>;
  /** A Message-ID chosen by the sender (a reply that later mail must thread under); default one from the outbox id. */
  messageId?: string;
  /** Files carried in the message itself (never a path or URL): at most {@link MAX_ATTACHMENTS}, each ≤ {@link MAX_ATTACHMENT_BYTES}. */
  attachments?: EmailAttachment[];
}

/** A file attached to an e-mail, its content in base64. */
export interface EmailAttachment {
  /** A bare file name: no path separators, no line breaks. */
  filename: string;
  contentType: string;
  contentBase64: string;
}

/** Attachments per message at most. */
export const MAX_ATTACHMENTS = 3;
/** Largest attachment, decoded (10 MB): mail servers commonly refuse messages much bigger than that. */
export const MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024;

const noLineBreaks = (s: string) => !/[\r\n]/.test(s);

/** Bytes that base64 text decodes to (it was checked to be well-formed base64). */
function decodedLength(b64: string): number {
  const padding = b64.endsWith('==') ? 2 : b64.endsWith('=') ? 1 : 0;
  return (b64.length / 4) * 3 - padding;
}

const attachmentSchema = z.object({
  filename: z
    .string()
    .min(1)
    .max(200)
    .refine((s) => !/[\\/\r\n\0]/.test(s) && s !== '.' && s !== '..', 'a bare file name: no path separators or line breaks'),
  contentType: z.string().regex(/^[a-z0-9!#$&^_.+-]+\/[a-z0-9!#$&^_.+-]+$/i).max(200),
  contentBase64: z
    .string()
    // Checked before the pattern, so a huge value is refused without scanning it.
    .refine((s) => s.length <= (MAX_ATTACHMENT_BYTES / 3) * 4 + 4, `larger than ${MAX_ATTACHMENT_BYTES} bytes`)
    .refine((s) => s.length % 4 === 0 && /^[A-Za-z0-9+/]*={0,2}$/.test(s), 'not base64')
    .refine((s) => decodedLength(s) <= MAX_ATTACHMENT_BYTES, `larger than ${MAX_ATTACHMENT_BYTES} bytes`),
});

const emailPayloadSchema = z.object({
  to: z.array(z.string().min(3).max(320).refine(noLineBreaks)).min(1).max(50),
  subject: z.string().max(998).refine(noLineBreaks),
  text: z.string(),
  html: z.string().optional(),
  headers: z.record(z.string().regex(/^[A-Za-z][A-Za-z0-9-]*$/), z.string().max(998).refine(noLineBreaks)).optional(),
  messageId: z.string().regex(/^<[^<>\s@]+@[^<>\s@]+>$/).max(250).optional(),
  attachments: z.array(attachmentSchema).max(MAX_ATTACHMENTS).optional(),
});

/** An `email` outbox payload checked; PermanentDeliveryError (never retried) when it cannot be sent as it is. */
export function parseEmailPayload(payload: unknown): EmailPayload {
  const parsed = emailPayloadSchema.safeParse(payload);
  if (!parsed.success) {
    throw new PermanentDeliveryError(`SmtpTransport.send(): invalid e-mail payload: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  }
  return parsed.data;
}

export interface SmtpTransportOptions {
  /** `smtp://` or `smtps://` URL with credentials (SMTP_URL). */
  url: string;
  /** Sender address (SMTP_FROM); when unset, the URL's user if it is an e-mail address. */
  from: string | undefined;
  logger?: Pick<WorkerLogger, 'warn'>;
  /** Connection, greeting and idle-socket timeouts in ms (default 10 s, 10 s, 30 s). */
  timeouts?: { connectionMs?: number; greetingMs?: number; socketMs?: number };
  /** Pooled connections (default 3). */
  maxConnections?: number;
}

/**
 * Sends `email` outbox messages through one SMTP server with a small connection pool (nodemailer).
 * Any failure — connection refused, timeout, a 4xx or 5xx reply, every recipient rejected — rejects,
 * so the worker tries again later. The Message-ID derives from the outbox id, so a repeated delivery
 * (after a crash between sending and recording it) can be recognised by mail clients.
 */
export class SmtpTransport implements Transport {
  private readonly mailer: Transporter<SMTPPoolSentMessageInfo>;
  private readonly from: string;
  private readonly domain: string;

  constructor(private readonly options: SmtpTransportOptions) {
    if (!options?.url) throw new Error('SmtpTransport: url (SMTP_URL) is required');
    const from = options.from ?? emailUserOf(options.url);
    if (!from) throw new Error('SmtpTransport: SMTP_FROM is required when SMTP_URL has no e-mail address as its user');
    this.from = from;
    this.domain = /@([^>\s]+)>?\s*$/.exec(from)?.[1] ?? 'ventanilla.local';
    const t = options.timeouts ?? {};
    this.mailer = createTransport({
      url: options.url,
      pool: true,
      maxConnections: options.maxConnections ?? 3,
      connectionTimeout: t.connectionMs ?? 10_000,
      greetingTimeout: t.greetingMs ?? 10_000,
      socketTimeout: t.socketMs ?? 30_000,
      // The payload comes from our own database, but never let it name a file or URL to attach.
      disableFileAccess: true,
      disableUrlAccess: true,
    });
  }

  async send(message: OutboxMessage): Promise<void> {
    const p = parseEmailPayload(message.payload);
    const info = await this.mailer.sendMail({
      from: this.from,
      to: p.to,
      subject: p.subject,
      text: p.text,
      ...(p.html !== undefined ? { html: p.html } : {}),
      headers: { ...p.headers, 'X-Ventanilla-Delivery': String(message.id) },
      messageId: p.messageId ?? `<outbox-${message.id}@${this.domain}>`,
      // Content as Buffers only: nodemailer never reads a file or URL for them (and both are disabled above).
      ...(p.attachments?.length
        ? { attachments: p.attachments.map((a) => ({ filename: a.filename, contentType: a.contentType, content: Buffer.from(a.contentBase64, 'base64') })) }
        : {}),
    });
    // Some recipients accepted, others refused: sending again would repeat the message to the accepted ones.
    if (info.rejected.length > 0) {
      this.options.logger?.warn({ outboxId: message.id, rejected: info.rejected }, 'smtp: some recipients were rejected');
    }
  }

  /** Closes the pooled connections; a message being sent finishes first. */
  async close(): Promise<void> {
    this.mailer.close();
  }
}

function emailUserOf(url: string): string | undefined {
  try {
    const user = decodeURIComponent(new URL(url).username);
    return /^[^\s@]+@[^\s@]+$/.test(user) ? user : undefined;
  } catch {
    return undefined;
  }
}
