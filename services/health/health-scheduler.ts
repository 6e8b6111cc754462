/**
 * The monthly health check on its own (seed 004: «realiza mensualmente el mantenimiento del software … y deja
 * evidencia»): the first tick of each month on the desk's calendar that finds the month without a monthly run takes
 * the advisory lock {@link HEALTH_CHECK_LOCK} (Database.tryLock, without waiting), checks again, runs every check and
 * stores the run as the month's evidence, which HealthCheckService reports by e-mail to the coordinators (seed 004:
 * «Informa del resultado al Jefe de UACT»). With N instances one runs it; the others find the lock held or the month
 * done. The table's unique index on a monthly run's month is the last guard.
 */
import { HEALTH_CHECK_LOCK, type HealthRepository, type HeldLock } from '../../models';
import { PeriodicPass } from '../scheduling/periodic-pass';
import type { HealthCheckService } from './health-check';

interface Logger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

export interface HealthSchedulerDeps {
  health: Pick<HealthCheckService, 'run'>;
  repo: Pick<HealthRepository, 'monthlyExists'>;
  /** Database.tryLock: null when another instance holds the lock. */
  lock: (key: string) => Promise<HeldLock | null>;
  clock: { now(): Date };
  logger: Logger;
  /** The desk's time zone (`TZ`): months are its calendar months. */
  timeZone: string;
}

/** What one tick did. */
export interface HealthTick {
  /** The current month (`YYYY-MM`, desk's calendar). */
  month: string;
  /** False: another instance held the lock. */
  locked: boolean;
  /** This tick ran and stored the month's run; its id. */
  storedId: number | null;
}

/** The month (`YYYY-MM`) of `now` on the calendar of `timeZone`. */
export function deskMonth(now: Date, timeZone: string): string {
  const p = Object.fromEntries(new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit' }).formatToParts(now).map((x) => [x.type, x.value]));
  return `${p.year}-${p.month}`;
}

export class HealthScheduler {
  private readonly passes: PeriodicPass<HealthTick>;

  constructor(private readonly deps: HealthSchedulerDeps) {
    for (const key of ['health', 'repo', 'lock', 'clock', 'logger', 'timeZone'] as const) {
      if (!deps?.[key]) throw new Error(`HealthScheduler: ${key} is required`);
    }
    this.passes = new PeriodicPass(() => this.pass(), (err) => deps.logger.error({ err }, 'health check tick failed'));
  }

  /** Ticks every `tickMs` (`HEALTH_TICK_MS`; 0: never, tests call `tick()`). Each tick starts after the previous ended. */
  start(tickMs: number): void {
    // The first check soon after start (but not in the middle of start-up): a new month is not missed by an interval.
    this.passes.start(tickMs, 30_000);
  }

  /** Stops ticking and waits for a running tick (its run is stored before this resolves). */
  stop(): Promise<void> {
    return this.passes.stop();
  }

  /** One check: when this month has no monthly run, run and store it (once across instances). */
  tick(): Promise<HealthTick> {
    return this.passes.run();
  }

  private async pass(): Promise<HealthTick> {
    const month = deskMonth(this.deps.clock.now(), this.deps.timeZone);
    if (await this.deps.repo.monthlyExists(month)) return { month, locked: true, storedId: null };
    const lock = await this.deps.lock(HEALTH_CHECK_LOCK);
    if (!lock) return { month, locked: false, storedId: null };
    try {
      // Another instance may have finished between the first look and the lock.
      if (await this.deps.repo.monthlyExists(month)) return { month, locked: true, storedId: null };
      const run = await this.deps.health.run('monthly', 'scheduler', month);
      if (run.id !== null) this.deps.logger.info({ month, id: run.id, ok: run.ok }, 'monthly health check stored');
      return { month, locked: true, storedId: run.id };
    } finally {
      await lock.release();
    }
  }
}
