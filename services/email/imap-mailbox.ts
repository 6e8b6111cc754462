/**
 * Reads one IMAP mailbox (imapflow): every message without \Seen, in UID order, handed to `onMessage` one at a
 * time; a message gets \Seen only after its handler resolved, so a crash or a failed handler leaves it to be read
 * again (handlers must tolerate a repeat: a crash between the handler and the STORE re-delivers it).
 *
 * New mail arrives through IDLE (imapflow IDLEs on its own when the connection is quiet and re-issues IDLE every
 * `idleRestartMs`, below the ~29 min after which servers drop it); a poll timer reads again as a safety net.
 * A lost connection is re-opened with exponential backoff and jitter. No database here: the caller holds the
 * advisory lock that makes this the only reader of the mailbox and stores what `onMessage` gets.
 */
import { ImapFlow, type ImapFlowOptions } from 'imapflow';
import type { MailboxConfig } from './imap-url';

/** One message as read from the mailbox. */
export interface InboundRaw {
  uid: number;
  /** The mailbox's UIDVALIDITY (a bigint on the wire, kept as a decimal string): UIDs are unique per value. */
  uidValidity: string;
  /** The whole RFC 822 message. */
  source: Buffer;
}

export interface ImapMailboxLogger {
  info?(o: object, m?: string): void;
  warn(o: object, m?: string): void;
  error(o: object, m?: string): void;
}

export interface ImapMailboxOptions {
  config: MailboxConfig;
  /** Handles one message; resolve = done (the message gets \Seen); reject = leave it unseen, retried later. */
  onMessage: (message: InboundRaw) => Promise<void>;
  logger: ImapMailboxLogger;
  /** Re-issue IDLE this often (ms, default 5 min; servers drop IDLE after ~29 min). */
  idleRestartMs?: number;
  /** Safety poll for unseen mail (ms, default 60 s). */
  pollMs?: number;
  /** Reconnect backoff: initial and max (ms, default 1 s and 5 min), with jitter. */
  backoff?: { initialMs?: number; maxMs?: number };
  /** Largest message read (bytes, default 25 MB); larger ones are reported through onTooLarge and marked seen. */
  maxBytes?: number;
  onTooLarge?: (info: { uid: number; size: number }) => Promise<void>;
  /** For tests: an ImapFlow-compatible factory. */
  clientFactory?: (options: ImapFlowOptions) => ImapFlow;
}

export type ImapMailboxState = 'stopped' | 'connecting' | 'idle' | 'reading' | 'backoff';

const SEEN = '\\Seen';
/** The keyword of a message the bot gave up on (it is left unseen, for a person). */
export const ERROR_KEYWORD = '$VentanillaError';
/** Failed reads of one message before it is flagged and skipped. */
const MAX_FAILURES = 5;
/** Quiet time before imapflow starts IDLE: short, so mail that arrives right after a pass is reported at once. */
const AUTO_IDLE_DELAY_MS = 1_000;
const CONNECTION_TIMEOUT_MS = 30_000;
const LOGOUT_TIMEOUT_MS = 5_000;

/** Reads one mailbox; one instance per mailbox. */
export class ImapMailbox {
  private currentState: ImapMailboxState = 'stopped';
  private error: string | null = null;
  /** When the last reading pass finished. */
  lastCheckAt: Date | null = null;

  private readonly idleRestartMs: number;
  private readonly pollMs: number;
  private readonly backoffInitialMs: number;
  private readonly backoffMaxMs: number;
  private readonly maxBytes: number;
  /** Failed reads per `uidValidity:uid` (this process). */
  private readonly failedReads = new Map<string, number>();
  private readonly factory: (options: ImapFlowOptions) => ImapFlow;

  private stopped = true;
  private client: ImapFlow | null = null;
  /** Bumped for every connection attempt and on stop; events of an older connection are ignored. */
  private generation = 0;
  private failures = 0;
  private connecting: Promise<void> | null = null;
  /** The client of the connection attempt in progress, closed by stop() so that it need not wait for a timeout. */
  private connectingClient: ImapFlow | null = null;
  private reconnectTimer: NodeJS.Timeout | null = null;
  private pollTimer: NodeJS.Timeout | null = null;
  private pass: Promise<void> | null = null;
  private nextPass: Promise<void> | null = null;

  constructor(private readonly options: ImapMailboxOptions) {
    if (!options?.config) throw new Error('ImapMailbox: config is required');
    if (typeof options.onMessage !== 'function') throw new Error('ImapMailbox: onMessage is required');
    if (!options.logger) throw new Error('ImapMailbox: logger is required');
    this.idleRestartMs = positive(options.idleRestartMs, 5 * 60_000, 'idleRestartMs');
    this.pollMs = positive(options.pollMs, 60_000, 'pollMs');
    this.backoffInitialMs = positive(options.backoff?.initialMs, 1_000, 'backoff.initialMs');
    this.backoffMaxMs = Math.max(this.backoffInitialMs, positive(options.backoff?.maxMs, 5 * 60_000, 'backoff.maxMs'));
    this.maxBytes = positive(options.maxBytes, 25 * 1024 * 1024, 'maxBytes');
    this.factory = options.clientFactory ?? ((o) => new ImapFlow(o));
  }

  get state(): ImapMailboxState {
    return this.currentState;
  }

  /** The last connection or reading error (never includes the password), null after a good connection. */
  get lastError(): string | null {
    return this.error;
  }

  /** Connects and starts reading; resolves once the first connection attempt finished (connected or retry scheduled). */
  async start(): Promise<void> {
    if (!this.stopped) return;
    this.stopped = false;
    this.pollTimer = setInterval(() => void this.check(), this.pollMs);
    await this.connect();
  }

  /** Stops reading, waits for a pass in progress (after its current message), logs out and cancels every timer. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.generation++;
    if (this.pollTimer) clearInterval(this.pollTimer);
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    this.pollTimer = this.reconnectTimer = null;
    this.connectingClient?.close();
    await this.connecting;
    await this.nextPass;
    await this.pass;
    const client = this.client;
    this.client = null;
    if (client) await logout(client);
    this.currentState = 'stopped';
    this.log('info', {}, 'IMAP mailbox stopped');
  }

  /**
   * Reads unseen mail now. A pass already running is not interrupted: this then resolves after one more pass that
   * starts when it ends (requests during a pass are merged into that one). Never rejects: errors are logged and kept
   * in `lastError`; without a connection it does nothing.
   */
  check(): Promise<void> {
    if (!this.pass) {
      this.pass = this.readUnseen().finally(() => {
        this.pass = null;
      });
      return this.pass;
    }
    if (!this.nextPass) {
      this.nextPass = this.pass.then(() => {
        this.nextPass = null;
        return this.check();
      });
    }
    return this.nextPass;
  }

  private async connect(): Promise<void> {
    if (this.stopped) return;
    const generation = ++this.generation;
    this.currentState = 'connecting';
    const { config } = this.options;
    const client = this.factory({
      host: config.host,
      port: config.port,
      secure: config.secure,
      // Unset: STARTTLS when the server offers it; false: stay in cleartext (?starttls=off).
      doSTARTTLS: config.secure || config.starttls ? undefined : false,
      tls: { rejectUnauthorized: config.rejectUnauthorized },
      auth: { user: config.user, pass: config.password },
      logger: false,
      maxIdleTime: this.idleRestartMs,
      autoIdleDelay: AUTO_IDLE_DELAY_MS,
      connectionTimeout: CONNECTION_TIMEOUT_MS,
      clientInfo: { name: 'Ventanilla' },
    });
    // Until connect() resolves, its rejection reports a failure (imapflow may emit 'close' before it).
    let connected = false;
    client.on('error', (err: Error) => {
      if (connected) this.connectionLost(generation, client, err, 'lost');
    });
    client.on('close', () => {
      if (connected) this.connectionLost(generation, client, null, 'lost');
    });
    client.on('exists', () => {
      if (generation === this.generation) void this.check();
    });
    const attempt = (async () => {
      this.connectingClient = client;
      try {
        await client.connect();
        connected = true;
      } catch (err) {
        if (!client.isClosed) client.close();
        this.connectionLost(generation, client, err as Error, 'failed');
        return;
      } finally {
        if (this.connectingClient === client) this.connectingClient = null;
      }
      if (generation !== this.generation) {
        // Stopped (or replaced) while connecting.
        await logout(client);
        return;
      }
      this.client = client;
      this.failures = 0;
      this.error = null;
      this.currentState = 'idle';
      this.log('info', { secure: client.secureConnection }, 'IMAP mailbox connected');
      void this.check();
    })();
    this.connecting = attempt;
    try {
      await attempt;
    } finally {
      if (this.connecting === attempt) this.connecting = null;
    }
  }

  /** The connection `client` of `generation` could not be opened or was lost: drop it and schedule a reconnect. */
  private connectionLost(generation: number, client: ImapFlow, err: Error | null, what: 'failed' | 'lost'): void {
    if (generation !== this.generation || this.stopped) return;
    this.generation++;
    if (this.client === client) this.client = null;
    if (!client.isClosed) client.close();
    this.error = err ? describe(err) : 'connection closed by the server';
    const delay = this.nextDelay();
    this.currentState = 'backoff';
    // Wrong credentials do not fix themselves: an error, so that someone looks at it.
    const level = (err as { authenticationFailed?: boolean } | null)?.authenticationFailed ? 'error' : 'warn';
    this.log(level, { err: this.error, retryInMs: delay }, `IMAP mailbox connection ${what}; retrying`);
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = null;
      void this.connect();
    }, delay);
  }

  /** Exponential backoff with "equal jitter": between half and all of initial × 2^failures, capped at max. */
  private nextDelay(): number {
    const ceiling = Math.min(this.backoffMaxMs, this.backoffInitialMs * 2 ** Math.min(this.failures, 30));
    this.failures++;
    return Math.round(ceiling / 2 + (Math.random() * ceiling) / 2);
  }

  /**
   * One reading pass over the unseen messages, in UID order. A message whose handler rejects stays unseen for the next
   * pass and the pass goes on (one bad message must not stop the mailbox); after {@link MAX_FAILURES} failed reads it is
   * flagged `$VentanillaError` and left for a person.
   */
  private async readUnseen(): Promise<void> {
    const client = this.client;
    if (!client || this.stopped || !client.usable) return;
    this.currentState = 'reading';
    let read = 0;
    try {
      const uids = await this.locked(client, async () =>
        ((await client.search({ seen: false, unKeyword: ERROR_KEYWORD }, { uid: true })) || []).sort((a, b) => a - b),
      );
      for (const uid of uids) {
        if (this.stopped || client !== this.client) break;
        if (await this.readOne(client, uid)) read++;
      }
      this.lastCheckAt = new Date();
    } catch (err) {
      // A dropped connection also ends up in connectionLost(), which reconnects.
      this.error = describe(err as Error);
      this.log('warn', { err: this.error }, 'IMAP mailbox read failed');
    } finally {
      if (this.client === client && !this.stopped) this.currentState = 'idle';
    }
    if (read > 0) this.log('info', { read }, 'IMAP mailbox messages read');
  }

  /**
   * Reads one message; true when it is done with (handled, too large, or gone) and marked \Seen. The mailbox lock
   * is not held while the handler runs, so a slow handler leaves the connection free to IDLE (which keeps it alive).
   */
  private async readOne(client: ImapFlow, uid: number): Promise<boolean> {
    const range = String(uid);
    const fetched = await this.locked(client, async (uidValidity) => {
      const meta = await client.fetchOne(range, { uid: true, size: true, flags: true }, { uid: true });
      // Expunged meanwhile, or marked seen by someone else: nothing to do.
      if (!meta || meta.flags?.has(SEEN)) return null;
      const size = meta.size ?? 0;
      if (size > this.maxBytes) return { uidValidity, size, source: null };
      const message = await client.fetchOne(range, { uid: true, source: true }, { uid: true });
      if (!message) return null;
      if (!message.source) throw new Error(`the server sent no source for UID ${uid}`);
      return { uidValidity, size, source: message.source };
    });
    if (!fetched) return true;
    try {
      if (fetched.source) {
        await this.options.onMessage({ uid, uidValidity: fetched.uidValidity, source: fetched.source });
      } else {
        this.log('warn', { uid, size: fetched.size, maxBytes: this.maxBytes }, 'IMAP message too large; marked seen without reading');
        await this.options.onTooLarge?.({ uid, size: fetched.size });
      }
    } catch (err) {
      const key = `${fetched.uidValidity}:${uid}`;
      const failures = (this.failedReads.get(key) ?? 0) + 1;
      this.failedReads.set(key, failures);
      if (failures < MAX_FAILURES) {
        this.log('warn', { uid, failures, err: describe(err as Error) }, 'IMAP message handler failed; message left unseen for the next pass');
        return false;
      }
      this.failedReads.delete(key);
      this.log('error', { uid, failures, err: describe(err as Error) }, 'IMAP message could not be processed; flagged $VentanillaError for a person to read');
      await this.locked(client, async (uidValidity) => {
        if (uidValidity === fetched.uidValidity) await client.messageFlagsAdd(range, [ERROR_KEYWORD], { uid: true });
      }).catch((flagErr: unknown) => this.log('warn', { uid, err: describe(flagErr as Error) }, 'IMAP could not flag the message'));
      return false;
    }
    await this.locked(client, async (uidValidity) => {
      // A new UIDVALIDITY means this UID may now name another message: leave that one alone.
      if (uidValidity === fetched.uidValidity) await client.messageFlagsAdd(range, [SEEN], { uid: true });
    });
    return true;
  }

  /** Runs `work` with the mailbox selected and locked; `work` gets the mailbox's UIDVALIDITY. */
  private async locked<T>(client: ImapFlow, work: (uidValidity: string) => Promise<T>): Promise<T> {
    const lock = await client.getMailboxLock(this.options.config.mailbox);
    try {
      if (client.mailbox === false) throw new Error(`mailbox ${this.options.config.mailbox} is not open`);
      return await work(String(client.mailbox.uidValidity));
    } finally {
      lock.release();
    }
  }

  private log(level: 'info' | 'warn' | 'error', o: object, m: string): void {
    const entry = { mailbox: this.options.config.name, ...o };
    if (level === 'info') this.options.logger.info?.(entry, m);
    else this.options.logger[level](entry, m);
  }
}

/** LOGOUT, falling back to closing the socket when the server does not answer in time. */
async function logout(client: ImapFlow): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      client.logout(),
      new Promise<void>((resolve) => {
        timer = setTimeout(resolve, LOGOUT_TIMEOUT_MS);
      }),
    ]);
  } catch {
    // The connection is going away anyway.
  } finally {
    clearTimeout(timer);
    if (!client.isClosed) client.close();
  }
}

/** An error's message and IMAP response code; imapflow's errors never carry the password. */
function describe(err: Error): string {
  const extra = err as Error & { serverResponseCode?: string; responseText?: string; code?: string };
  const code = extra.serverResponseCode ?? extra.code;
  const text = extra.responseText && !err.message.includes(extra.responseText) ? `: ${extra.responseText}` : '';
  return `${err.message}${text}${code ? ` [${code}]` : ''}`;
}

function positive(value: number | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  if (!Number.isFinite(value) || value <= 0) throw new Error(`ImapMailbox: ${name} must be a positive number of ms or bytes`);
  return value;
}
