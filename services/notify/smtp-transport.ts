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
}

const noLineBreaks = (s: string) => !/[\r\n]/.test(s);

const emailPayloadSchema = z.object({
  to: z.array(z.string().min(3).max(320).refine(noLineBreaks)).min(1).max(50),
  subject: z.string().max(998).refine(noLineBreaks),
  text: z.string(),
  html: z.string().optional(),
  headers: z.record(z.string().regex(/^[A-Za-z][A-Za-z0-9-]*$/), z.string().max(998).refine(noLineBreaks)).optional(),
  messageId: z.string().regex(/^<[^<>\s@]+@[^<>\s@]+>$/).max(250).optional(),
});

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
    const parsed = emailPayloadSchema.safeParse(message.payload);
    if (!parsed.success) {
      throw new PermanentDeliveryError(`SmtpTransport.send(): invalid e-mail payload: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
    }
    const p = parsed.data;
    const info = await this.mailer.sendMail({
      from: this.from,
      to: p.to,
      subject: p.subject,
      text: p.text,
      ...(p.html !== undefined ? { html: p.html } : {}),
      headers: { ...p.headers, 'X-Ventanilla-Delivery': String(message.id) },
      messageId: p.messageId ?? `<outbox-${message.id}@${this.domain}>`,
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
