/**
 * Cooperative computation: long training loops are written once, as generators that `yield` (nothing) at points
 * where they may be paused, and run either straight through ({@link runSteps}, for synchronous callers) or in slices
 * that give the event loop a turn in between ({@link runStepsCooperatively}, for a server). Both drivers run exactly
 * the same code in the same order, so they compute the same result bit for bit; only the pauses differ.
 */
import { performance } from 'node:perf_hooks';

/** A computation that returns a `T` and yields at its pause points. */
export type Steps<T> = Generator<void, T, void>;

/**
 * Work between two pause points of the training loops, in units of about one multiply-add or one array element
 * touched: 2^17 units are about 0.1–0.5 ms on a current server core, far below a slice. The loops themselves belong
 * in plain functions that do about this much per call: V8 does not optimise long loops inside generator functions.
 */
export const WORK_PER_STEP = 1 << 17;

/** Runs `steps` to completion synchronously and returns its result. */
export function runSteps<T>(steps: Steps<T>): T {
  for (;;) {
    const next = steps.next();
    if (next.done) return next.value;
  }
}

/**
 * Runs `steps` to completion, yielding to the event loop (a `setImmediate` turn, so pending I/O and timers run)
 * whenever it has run for more than `sliceMs` since the last yield. A slice can overrun `sliceMs` by at most the
 * work between two pause points. Errors thrown by `steps` reject the promise.
 */
export async function runStepsCooperatively<T>(steps: Steps<T>, sliceMs: number): Promise<T> {
  if (!(sliceMs >= 0)) throw new RangeError(`runStepsCooperatively(): sliceMs must be a number ≥ 0, got ${sliceMs}`);
  let sliceStarted = performance.now();
  for (;;) {
    const next = steps.next();
    if (next.done) return next.value;
    if (performance.now() - sliceStarted > sliceMs) {
      await new Promise<void>((resolve) => setImmediate(resolve));
      sliceStarted = performance.now();
    }
  }
}
