/**
 * Counts running turns so a graceful shutdown can wait for them, serializes turns of the same
 * conversation (two quick messages must not race on the conversation's state), and runs at most
 * `maxConcurrent` turns at once: past that, turns wait in order instead of all holding memory
 * and database connections together (which only makes each of them slower).
 */
export class TurnTracker {
  private running = 0;
  private executing = 0;
  private readonly waiting: Array<() => void> = [];
  private idleWaiters: Array<() => void> = [];
  private readonly tails = new Map<string, Promise<void>>();

  constructor(private readonly maxConcurrent = 64) {
    if (maxConcurrent < 1) throw new Error('TurnTracker: maxConcurrent must be at least 1');
  }

  /** Turns accepted and not finished (running or waiting). */
  get active(): number {
    return this.running;
  }

  /** Runs `fn` after earlier work on the same key has settled, counting it as a running turn. */
  run<T>(key: string, fn: () => Promise<T>): Promise<T> {
    this.running++;
    const previous = this.tails.get(key) ?? Promise.resolve();
    const result = previous.then(() => this.withSlot(fn));
    const tail = result.then(
      () => undefined,
      () => undefined,
    );
    this.tails.set(key, tail);
    void tail.then(() => {
      if (this.tails.get(key) === tail) this.tails.delete(key);
      this.running--;
      if (this.running === 0) for (const w of this.idleWaiters.splice(0)) w();
    });
    return result;
  }

  private async withSlot<T>(fn: () => Promise<T>): Promise<T> {
    if (this.executing >= this.maxConcurrent) await new Promise<void>((resolve) => this.waiting.push(resolve));
    this.executing++;
    try {
      return await fn();
    } finally {
      this.executing--;
      this.waiting.shift()?.();
    }
  }

  /** Resolves when no turn is running, or after `timeoutMs`; true when drained. */
  drain(timeoutMs: number): Promise<boolean> {
    if (this.running === 0) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve(false), timeoutMs);
      this.idleWaiters.push(() => {
        clearTimeout(timer);
        resolve(true);
      });
    });
  }
}
