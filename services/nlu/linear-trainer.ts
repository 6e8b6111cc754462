/**
 * The optimiser behind {@link LinearModel.train}: per-weight AdaGrad on the softmax loss with iterate averaging,
 * and the naive Bayes term folded into the weights. Written as {@link Steps} generators that pause about every
 * {@link WORK_PER_STEP} units of work (a few examples of an epoch, a few feature rows), so that training can share
 * the event loop; the arithmetic and its order are the same however the steps are driven.
 */
import { type Steps, WORK_PER_STEP } from './cooperative';
import type { SparseVector } from './features';
import { addScores, seededRandom, shuffledRange, softmaxInPlace } from './linear-math';
import type { LinearModelOptions, TrainingSet, TrainingState } from './linear-model';

/**
 * `Math` functions as module constants in the hot loops: code that runs in a vm context (as under jest) looks
 * `Math` up on the context's global object at every call, which makes such loops about 25 times slower there.
 */
const { abs, log, sqrt } = Math;

/** Array elements per pause point in the element-wise passes (averaging, naive Bayes). */
const ELEMENTS_PER_STEP = 1 << 16;
/**
 * The cost of reaching a feature's row of weights, in work units: the rows of an example's features lie far apart
 * in large weight matrices, so each is a few cache misses whatever the number of classes updated in it.
 */
const ROW_COST = 64;

/** One epoch: its order of the examples, and what it does with them. */
interface Epoch {
  order: Int32Array;
  /** Scores every class (and collects the candidates of the following epochs). */
  full: boolean;
  averaging: boolean;
  /** The candidate classes of each example for the following epochs. */
  next: Int32Array[];
}

/**
 * One training run: per-weight AdaGrad on the softmax loss, with iterate averaging over the last epochs. The loops
 * over examples and weights are in plain methods that do about one step of work per call: V8 does not optimise long
 * loops inside generator functions (no on-stack replacement there), so the generators only call them and pause.
 */
export class Trainer {
  private readonly weights: Float32Array;
  private readonly bias: Float32Array;
  private readonly squares: Float32Array;
  private readonly biasSquares: Float32Array;
  /** Σ (u − 1)·Δ_u over the averaged steps u: the average of the iterates is w_T − sums / T. */
  private readonly sums: Float32Array | undefined;
  private readonly biasSums: Float64Array;
  private readonly scores: Float64Array;
  /** The classes updated for the current example and their gradients. */
  private readonly updated: Int32Array;
  private readonly gradients: Float64Array;
  private readonly allClasses: Int32Array;
  /** The classes each example scores in the epochs that do not score all (from the last full epoch). */
  private candidates: Int32Array[] = [];
  private step = 0;

  constructor(
    state: TrainingState,
    private readonly data: TrainingSet,
    private readonly options: LinearModelOptions,
  ) {
    const size = data.features * data.classes;
    ({ weights: this.weights, bias: this.bias, squares: this.squares, biasSquares: this.biasSquares } = state);
    this.sums = options.averageEpochs > 0 ? new Float32Array(size) : undefined;
    this.biasSums = new Float64Array(data.classes);
    this.scores = new Float64Array(data.classes);
    this.updated = new Int32Array(data.classes);
    this.gradients = new Float64Array(data.classes);
    this.allClasses = Int32Array.from({ length: data.classes }, (_, c) => c);
  }

  /** Trains the state in place; pauses every few examples (their cost: features × classes scored). */
  *run(): Steps<void> {
    const { data, options } = this;
    const random = seededRandom(options.seed);
    const firstAveraged = options.epochs - Math.min(options.averageEpochs, options.epochs);
    const n = data.vectors.length;
    yield; // after the large allocations (weights, squares, sums): they can start a garbage collection
    for (let e = 0; e < options.epochs; e++) {
      const full = e === 0 || options.fullEpochs.includes(e);
      const next = full ? new Array<Int32Array>(n) : this.candidates;
      const epoch: Epoch = { order: shuffledRange(n, random), full, averaging: e >= firstAveraged, next };
      for (let at = 0; at < n; ) {
        at = this.trainSome(epoch, at);
        yield;
      }
      this.candidates = epoch.next;
    }
    yield* this.finishAveraging();
  }

  /** Trains on the examples `epoch.order[from…]` until about {@link WORK_PER_STEP} units are done; where it stopped. */
  private trainSome(epoch: Epoch, from: number): number {
    const { vectors, labels } = this.data;
    const { order, full, averaging, next } = epoch;
    let work = 0;
    let k = from;
    while (k < order.length && work < WORK_PER_STEP) {
      const i = order[k++];
      const active = full ? this.allClasses : this.candidates[i];
      this.probabilities(vectors[i], active, full);
      if (full) next[i] = this.candidatesOf(labels[i]);
      this.update(vectors[i], labels[i], active, averaging);
      if (averaging) this.step++;
      work += vectors[i].indices.length * (active.length + ROW_COST);
    }
    return k;
  }

  /** Softmax over the `active` classes into `scores` (indexed like `active`). */
  private probabilities(x: SparseVector, active: Int32Array, full: boolean): void {
    const { scores, weights, bias } = this;
    const classes = this.data.classes;
    const n = active.length;
    for (let a = 0; a < n; a++) scores[a] = bias[active[a]];
    if (full) addScores(weights, classes, x, scores);
    else {
      for (let k = 0; k < x.indices.length; k++) {
        const base = x.indices[k] * classes;
        const v = x.values[k];
        for (let a = 0; a < n; a++) scores[a] += v * weights[base + active[a]];
      }
    }
    softmaxInPlace(scores, n, 1);
  }

  /** After a full pass: the label and the classes with probability ≥ the gradient floor. */
  private candidatesOf(label: number): Int32Array {
    const kept: number[] = [];
    for (let c = 0; c < this.data.classes; c++) if (c === label || this.scores[c] >= this.options.gradientFloor) kept.push(c);
    return Int32Array.from(kept);
  }

  private update(x: SparseVector, label: number, active: Int32Array, averaging: boolean): void {
    const { scores, squares, biasSquares, weights, bias, updated, gradients } = this;
    const { learningRate: rate, l2, gradientFloor: floor } = this.options;
    const sums = averaging ? this.sums : undefined;
    const age = this.step;
    const classes = this.data.classes;
    let updates = 0;
    for (let a = 0; a < active.length; a++) {
      const c = active[a];
      const g = scores[a] - (c === label ? 1 : 0);
      if (abs(g) < floor) continue;
      updated[updates] = c;
      gradients[updates++] = g;
      biasSquares[c] += g * g;
      const biasDelta = (rate * g) / sqrt(biasSquares[c] + 1e-8);
      bias[c] -= biasDelta;
      if (sums) this.biasSums[c] -= age * biasDelta;
    }
    // Feature by feature, so that the updated weights of one feature sit in one row.
    for (let k = 0; k < x.indices.length; k++) {
      const base = x.indices[k] * classes;
      const v = x.values[k];
      for (let u = 0; u < updates; u++) {
        const at = base + updated[u];
        const w = weights[at];
        const grad = v * gradients[u] + l2 * w;
        const sq = squares[at] + grad * grad;
        squares[at] = sq;
        const delta = (rate * grad) / sqrt(sq + 1e-8);
        weights[at] = w - delta;
        if (sums) sums[at] -= age * delta;
      }
    }
  }

  private *finishAveraging(): Steps<void> {
    const { sums, step, weights, bias } = this;
    if (!sums || step === 0) return;
    for (let from = 0; from < weights.length; from += ELEMENTS_PER_STEP) {
      subtractAverage(weights, sums, step, from, Math.min(weights.length, from + ELEMENTS_PER_STEP));
      yield;
    }
    for (let c = 0; c < bias.length; c++) bias[c] -= this.biasSums[c] / step;
  }
}

/** weights[at] −= sums[at] / steps for `at` in [from, to). */
function subtractAverage(weights: Float32Array, sums: Float32Array, steps: number, from: number, to: number): void {
  for (let at = from; at < to; at++) weights[at] -= sums[at] / steps;
}

/** Adds β · log θ_fc of a multinomial naive Bayes model fitted on `data` (feature values as counts) to `weights`. */
export function* addNaiveBayes(data: TrainingSet, weights: Float32Array, beta: number, alpha: number): Steps<void> {
  const { classes, features, vectors } = data;
  const mass = new Float32Array(features * classes);
  const totals = new Float64Array(classes);
  yield; // after the large allocation, as in LinearModel.trainSteps
  for (let i = 0; i < vectors.length; ) {
    i = addMass(data, mass, totals, i);
    yield;
  }
  const logTotals = Float64Array.from(totals, (total) => Math.log(total + alpha * features));
  // A logarithm per element: rows in chunks of about ELEMENTS_PER_STEP / 4 elements.
  const rows = Math.max(1, Math.floor(ELEMENTS_PER_STEP / 4 / classes));
  for (let f = 0; f < features; f += rows) {
    addLogRows(weights, mass, logTotals, classes, beta, alpha, f, Math.min(features, f + rows));
    yield;
  }
}

/** Adds the feature values of the examples from `from` on to their class's mass, about one step's worth; where it stopped. */
function addMass(data: TrainingSet, mass: Float32Array, totals: Float64Array, from: number): number {
  const { classes, vectors, labels } = data;
  let work = 0;
  let i = from;
  while (i < vectors.length && work < ELEMENTS_PER_STEP) {
    const x = vectors[i];
    const c = labels[i++];
    for (let k = 0; k < x.indices.length; k++) {
      mass[x.indices[k] * classes + c] += x.values[k];
      totals[c] += x.values[k];
    }
    work += x.indices.length;
  }
  return i;
}

/** The naive Bayes term of feature rows [from, to). */
function addLogRows(
  weights: Float32Array,
  mass: Float32Array,
  logTotals: Float64Array,
  classes: number,
  beta: number,
  alpha: number,
  from: number,
  to: number,
): void {
  for (let f = from; f < to; f++) {
    const base = f * classes;
    for (let c = 0; c < classes; c++) weights[base + c] += beta * (log(mass[base + c] + alpha) - logTotals[c]);
  }
}
