/**
 * The request router: decides whether a user's text asks for one of the catalogue's services (and which), for an
 * informative service, for something the centre does not handle (out of scope), or is ambiguous between two
 * services. Route decisions have the shape fixed in DESIGN.md §"Fixed interfaces" item 7.
 *
 * Model: {@link IntentClassifier} (TF-IDF word, stem and character n-grams → softmax regression plus a naive
 * Bayes term, over the services and over their categories; unknown words flatten the scores). Operating point:
 * {@link calibrate} on held-out folds of the catalogue, or on a given calibration set. bench/README.md has the
 * measurements (`npm run bench:nlu`).
 */
import { performance } from 'node:perf_hooks';
import { calibrateSteps, DEFAULT_CALIBRATION_OPTIONS, stratifiedFolds } from './calibration';
import type { CalibrationOptions, OperatingPoint, ScoredText } from './calibration';
import { IntentClassifier } from './classifier';
import type { ClassifierData, ClassifierOptions, FittedFeatures, LabelledText } from './classifier';
import { runSteps, runStepsCooperatively, type Steps } from './cooperative';
import { DEFAULT_FEATURE_OPTIONS, type FeatureOptions } from './features';
import { DEFAULT_LINEAR_OPTIONS, type LinearModelOptions } from './linear-model';
import type { SpokenNumbersFunction } from './normalize';
import { spokenNumbersToDigits } from './spoken-numbers';

/** The kind of a route decision. */
export type RouteKind = 'service' | 'informative' | 'out_of_scope' | 'ambiguous';

/** A route decision (DESIGN.md §7). `code` is null only for `out_of_scope`; `alternatives` never repeat `code`. */
export interface RouteDecision {
  text: string;
  decision: RouteKind;
  code: string | null;
  /** In [0, 1], three decimals: the score of `code`, or for out_of_scope the share not on any service. */
  confidence: number;
  alternatives: { code: string; confidence: number }[];
}

/** A catalogue service as the router sees it. Inactive services are ignored. */
export interface TrainingService {
  code: string;
  name: string;
  category: string;
  scope: 'sai' | 'informative';
  examples: string[];
  active: boolean;
}

/** What the router is trained on. `outOfScopeExamples` are evidence for an out-of-scope class. */
export interface TrainingCatalog {
  language: 'es' | 'en';
  services: TrainingService[];
  outOfScopeExamples: string[];
}

/** Held-out texts to calibrate on instead of folds of the catalogue (never a test set). */
export interface CalibrationSet {
  inScope: { text: string; code: string }[];
  outOfScope: string[];
}

/** Options of {@link Router.train} and {@link Router.trainAsync}; every field is optional. */
export interface RouterOptions {
  calibration?: CalibrationSet;
  /** Seed of the folds and of the training order (default 1). */
  seed?: number;
  /** Folds for held-out calibration (default 4); catalogues above `singleFoldAbove` examples use one fold only. */
  folds?: number;
  singleFoldAbove?: number;
  /** γ, the weight of the category model (default 0.5; 0 disables it), and its epochs (default 4). */
  categoryWeight?: number;
  categoryEpochs?: number;
  /** κ, how much unknown words lower the confidence (default 1; 0: not at all). */
  coverageWeight?: number;
  /**
   * With a single held-out fold (large catalogues), the final model continues the fold's model for this many
   * epochs over all the data instead of training from zero (default 3; 0: train from zero).
   */
  resumeEpochs?: number;
  features?: Partial<Omit<FeatureOptions, 'language'>>;
  model?: Partial<LinearModelOptions>;
  calibrationOptions?: Partial<CalibrationOptions>;
  /** Rewrites numbers said in words to digits before classification (default `spokenNumbersToDigits`; null: off). */
  spokenNumbers?: SpokenNumbersFunction | null;
}

/** Options of {@link Router.trainAsync}: those of {@link Router.train}, and how long it may run between pauses. */
export interface AsyncRouterOptions extends RouterOptions {
  /**
   * How long, in ms, training may run before it yields to the event loop (default 10). A slice overruns it by at
   * most one step of work (well under a millisecond) and any garbage collection that falls in it.
   */
  sliceMs?: number;
}

/** What {@link Router.info} reports about training. */
export interface RouterInfo {
  language: 'es' | 'en';
  services: number;
  examples: number;
  /** Wall time of the training, pauses of {@link Router.trainAsync} included. */
  trainMs: number;
  threshold: number;
  margin: number;
  calibratedOn: 'heldout' | 'given';
}

const ALTERNATIVES = 3;
const ALTERNATIVE_FLOOR = 0.02;

interface Prepared {
  services: TrainingService[];
  data: ClassifierData;
  /** How many of `data.examples` come from service examples or OOS examples (the rest are service names). */
  heldOutCandidates: number;
}

function prepare(catalog: TrainingCatalog): Prepared {
  const services = catalog.services.filter((service) => service.active);
  if (services.length === 0) throw new Error('Router.train(): the catalog has no active service');
  const categories = [...new Set(services.map((service) => service.category.trim() || '-'))];
  const categoryIndex = new Map(categories.map((category, i) => [category, i]));
  const categoryOf = Int32Array.from(services, (service) => categoryIndex.get(service.category.trim() || '-') ?? 0);
  const examples: LabelledText[] = [];
  services.forEach((service, label) => {
    for (const text of service.examples) if (text.trim() !== '') examples.push({ text, label });
  });
  for (const text of catalog.outOfScopeExamples) {
    if (text.trim() !== '') examples.push({ text, label: services.length });
  }
  const heldOutCandidates = examples.length;
  services.forEach((service, label) => examples.push({ text: service.name, label }));
  const categoryTexts = categories.filter((c) => c !== '-').map((text) => ({ text, label: categoryIndex.get(text) ?? 0 }));
  return {
    services,
    data: { classes: services.length, categoryOf, categories: categories.length, examples, categoryTexts },
    heldOutCandidates,
  };
}

/**
 * A trained router. Build it with {@link Router.train}, or {@link Router.trainAsync} in a server;
 * {@link Router.route} is synchronous and side-effect free.
 */
export class Router {
  private constructor(
    private readonly classifier: IntentClassifier,
    private readonly services: readonly TrainingService[],
    private readonly point: OperatingPoint,
    /** Training summary: sizes, time, and the calibrated threshold and margin. */
    readonly info: RouterInfo,
  ) {}

  /**
   * Trains a router on the active services of `catalog` (their examples, names and categories) and its
   * out-of-scope examples, then calibrates the out-of-scope threshold and the ambiguity margin: on
   * `options.calibration` when given, otherwise on stratified held-out folds of the catalogue's examples.
   * Synchronous and deterministic for a seed. Throws when no service is active.
   */
  static train(catalog: TrainingCatalog, options: RouterOptions = {}): Router {
    return runSteps(Router.trainSteps(catalog, options));
  }

  /**
   * {@link Router.train} without blocking the event loop for long: the same router (the same decisions and
   * confidences for the same inputs and seed), but training yields to the event loop (a `setImmediate` turn)
   * whenever it has run for more than `options.sliceMs` (default 10 ms) since the last pause. Meant for a server
   * that retrains while it serves. Rejects when no service is active or `sliceMs` is not a number ≥ 0.
   */
  static async trainAsync(catalog: TrainingCatalog, options: AsyncRouterOptions = {}): Promise<Router> {
    const { sliceMs = 10, ...routerOptions } = options;
    return runStepsCooperatively(Router.trainSteps(catalog, routerOptions), sliceMs);
  }

  /** The training of {@link Router.train} as {@link Steps}, which pause a fraction of a millisecond apart. */
  private static *trainSteps(catalog: TrainingCatalog, options: RouterOptions): Steps<Router> {
    const started = performance.now();
    const prepared = prepare(catalog);
    const classifierOptions: ClassifierOptions = {
      features: {
        ...DEFAULT_FEATURE_OPTIONS,
        ...options.features,
        language: catalog.language,
        spokenNumbers: options.spokenNumbers === null ? undefined : (options.spokenNumbers ?? spokenNumbersToDigits),
      },
      model: { ...DEFAULT_LINEAR_OPTIONS, ...options.model, seed: options.seed ?? 1 },
      categoryWeight: options.categoryWeight ?? 0.5,
      categoryEpochs: options.categoryEpochs ?? 4,
      coverageWeight: options.coverageWeight ?? 1,
      resumeEpochs: options.resumeEpochs ?? 3,
    };
    const calibrationOptions = { ...DEFAULT_CALIBRATION_OPTIONS, ...options.calibrationOptions };
    const { data } = prepared;
    let point: OperatingPoint;
    let classifier: IntentClassifier;
    if (options.calibration) {
      classifier = yield* IntentClassifier.trainSteps(data, classifierOptions);
      const codes = new Map(prepared.services.map((service, label) => [service.code, label]));
      const texts: { text: string; gold: number | null }[] = [
        ...options.calibration.inScope.flatMap(({ text, code }) => {
          const gold = codes.get(code);
          return gold === undefined ? [] : [{ text, gold }];
        }),
        ...options.calibration.outOfScope.map((text) => ({ text, gold: null })),
      ];
      const scored = yield* scoreAll(classifier, texts);
      point = yield* calibrateSteps(scored, classCount(catalog, prepared), calibrationOptions);
    } else {
      // One feature space for the folds and the final model: the held-out texts only add unused vocabulary.
      const features = yield* IntentClassifier.fitFeaturesSteps(data, classifierOptions);
      const heldOut = yield* heldOutScores(prepared, classifierOptions, features, options);
      point = yield* calibrateSteps(heldOut.scored, classCount(catalog, prepared), calibrationOptions);
      // On large catalogues the final model continues the fold's: most of a second training saved.
      classifier = yield* IntentClassifier.trainSteps(data, classifierOptions, features, { resumeFrom: heldOut.resumable });
    }
    const info: RouterInfo = {
      language: catalog.language,
      services: prepared.services.length,
      examples: data.examples.length,
      trainMs: Math.round(performance.now() - started),
      threshold: round3(point.threshold),
      margin: round3(point.margin),
      calibratedOn: options.calibration ? 'given' : 'heldout',
    };
    return new Router(classifier, prepared.services, point, info);
  }

  /** Routes one user text. Blank or unknown-word texts are out of scope with confidence 0. */
  route(text: string): RouteDecision {
    const x = text.trim() === '' ? undefined : this.classifier.vectorize(text);
    if (x === undefined || x.indices.length === 0) {
      return { text, decision: 'out_of_scope', code: null, confidence: 0, alternatives: [] };
    }
    const { ranked, outOfScope } = this.classifier.score(x);
    const [first, second] = ranked;
    const alternativesFrom = (skip: number) =>
      ranked
        .slice(skip, skip + ALTERNATIVES)
        .filter((r) => r.score >= ALTERNATIVE_FLOOR)
        .map((r) => ({ code: this.services[r.label].code, confidence: round3(r.score) }));
    if (first === undefined || outOfScope > first.score || first.score < this.point.threshold) {
      return { text, decision: 'out_of_scope', code: null, confidence: round3(1 - (first?.score ?? 0)), alternatives: alternativesFrom(0) };
    }
    const service = this.services[first.label];
    const close = second !== undefined && first.score - second.score < this.point.margin;
    const decision: RouteKind = close ? 'ambiguous' : service.scope === 'informative' ? 'informative' : 'service';
    return { text, decision, code: service.code, confidence: round3(first.score), alternatives: alternativesFrom(1) };
  }
}

/** Services, plus the out-of-scope class when the catalogue has examples for it. */
function classCount(catalog: TrainingCatalog, prepared: Prepared): number {
  return prepared.services.length + (catalog.outOfScopeExamples.some((text) => text.trim() !== '') ? 1 : 0);
}

function round3(value: number): number {
  return Math.round(value * 1000) / 1000;
}

/** Scores the calibration texts, pausing after each. */
function* scoreAll(classifier: IntentClassifier, texts: readonly { text: string; gold: number | null }[]): Steps<ScoredText[]> {
  const scored: ScoredText[] = [];
  for (const { text, gold } of texts) {
    scored.push({ gold, scores: classifier.score(classifier.vectorize(text)) });
    yield;
  }
  return scored;
}

/** Scores each held-out fold with a classifier trained on the rest (names always stay in training). */
function* heldOutScores(
  prepared: Prepared,
  classifierOptions: ClassifierOptions,
  features: FittedFeatures,
  options: RouterOptions,
): Steps<{ scored: ScoredText[]; resumable: IntentClassifier | undefined }> {
  const { data, heldOutCandidates } = prepared;
  const folds = Math.max(2, options.folds ?? 4);
  const candidates = data.examples.slice(0, heldOutCandidates);
  const fold = stratifiedFolds(candidates, folds, classifierOptions.model.seed);
  const runs = heldOutCandidates > (options.singleFoldAbove ?? 2000) ? 1 : folds;
  const keepState = runs === 1 && classifierOptions.resumeEpochs > 0;
  const scored: ScoredText[] = [];
  let resumable: IntentClassifier | undefined;
  for (let run = 0; run < runs; run++) {
    const kept = data.examples.flatMap((_, i) => (i >= heldOutCandidates || fold[i] !== run ? [i] : []));
    const heldOut = candidates.flatMap((example, i) => (fold[i] === run ? [{ i, example }] : []));
    if (heldOut.length === 0) continue;
    const classifier = yield* IntentClassifier.trainSteps(data, classifierOptions, features, { subset: kept, keepState });
    for (const { i, example } of heldOut) {
      const gold = example.label === data.classes ? null : example.label;
      scored.push({ gold, scores: classifier.score(features.vectors[i]) });
      yield;
    }
    if (keepState) resumable = classifier;
  }
  return { scored, resumable };
}
