import type { ActivityHandler, Middleware, TurnContext } from 'botbuilder';
import type { EmailRepository, HeldLock } from '../../../models';
import type { ConversationService } from '../../../services/conversations/conversation.service';
import { ImapMailbox, type ImapMailboxOptions } from '../../../services/email/imap-mailbox';
import type { MailboxConfig } from '../../../services/email/imap-url';
import type { TurnTracker } from '../../turn-tracker';
import { EmailAdapter } from './email.adapter';
import { EmailConversations, type EmailLogger, type EmailSettings } from './email-conversations';
import { EmailPersonChannel } from './email-person';

export interface EmailChannelDeps {
  bot: Pick<ActivityHandler, 'run'>;
  onTurnError: (context: TurnContext, error: Error) => Promise<void>;
  middleware: Middleware[];
  conversations: ConversationService;
  email: EmailRepository;
  tracker: TurnTracker;
  clock: { now(): Date };
  logger: EmailLogger;
  botAccount: { id: string; name: string };
  settings: EmailSettings;
  mailboxes: MailboxConfig[];
  /** Takes the PostgreSQL advisory lock of a mailbox (Database.tryLock). */
  lock: (key: string) => Promise<HeldLock | null>;
  onQueued?: () => void;
  /** How often an instance without a mailbox's lock tries again (ms, default 30 s). */
  lockRetryMs?: number;
  /** IMAP timings (tests make them short). */
  imap?: Pick<ImapMailboxOptions, 'idleRestartMs' | 'pollMs' | 'backoff' | 'maxBytes'>;
}

/** One mailbox: read while this instance holds its lock. */
interface Watch {
  config: MailboxConfig;
  lock: HeldLock | null;
  reader: ImapMailbox | null;
  timer: NodeJS.Timeout | undefined;
}

/** What a mailbox is doing (for /ready details and the health page). */
export interface MailboxStatus {
  name: string;
  /** `reading`: this instance holds the lock and reads it; `standby`: another instance does. */
  role: 'reading' | 'standby';
  state: string;
  lastError: string | null;
}

/**
 * The e-mail channel: for each configured mailbox, the instance that gets its PostgreSQL advisory lock reads it over
 * IMAP (IDLE, a safety poll, reconnects with backoff); the others retry the lock now and then, so when the reader
 * goes away another takes over. Each message runs through {@link EmailConversations}; agents reach the person through
 * {@link EmailPersonChannel}.
 */
export class EmailChannel {
  readonly adapter: EmailAdapter;
  readonly conversations: EmailConversations;
  readonly person: EmailPersonChannel;
  private readonly watches: Watch[];
  private stopped = true;

  constructor(private readonly deps: EmailChannelDeps) {
    this.adapter = new EmailAdapter({ conversations: deps.conversations, bot: deps.botAccount, clock: deps.clock, logger: deps.logger });
    for (const m of deps.middleware) this.adapter.use(m);
    // No apology, no cleared state: a failed turn rejects, the message stays unread and is read again (the turn is
    // idempotent by the message's id), so the person never gets «inténtelo de nuevo» by e-mail.
    this.adapter.onTurnError = async (_context, error) => {
      throw error;
    };
    this.conversations = new EmailConversations({
      adapter: this.adapter,
      bot: deps.bot,
      conversations: deps.conversations,
      email: deps.email,
      tracker: deps.tracker,
      clock: deps.clock,
      botAccount: deps.botAccount,
      settings: deps.settings,
      logger: deps.logger,
      ...(deps.onQueued ? { onQueued: deps.onQueued } : {}),
    });
    this.person = new EmailPersonChannel({
      email: this.conversations,
      conversations: deps.conversations,
      clock: deps.clock,
      bot: deps.botAccount,
      logger: deps.logger,
    });
    this.watches = deps.mailboxes.map((config) => ({ config, lock: null, reader: null, timer: undefined }));
  }

  /** Starts watching every mailbox (returns once each got a first try at its lock). */
  async start(): Promise<void> {
    this.stopped = false;
    await Promise.all(this.watches.map((w) => this.acquire(w)));
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await Promise.all(
      this.watches.map(async (w) => {
        clearTimeout(w.timer);
        await w.reader?.stop().catch(() => undefined);
        w.reader = null;
        await w.lock?.release().catch(() => undefined);
        w.lock = null;
      }),
    );
  }

  /** Reads every mailbox this instance holds now (tests; the readers also do it on IDLE news and a poll). */
  async check(): Promise<void> {
    await Promise.all(this.watches.map((w) => w.reader?.check()));
  }

  status(): MailboxStatus[] {
    return this.watches.map((w) => ({
      name: w.config.name,
      role: w.reader ? 'reading' : 'standby',
      state: w.reader?.state ?? 'stopped',
      lastError: w.reader?.lastError ?? null,
    }));
  }

  private async acquire(w: Watch): Promise<void> {
    if (this.stopped) return;
    let lock: HeldLock | null = null;
    try {
      lock = await this.deps.lock(`ventanilla.imap:${w.config.name}`);
    } catch (err) {
      this.deps.logger.warn({ err, mailbox: w.config.name }, 'email: could not ask for the mailbox lock');
    }
    if (!lock) {
      w.timer = setTimeout(() => void this.acquire(w), this.deps.lockRetryMs ?? 30_000);
      w.timer.unref?.();
      return;
    }
    if (this.stopped) {
      await lock.release();
      return;
    }
    w.lock = lock;
    const reader = new ImapMailbox({
      config: w.config,
      logger: this.deps.logger,
      ...this.deps.imap,
      onMessage: async (message) => {
        await this.conversations.handle(w.config.name, message.source);
      },
      onTooLarge: async (info) => {
        this.deps.logger.warn({ mailbox: w.config.name, ...info }, 'email: message over the size limit left unread by the bot');
      },
    });
    w.reader = reader;
    this.deps.logger.info?.({ mailbox: w.config.name }, 'email: reading the mailbox');
    void lock.lost.then(async () => {
      if (w.lock !== lock) return;
      this.deps.logger.warn({ mailbox: w.config.name }, 'email: mailbox lock lost (database connection); reading stops until it is taken again');
      w.lock = null;
      await reader.stop().catch(() => undefined);
      if (w.reader === reader) w.reader = null;
      await this.acquire(w);
    });
    // A server that accepts but never greets must not hold up the application's start.
    void reader.start().catch((err: unknown) => this.deps.logger.error({ err, mailbox: w.config.name }, 'email: the mailbox reader did not start'));
  }
}
