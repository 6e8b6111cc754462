/**
 * The intent classifier behind the router: TF-IDF features, a softmax model over the services (plus an
 * out-of-scope class when there is evidence for one) and a second softmax model over the services' categories.
 * Scores combine both, q(s) ∝ p(s) · p(category(s))^γ: the category model sees every example of its category, so
 * it is the better judge of "does this belong to the catalogue at all", and it corrects confusions across categories.
 */
import { runSteps, type Steps, WORK_PER_STEP } from './cooperative';
import { FeatureSpace, type FeatureOptions, type SparseVector } from './features';
import { LinearModel, type LinearModelOptions, softmaxInPlace } from './linear-model';

/** A module constant, not `Math.pow` in the loop over classes: see linear-math.ts. */
const { pow } = Math;

/** One labelled training text. `label` is a class index; the out-of-scope class is `classes` (one past the last). */
export interface LabelledText {
  text: string;
  label: number;
}

/** What the classifier is trained on. */
export interface ClassifierData {
  /** Number of in-scope classes (services). */
  classes: number;
  /** Category index of each in-scope class. */
  categoryOf: Int32Array;
  categories: number;
  /** In-scope examples and out-of-scope examples (label = `classes`). */
  examples: readonly LabelledText[];
  /** Extra texts for a category only (its name), as [text, category]. */
  categoryTexts: readonly LabelledText[];
}

/** Hyper-parameters of the classifier. */
export interface ClassifierOptions {
  features: FeatureOptions;
  model: LinearModelOptions;
  /** γ, the exponent of the category probability; 0 ignores the category model. */
  categoryWeight: number;
  /** Epochs of the category model (fewer classes with many examples each: it converges sooner). */
  categoryEpochs: number;
  /** Epochs of the final models when they continue the held-out fold's models (large catalogues). */
  resumeEpochs: number;
  /**
   * κ: both softmaxes take the temperature 1 / coverage^κ, where coverage is the share of the text the models were
   * trained on (see {@link SparseVector.coverage}). The ranking does not change, but texts made of unknown words
   * get flat, low-confidence scores.
   */
  coverageWeight: number;
}

/** A fitted feature space and the vectors of the texts it was fitted on (see {@link IntentClassifier.fitFeatures}). */
export interface FittedFeatures {
  space: FeatureSpace;
  vectors: SparseVector[];
}

/** Options of one {@link IntentClassifier.train} call besides the hyper-parameters. */
export interface ClassifierRun {
  /** Train on these example indices only (held-out folds); category texts are always kept. */
  subset?: readonly number[];
  /** Keep the optimiser's state so that a later run can resume from it. */
  keepState?: boolean;
  /** Continue this classifier's training (trained with `keepState`), for `resumeEpochs`. */
  resumeFrom?: IntentClassifier;
}

/** The scores of one text: in-scope classes by decreasing score, and the out-of-scope score. All sum to 1. */
export interface ClassScores {
  ranked: { label: number; score: number }[];
  outOfScope: number;
}

/** A trained classifier; see the module comment. */
export class IntentClassifier {
  private constructor(
    private readonly space: FeatureSpace,
    private readonly flat: LinearModel,
    private readonly category: LinearModel | undefined,
    private readonly data: Pick<ClassifierData, 'classes' | 'categoryOf' | 'categories'>,
    private readonly hasOutOfScope: boolean,
    private readonly options: ClassifierOptions,
    /** 1 for the features that occur in this classifier's training texts. */
    private readonly known: Uint8Array,
  ) {}

  /** Fits the feature space on every text of `data` (examples first, then category texts). */
  static fitFeatures(data: ClassifierData, options: ClassifierOptions): FittedFeatures {
    return runSteps(IntentClassifier.fitFeaturesSteps(data, options));
  }

  /** {@link IntentClassifier.fitFeatures} as {@link Steps}. */
  static fitFeaturesSteps(data: ClassifierData, options: ClassifierOptions): Steps<FittedFeatures> {
    return FeatureSpace.fitSteps([...data.examples, ...data.categoryTexts].map((example) => example.text), options.features);
  }

  /**
   * Trains both models on `data`; deterministic for `options.model.seed`. `features` (from {@link fitFeatures}, on
   * these or more texts) holds one vector per example and then one per category text, in `data` order. `run.subset`
   * keeps only the examples whose index it lists (held-out folds; category texts are always kept).
   * `run.keepState` lets a later call continue training with `run.resumeFrom` (then for `resumeEpochs` only).
   */
  static train(
    data: ClassifierData,
    options: ClassifierOptions,
    features?: FittedFeatures,
    run: ClassifierRun = {},
  ): IntentClassifier {
    return runSteps(IntentClassifier.trainSteps(data, options, features, run));
  }

  /** {@link IntentClassifier.train} as {@link Steps}: pauses inside feature fitting and the models' epochs. */
  static *trainSteps(
    data: ClassifierData,
    options: ClassifierOptions,
    fitted?: FittedFeatures,
    run: ClassifierRun = {},
  ): Steps<IntentClassifier> {
    const features = fitted ?? (yield* IntentClassifier.fitFeaturesSteps(data, options));
    const { space } = features;
    const { subset, keepState } = run;
    const categoryVectors = features.vectors.slice(data.examples.length);
    const examples = subset ? subset.map((i) => data.examples[i]) : data.examples;
    const exampleVectors = subset ? subset.map((i) => features.vectors[i]) : features.vectors.slice(0, data.examples.length);
    const vectors = [...exampleVectors, ...categoryVectors];
    const hasOutOfScope = examples.some((example) => example.label === data.classes);
    // Resuming (when the classes did not change) trains for a few epochs from where the previous run stopped.
    const resume = run.resumeFrom?.hasOutOfScope === hasOutOfScope ? run.resumeFrom : undefined;
    const resumed = (model: LinearModelOptions): LinearModelOptions =>
      resume ? { ...model, epochs: options.resumeEpochs, averageEpochs: Math.min(model.averageEpochs, options.resumeEpochs), fullEpochs: [0] } : model;
    const flat = yield* LinearModel.trainSteps(
      {
        vectors: exampleVectors,
        labels: Int32Array.from(examples, (example) => example.label),
        classes: data.classes + (hasOutOfScope ? 1 : 0),
        features: space.size,
      },
      resumed(options.model),
      { keepState, resume: resume?.flat.state },
    );
    let category: LinearModel | undefined;
    const categoryClasses = data.categories + (hasOutOfScope ? 1 : 0);
    if (options.categoryWeight > 0 && categoryClasses > 1) {
      const labels = Int32Array.from([
        ...examples.map((example) => (example.label === data.classes ? data.categories : data.categoryOf[example.label])),
        ...data.categoryTexts.map((example) => example.label),
      ]);
      const categoryModel = resumed({ ...options.model, epochs: options.categoryEpochs, fullEpochs: [0] });
      const categorySet = { vectors, labels, classes: categoryClasses, features: space.size };
      category = yield* LinearModel.trainSteps(categorySet, categoryModel, { keepState, resume: resume?.category?.state });
    }
    const known = new Uint8Array(space.size);
    for (let at = 0; at < vectors.length; ) {
      at = markKnown(known, vectors, at);
      yield;
    }
    return new IntentClassifier(space, flat, category, data, hasOutOfScope, options, known);
  }

  /** The feature vector of `text` (empty when no word of it is known). */
  vectorize(text: string): SparseVector {
    return this.space.vectorize(text);
  }

  /** The vector's coverage, discounted by the part of it this classifier never saw in training (held-out folds). */
  private coverage(x: SparseVector): number {
    let known = 0;
    let total = 0;
    for (let k = 0; k < x.indices.length; k++) {
      const mass = x.values[k] * x.values[k];
      total += mass;
      if (this.known[x.indices[k]] === 1) known += mass;
    }
    return total > 0 ? (x.coverage * known) / total : 0;
  }

  /** Scores `x`; the in-scope classes come sorted by decreasing score. */
  score(x: SparseVector): ClassScores {
    const { classes, categoryOf, categories } = this.data;
    const total = classes + (this.hasOutOfScope ? 1 : 0);
    const temperature = 1 / Math.max(1e-6, Math.pow(this.coverage(x), this.options.coverageWeight));
    const q = new Float64Array(total);
    this.flat.scoresInto(x, q);
    softmaxInPlace(q, total, temperature);
    if (this.category) {
      const pc = new Float64Array(categories + (this.hasOutOfScope ? 1 : 0));
      this.category.scoresInto(x, pc);
      softmaxInPlace(pc, pc.length, temperature);
      const gamma = this.options.categoryWeight;
      for (let c = 0; c < classes; c++) q[c] *= pow(pc[categoryOf[c]], gamma);
      if (this.hasOutOfScope) q[classes] *= pow(pc[categories], gamma);
      let sum = 0;
      for (let c = 0; c < total; c++) sum += q[c];
      for (let c = 0; c < total; c++) q[c] /= sum;
    }
    const ranked = Array.from({ length: classes }, (_, label) => ({ label, score: q[label] }));
    ranked.sort((a, b) => b.score - a.score || a.label - b.label);
    return { ranked, outOfScope: this.hasOutOfScope ? q[classes] : 0 };
  }
}

/** Marks the features of `vectors[from…]` as known, about one step's worth (a plain loop, see linear-trainer.ts). */
function markKnown(known: Uint8Array, vectors: readonly SparseVector[], from: number): number {
  let work = 0;
  let i = from;
  while (i < vectors.length && work < WORK_PER_STEP) {
    const { indices } = vectors[i++];
    for (let k = 0; k < indices.length; k++) known[indices[k]] = 1;
    work += indices.length;
  }
  return i;
}
