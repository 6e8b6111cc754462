import type { OutboxKind, OutboxRepository, OutboxRow } from '../../models';

/** One message as a transport sees it. `id` is the outbox id: stable across retries, so receivers can drop repeats. */
export interface OutboxMessage {
  id: number;
  kind: OutboxKind;
  payload: Record<string, unknown>;
  /** Failed attempts before this one. */
  attempts: number;
}

/** Delivers one kind of message. Resolving means delivered; throwing means try again later. */
export interface Transport {
  send(message: OutboxMessage): Promise<void>;
  /** Releases connections (called by {@link OutboxWorker.stop} after the last batch). */
  close?(): Promise<void>;
}

/** Thrown by a transport when trying again cannot help (a malformed payload): the message goes dead at once. */
export class PermanentDeliveryError extends Error {
  override readonly name = 'PermanentDeliveryError';
}

/** The structured-logger methods the worker uses (pino's Logger fits). */
export interface WorkerLogger {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

export interface BackoffOptions {
  /** Delay after the first failure; doubles with each further one. Default 30 s. */
  baseMs?: number;
  /** Longest delay. Default 1 h. */
  capMs?: number;
  /** Randomness for the jitter, in [0, 1). Default Math.random. */
  random?: () => number;
}

export interface OutboxWorkerOptions {
  repo: Pick<OutboxRepository, 'claimDue' | 'markSent' | 'markFailed' | 'stats'>;
  /** Kinds without a transport are not claimed: their messages wait in the outbox. */
  transports: Partial<Record<OutboxKind, Transport>>;
  clock: { now(): Date };
  logger: WorkerLogger;
  /** Pause between polls when there is nothing to do. */
  pollMs: number;
  /** Attempts before a message is given up (status dead). */
  maxAttempts: number;
  /** Messages claimed per round, delivered concurrently. Default 10. */
  batch?: number;
  /** How long a claim holds a message; must exceed the slowest delivery. Default 5 min. */
  leaseMs?: number;
  backoff?: BackoffOptions;
}

export interface RunCounts {
  claimed: number;
  sent: number;
  /** Failed and scheduled again. */
  retried: number;
  /** Failed for the last time (or permanently). */
  dead: number;
}

/**
 * Delivers the outbox: claims due messages, hands each to the transport of its kind, and records the
 * outcome. A failure is retried with exponential backoff and jitter until `maxAttempts`, then the message
 * is dead (logged at error level; an admin can revive it). Delivery is at least once: a crash between
 * sending and recording sends again after the lease; the outbox id travels with every delivery for that.
 */
export class OutboxWorker {
  private readonly batch: number;
  private readonly leaseMs: number;
  private readonly baseMs: number;
  private readonly capMs: number;
  private readonly random: () => number;
  private readonly kinds: OutboxKind[];
  private readonly missingKinds: OutboxKind[];
  private readonly reportedMissing = new Set<OutboxKind>();
  private nextMissingCheck = 0;
  private readonly inFlight = new Set<Promise<RunCounts>>();
  private running = false;
  private looping = false;
  private wakeRequested = false;
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly options: OutboxWorkerOptions) {
    if (!options?.repo) throw new Error('OutboxWorker: repo is required');
    if (!options.clock) throw new Error('OutboxWorker: clock is required');
    if (!options.logger) throw new Error('OutboxWorker: logger is required');
    if (!(options.pollMs > 0)) throw new Error('OutboxWorker: pollMs must be positive');
    if (!(options.maxAttempts >= 1)) throw new Error('OutboxWorker: maxAttempts must be at least 1');
    this.batch = options.batch ?? 10;
    this.leaseMs = options.leaseMs ?? 5 * 60_000;
    this.baseMs = options.backoff?.baseMs ?? 30_000;
    this.capMs = options.backoff?.capMs ?? 60 * 60_000;
    this.random = options.backoff?.random ?? Math.random;
    const all: OutboxKind[] = ['email', 'webhook'];
    this.kinds = all.filter((k) => options.transports[k]);
    this.missingKinds = all.filter((k) => !options.transports[k]);
  }

  /** Starts polling. The timer does not keep the process alive. */
  start(): void {
    if (this.running) return;
    this.running = true;
    this.schedule(0);
  }

  /** Runs a round soon (a ticket was just created), instead of waiting for the next poll. */
  wake(): void {
    if (!this.running) return;
    if (this.looping) {
      this.wakeRequested = true;
      return;
    }
    this.schedule(0);
  }

  /** Stops polling, waits for the deliveries in flight to be recorded, then closes the transports. */
  async stop(): Promise<void> {
    this.running = false;
    clearTimeout(this.timer);
    this.timer = undefined;
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
    for (const transport of new Set(Object.values(this.options.transports))) {
      await transport?.close?.().catch((err: unknown) => this.options.logger.warn({ err }, 'outbox: closing a transport failed'));
    }
  }

  /** One round: claim a batch and deliver it. Tests call it directly; `start()` calls it on a timer. */
  runOnce(): Promise<RunCounts> {
    const round = this.round();
    this.inFlight.add(round);
    const forget = () => this.inFlight.delete(round);
    round.then(forget, forget);
    return round;
  }

  /** The delay before attempt number `failures + 1`: base × 2^(failures − 1), capped, with half of it random. */
  backoffMs(failures: number): number {
    const full = Math.min(this.capMs, this.baseMs * 2 ** Math.max(0, failures - 1));
    return Math.round(full / 2 + (full / 2) * this.random());
  }

  private async round(): Promise<RunCounts> {
    const counts: RunCounts = { claimed: 0, sent: 0, retried: 0, dead: 0 };
    await this.reportMissingTransports();
    if (this.kinds.length === 0) return counts;
    const rows = await this.options.repo.claimDue(this.batch, this.options.clock.now(), this.leaseMs, this.kinds);
    counts.claimed = rows.length;
    // Every delivery is settled (and recorded) before the round ends, even when one of them cannot be recorded.
    const outcomes = await Promise.allSettled(rows.map((row) => this.deliver(row)));
    for (const o of outcomes) {
      if (o.status === 'rejected') throw o.reason;
      counts[o.value]++;
    }
    return counts;
  }

  private async deliver(row: OutboxRow): Promise<'sent' | 'retried' | 'dead'> {
    const { logger, clock, maxAttempts, repo } = this.options;
    const transport = this.options.transports[row.kind];
    const log = { outboxId: row.id, kind: row.kind, attempt: row.attempts + 1 };
    try {
      if (!transport) throw new Error(`no transport for ${row.kind}`); // not claimed in the first place
      await transport.send({ id: row.id, kind: row.kind, payload: row.payload, attempts: row.attempts });
    } catch (err) {
      const message = errorText(err);
      const failures = row.attempts + 1;
      const now = clock.now();
      if (err instanceof PermanentDeliveryError || failures >= maxAttempts) {
        await repo.markFailed(row.id, message, null, now);
        logger.error({ ...log, err: message, dedupeKey: row.dedupeKey }, 'outbox: message given up (dead)');
        return 'dead';
      }
      const next = new Date(now.getTime() + this.backoffMs(failures));
      await repo.markFailed(row.id, message, next, now);
      logger.warn({ ...log, err: message, nextAttemptAt: next.toISOString() }, 'outbox: delivery failed, will retry');
      return 'retried';
    }
    await repo.markSent(row.id, clock.now());
    logger.info(log, 'outbox: delivered');
    return 'sent';
  }

  /**
   * Logs once per kind that messages wait for a transport nobody configured (they are kept, not dropped).
   * Looks at most every ten minutes: normally no such message exists, and this is not worth a query per poll.
   */
  private async reportMissingTransports(): Promise<void> {
    const unreported = this.missingKinds.filter((k) => !this.reportedMissing.has(k));
    const now = this.options.clock.now().getTime();
    if (unreported.length === 0 || now < this.nextMissingCheck) return;
    this.nextMissingCheck = now + MISSING_TRANSPORT_CHECK_MS;
    const { pendingByKind } = await this.options.repo.stats();
    for (const kind of unreported) {
      if (pendingByKind[kind] === 0) continue;
      this.reportedMissing.add(kind);
      this.options.logger.warn(
        { kind, pending: pendingByKind[kind] },
        `outbox: ${kind} messages are waiting but no ${kind} transport is configured; they stay pending until one is`,
      );
    }
  }

  private schedule(delayMs: number): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.loop(), delayMs);
    this.timer.unref();
  }

  /** Rounds back to back while batches come back full (or a wake arrived), then waits `pollMs`. */
  private async loop(): Promise<void> {
    if (!this.running || this.looping) return;
    this.looping = true;
    let again = false;
    try {
      this.wakeRequested = false;
      const counts = await this.runOnce();
      again = counts.claimed === this.batch || this.wakeRequested;
    } catch (err) {
      this.options.logger.error({ err: errorText(err) }, 'outbox: round failed; retrying at the next poll');
    } finally {
      this.looping = false;
    }
    if (this.running) this.schedule(again ? 0 : this.options.pollMs);
  }
}

const MISSING_TRANSPORT_CHECK_MS = 10 * 60_000;

function errorText(err: unknown): string {
  if (err instanceof Error) {
    const code = 'code' in err && typeof err.code === 'string' ? err.code : undefined;
    return code && !err.message.includes(code) ? `${code}: ${err.message}` : err.message;
  }
  return String(err);
}
