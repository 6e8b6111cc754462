/**
 * Multinomial logistic regression on sparse vectors, trained with per-weight AdaGrad and iterate averaging, plus a
 * multinomial naive Bayes term folded into the same weights. Weights are stored feature-major
 * (`weights[feature * classes + class]`), so scoring one sparse vector is a few contiguous vector additions:
 * about 150 features × 200 classes, a few tens of microseconds.
 */
import type { SparseVector } from './features';

/** Training hyper-parameters. */
export interface LinearModelOptions {
  epochs: number;
  learningRate: number;
  /** L2 penalty, applied to the weights an example touches (the usual sparse approximation). */
  l2: number;
  /** The final model is the average of the iterates of the last `averageEpochs` epochs (0: the last iterate). */
  averageEpochs: number;
  /** Per-class gradients below this (|p − y|) are skipped: once learnt, most classes are far from an example. */
  gradientFloor: number;
  /**
   * Weight β of a multinomial naive Bayes model added to the logits: z += β · Σ x_f log θ_fc, with θ smoothed by
   * `naiveBayesAlpha`. Being linear in x, it is folded into the weights. A cheap second opinion that helps both
   * accuracy and out-of-scope detection (0 disables).
   */
  naiveBayesWeight: number;
  naiveBayesAlpha: number;
  /** The epochs that score every class (see {@link LinearModel.train}); epoch 0 always does. */
  fullEpochs: readonly number[];
  seed: number;
}

export const DEFAULT_LINEAR_OPTIONS: LinearModelOptions = {
  epochs: 8,
  learningRate: 0.2,
  l2: 1e-4,
  averageEpochs: 2,
  gradientFloor: 0.02,
  fullEpochs: [0, 2],
  naiveBayesWeight: 0.1,
  naiveBayesAlpha: 0.1,
  seed: 1,
};

/** Deterministic PRNG (mulberry32). */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Fisher–Yates shuffle of `0..n-1` with `random`. */
export function shuffledRange(n: number, random: () => number): Int32Array {
  const order = new Int32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    const tmp = order[i];
    order[i] = order[j];
    order[j] = tmp;
  }
  return order;
}

/** Labelled training data for {@link LinearModel.train}. */
export interface TrainingSet {
  vectors: readonly SparseVector[];
  /** Class of each vector, 0..classes-1. */
  labels: Int32Array;
  classes: number;
  /** Size of the feature space. */
  features: number;
}

/** The optimiser's state after training (before the naive Bayes term), to continue training on more data. */
export interface TrainingState {
  weights: Float32Array;
  bias: Float32Array;
  squares: Float32Array;
  biasSquares: Float32Array;
}

/** Options of one {@link LinearModel.train} call besides the hyper-parameters. */
export interface TrainingRun {
  /** Continue from this state (same classes and features) instead of from zero; the state is consumed. */
  resume?: TrainingState;
  /** Keep the state on the model ({@link LinearModel.state}) so that a later run can resume from it. */
  keepState?: boolean;
}

/** A trained linear softmax classifier. */
export class LinearModel {
  private constructor(
    readonly classes: number,
    private readonly weights: Float32Array,
    private readonly bias: Float32Array,
    /** Set when trained with `keepState`. */
    readonly state: TrainingState | undefined,
  ) {}

  /**
   * Trains a model on `data`; deterministic for `options.seed`. The `fullEpochs` score every class; the others
   * score only each example's candidates (its label and the classes it gave at least `gradientFloor` in the last
   * full epoch), which makes them several times cheaper with practically the same result.
   */
  static train(data: TrainingSet, options: LinearModelOptions, run: TrainingRun = {}): LinearModel {
    const size = data.features * data.classes;
    const from = run.resume;
    if (from && (from.weights.length !== size || from.bias.length !== data.classes)) {
      throw new Error('LinearModel.train(): the state to resume has another shape');
    }
    // A resumed state is consumed: its arrays go on training in place.
    const weights = from?.weights ?? new Float32Array(size);
    const bias = from?.bias ?? new Float32Array(data.classes);
    const squares = from?.squares ?? new Float32Array(size);
    const biasSquares = from?.biasSquares ?? new Float32Array(data.classes);
    new Trainer({ weights, bias, squares, biasSquares }, data, options).run();
    const state = run.keepState ? { weights: weights.slice(), bias: bias.slice(), squares, biasSquares } : undefined;
    if (options.naiveBayesWeight > 0) addNaiveBayes(data, weights, options.naiveBayesWeight, options.naiveBayesAlpha);
    return new LinearModel(data.classes, weights, bias, state);
  }

  /** Class scores (logits) of `x` into `out`. */
  scoresInto(x: SparseVector, out: Float64Array): void {
    for (let c = 0; c < this.classes; c++) out[c] = this.bias[c];
    addScores(this.weights, this.classes, x, out);
  }

  /** Softmax of the scores divided by `temperature`, into `out`. */
  probabilitiesInto(x: SparseVector, out: Float64Array, temperature: number): void {
    this.scoresInto(x, out);
    softmaxInPlace(out, this.classes, temperature);
  }
}

/** Adds W·x to `out` for feature-major `weights` (unrolled by four: the hot loop of training and routing). */
function addScores(weights: Float32Array, classes: number, x: SparseVector, out: Float64Array): void {
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

/** One training run: per-weight AdaGrad on the softmax loss, with iterate averaging over the last epochs. */
class Trainer {
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
  }

  run(): void {
    const { data, options } = this;
    const random = seededRandom(options.seed);
    const allClasses = Int32Array.from({ length: data.classes }, (_, c) => c);
    const firstAveraged = options.epochs - Math.min(options.averageEpochs, options.epochs);
    let candidates: Int32Array[] = [];
    for (let epoch = 0; epoch < options.epochs; epoch++) {
      const averaging = epoch >= firstAveraged;
      const full = epoch === 0 || options.fullEpochs.includes(epoch);
      const next: Int32Array[] = full ? new Array<Int32Array>(data.vectors.length) : candidates;
      for (const i of shuffledRange(data.vectors.length, random)) {
        const active = full ? allClasses : candidates[i];
        this.probabilities(data.vectors[i], active, full);
        if (full) next[i] = this.candidatesOf(data.labels[i]);
        this.update(data.vectors[i], data.labels[i], active, averaging);
        if (averaging) this.step++;
      }
      candidates = next;
    }
    this.finishAveraging();
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
      if (Math.abs(g) < floor) continue;
      updated[updates] = c;
      gradients[updates++] = g;
      biasSquares[c] += g * g;
      const biasDelta = (rate * g) / Math.sqrt(biasSquares[c] + 1e-8);
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
        const delta = (rate * grad) / Math.sqrt(sq + 1e-8);
        weights[at] = w - delta;
        if (sums) sums[at] -= age * delta;
      }
    }
  }

  private finishAveraging(): void {
    if (!this.sums || this.step === 0) return;
    const { weights, bias } = this;
    for (let at = 0; at < weights.length; at++) weights[at] -= this.sums[at] / this.step;
    for (let c = 0; c < bias.length; c++) bias[c] -= this.biasSums[c] / this.step;
  }
}

/** Adds β · log θ_fc of a multinomial naive Bayes model fitted on `data` (feature values as counts) to `weights`. */
function addNaiveBayes(data: TrainingSet, weights: Float32Array, beta: number, alpha: number): void {
  const { classes, features, vectors, labels } = data;
  const mass = new Float32Array(features * classes);
  const totals = new Float64Array(classes);
  vectors.forEach((x, i) => {
    const c = labels[i];
    for (let k = 0; k < x.indices.length; k++) {
      mass[x.indices[k] * classes + c] += x.values[k];
      totals[c] += x.values[k];
    }
  });
  const logTotals = Float64Array.from(totals, (total) => Math.log(total + alpha * features));
  for (let f = 0; f < features; f++) {
    const base = f * classes;
    for (let c = 0; c < classes; c++) weights[base + c] += beta * (Math.log(mass[base + c] + alpha) - logTotals[c]);
  }
}

/** Softmax of the first `n` entries of `values` divided by `temperature`, in place. */
export function softmaxInPlace(values: Float64Array, n: number, temperature: number): void {
  let max = -Infinity;
  for (let c = 0; c < n; c++) if (values[c] > max) max = values[c];
  let sum = 0;
  for (let c = 0; c < n; c++) {
    const e = Math.exp((values[c] - max) / temperature);
    values[c] = e;
    sum += e;
  }
  for (let c = 0; c < n; c++) values[c] /= sum;
}
