/**
 * Counts running turns so a graceful shutdown can wait for them, and serializes turns of the
 * same conversation (two quick messages must not race on the conversation's state).
 */
export class TurnTracker {
  private running = 0;
  private idleWaiters: Array<() => void> = [];
  private readonly tails = new Map<string, Promise<void>>();

  get active(): number {
    return this.running;
  }

  /** Runs `fn` after earlier work on the same key has settled, counting it as a running turn. */
  run<T>(key: string, fn: () => Promise<T>): Promise<T> {
    this.running++;
    const previous = this.tails.get(key) ?? Promise.resolve();
    const result = previous.then(fn);
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
