/**
 * The numeric kernels of the linear models: a seeded PRNG and shuffle (training order, folds), the sparse
 * matrix-vector product of feature-major weights, and an in-place softmax. Shared by training and scoring.
 */
import type { SparseVector } from './features';

/**
 * `Math` functions as module constants in the hot loops: code that runs in a vm context (as under jest) looks
 * `Math` up on the context's global object at every call, which makes such loops about 25 times slower there.
 */
const { exp, floor, imul } = Math;

/** Deterministic PRNG (mulberry32). */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = imul(t ^ (t >>> 15), t | 1);
    t ^= t + imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Fisher–Yates shuffle of `0..n-1` with `random`. */
export function shuffledRange(n: number, random: () => number): Int32Array {
  const order = new Int32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  for (let i = n - 1; i > 0; i--) {
    const j = floor(random() * (i + 1));
    const tmp = order[i];
    order[i] = order[j];
    order[j] = tmp;
  }
  return order;
}

/** Adds W·x to `out` for feature-major `weights` (unrolled by four: the hot loop of training and routing). */
export function addScores(weights: Float32Array, classes: number, x: SparseVector, out: Float64Array): void {
  const tail = classes - (classes % 4);
  for (let k = 0; k < x.indices.length; k++) {
    const base = x.indices[k] * classes;
    const v = x.values[k];
    let c = 0;
    for (; c < tail; c += 4) {
      out[c] += v * weights[base + c];
      out[c + 1] += v * weights[base + c + 1];
      out[c + 2] += v * weights[base + c + 2];
      out[c + 3] += v * weights[base + c + 3];
    }
    for (; c < classes; c++) out[c] += v * weights[base + c];
  }
}

/** Softmax of the first `n` entries of `values` divided by `temperature`, in place. */
export function softmaxInPlace(values: Float64Array, n: number, temperature: number): void {
  let max = -Infinity;
  for (let c = 0; c < n; c++) if (values[c] > max) max = values[c];
  let sum = 0;
  for (let c = 0; c < n; c++) {
    const e = exp((values[c] - max) / temperature);
    values[c] = e;
    sum += e;
  }
  for (let c = 0; c < n; c++) values[c] /= sum;
}
