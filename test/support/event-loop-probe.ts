import { performance } from 'node:perf_hooks';

/**
 * Runs `work` while a setImmediate loop ticks: how many times the event loop turned, and the longest gap between
 * two turns (start and end included). Used by the router's cooperative-training test and by bench:nlu-yield.
 */
export async function probeEventLoop<T>(work: () => Promise<T>): Promise<{ result: T; ticks: number; maxGapMs: number; ms: number }> {
  let ticks = 0;
  let maxGapMs = 0;
  const started = performance.now();
  let last = started;
  let running = true;
  const tick = (): void => {
    const now = performance.now();
    maxGapMs = Math.max(maxGapMs, now - last);
    last = now;
    ticks++;
    if (running) setImmediate(tick);
  };
  setImmediate(tick);
  const result = await work();
  running = false;
  maxGapMs = Math.max(maxGapMs, performance.now() - last);
  return { result, ticks, maxGapMs, ms: performance.now() - started };
}
