/**
 * A job that runs one pass at a time, every `tickMs`: each tick starts after the previous pass ended, a pass asked for
 * while one runs gets that one's promise instead of overlapping it, and `stop()` waits for a running pass. Used by the
 * schedulers that look for due work on every instance (the monthly report, the monthly health check).
 */
export class PeriodicPass<T> {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<T> | undefined;
  private stopped = true;

  /** `pass` does the work; `onError` hears a pass that failed on a timer tick (the loop goes on). */
  constructor(
    private readonly pass: () => Promise<T>,
    private readonly onError: (err: unknown) => void,
  ) {}

  /** Runs a pass now, or returns the running one. */
  run(): Promise<T> {
    if (this.running) return this.running;
    this.running = this.pass().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  /** Ticks every `tickMs` (0 or less: never), the first time after `firstDelayMs` (at most `tickMs`). */
  start(tickMs: number, firstDelayMs: number): void {
    if (tickMs <= 0 || !this.stopped) return;
    this.stopped = false;
    const loop = (delay: number) => {
      this.timer = setTimeout(() => {
        void this.run()
          .catch(this.onError)
          .finally(() => {
            if (!this.stopped) loop(tickMs);
          });
      }, delay);
      this.timer.unref();
    };
    loop(Math.min(tickMs, firstDelayMs));
  }

  /** Stops ticking and waits for a running pass. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running?.catch(() => undefined);
  }
}
