/**
 * Multinomial logistic regression on sparse vectors, trained with per-weight AdaGrad and iterate averaging, plus a
 * multinomial naive Bayes term folded into the same weights. Weights are stored feature-major
 * (`weights[feature * classes + class]`), so scoring one sparse vector is a few contiguous vector additions:
 * about 150 features × 200 classes, a few tens of microseconds. The optimiser is in linear-trainer.ts, the numeric
 * kernels in linear-math.ts (re-exported here).
 */
import { runSteps, type Steps } from './cooperative';
import type { SparseVector } from './features';
import { addScores, softmaxInPlace } from './linear-math';
import { addNaiveBayes, Trainer } from './linear-trainer';

export { seededRandom, shuffledRange, softmaxInPlace } from './linear-math';

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
    return runSteps(LinearModel.trainSteps(data, options, run));
  }

  /** {@link LinearModel.train} as {@link Steps}: pauses every few examples of an epoch; the same model. */
  static *trainSteps(data: TrainingSet, options: LinearModelOptions, run: TrainingRun = {}): Steps<LinearModel> {
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
    yield* new Trainer({ weights, bias, squares, biasSquares }, data, options).run();
    const state = run.keepState ? { weights: weights.slice(), bias: bias.slice(), squares, biasSquares } : undefined;
    if (options.naiveBayesWeight > 0) yield* addNaiveBayes(data, weights, options.naiveBayesWeight, options.naiveBayesAlpha);
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
