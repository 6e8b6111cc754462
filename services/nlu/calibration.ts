/**
 * Picks the router's out-of-scope threshold and ambiguity margin from scored held-out texts, and splits training
 * data into stratified folds to get such texts when no calibration set is given.
 */
import type { ClassScores, LabelledText } from './classifier';
import { runSteps, type Steps, WORK_PER_STEP } from './cooperative';
import { seededRandom, shuffledRange } from './linear-model';

/** A held-out text, its true class (null: out of scope) and the classifier's scores for it. */
export interface ScoredText {
  gold: number | null;
  scores: ClassScores;
}

/** Options of {@link calibrate}. */
export interface CalibrationOptions {
  /** At most this share of in-scope texts may fall below the threshold. */
  maxFalseRejection: number;
  /** Expected share of out-of-scope traffic: weighs OOS recall against in-scope accuracy below that bound. */
  outOfScopePrior: number;
  /** Cost of asking "¿Se refiere a …?" when the best guess was right, against the gain of asking when it was wrong. */
  ambiguityCost: number;
  /** Near-ties closer than this are always ambiguous. */
  minMargin: number;
  maxMargin: number;
  /**
   * The threshold is at least min(minLift / classes, maxLiftFloor): a service must be this many times likelier than
   * a uniform guess. Only small catalogues feel it (8 services and an OOS class: 0.22; 40: 0.05), where held-out
   * folds are too small to say much.
   */
  minLift: number;
  maxLiftFloor: number;
  /** Fewer held-out in-scope texts than this: use the fallbacks below. */
  minTexts: number;
  fallbackThreshold: number;
  fallbackMargin: number;
}

export const DEFAULT_CALIBRATION_OPTIONS: CalibrationOptions = {
  maxFalseRejection: 0.015,
  outOfScopePrior: 0.1,
  ambiguityCost: 0.5,
  minLift: 2,
  maxLiftFloor: 0.3,
  minMargin: 0.05,
  maxMargin: 0.4,
  minTexts: 10,
  fallbackThreshold: 0.2,
  fallbackMargin: 0.1,
};

/** The calibrated operating point. */
export interface OperatingPoint {
  threshold: number;
  margin: number;
}

const ALTERNATIVES = 3;

/**
 * Chooses the threshold and the margin for a classifier over `classes` classes (services, plus the out-of-scope
 * class if any); see {@link CalibrationOptions}.
 */
export function calibrate(texts: readonly ScoredText[], classes: number, options: CalibrationOptions): OperatingPoint {
  return runSteps(calibrateSteps(texts, classes, options));
}

/** {@link calibrate} as {@link Steps}: the threshold search pauses every few candidates; the same result. */
export function* calibrateSteps(
  texts: readonly ScoredText[],
  classes: number,
  options: CalibrationOptions,
): Steps<OperatingPoint> {
  const inScope = texts.filter((t) => t.gold !== null);
  const floor = Math.min(options.maxLiftFloor, options.minLift / Math.max(1, classes));
  if (inScope.length < options.minTexts) {
    return { threshold: Math.max(floor, options.fallbackThreshold), margin: options.fallbackMargin };
  }
  const threshold = Math.max(floor, yield* chooseThreshold(texts, options));
  return { threshold, margin: chooseMargin(inScope, threshold, options) };
}

function best(t: ScoredText): number {
  return t.scores.ranked[0]?.score ?? 0;
}

function rejected(t: ScoredText, threshold: number): boolean {
  return t.scores.outOfScope > best(t) || best(t) < threshold;
}

function* chooseThreshold(texts: readonly ScoredText[], options: CalibrationOptions): Steps<number> {
  const inScope = texts.filter((t) => t.gold !== null);
  const outOfScope = texts.filter((t) => t.gold === null);
  const accepted = inScope
    .filter((t) => t.scores.outOfScope <= best(t))
    .map(best)
    .sort((a, b) => a - b);
  const allowed = Math.floor(options.maxFalseRejection * inScope.length);
  const bound = accepted[Math.min(allowed, accepted.length - 1)] ?? options.fallbackThreshold;
  if (outOfScope.length === 0) return bound;
  // From the bound down, so that ties keep the highest threshold (it costs nothing and catches more).
  const candidates = [...new Set(texts.map(best))].filter((t) => t < bound).sort((a, b) => b - a);
  const prior = options.outOfScopePrior;
  let chosen = bound;
  let bestValue = -Infinity;
  let work = 0;
  for (const t of [bound, ...candidates]) {
    const value = thresholdValue(t, inScope, outOfScope, prior);
    if (value > bestValue + 1e-12) {
      bestValue = value;
      chosen = t;
    }
    // Each candidate looks at every text (a few closure calls each): pause every few candidates.
    work += 8 * texts.length;
    if (work >= WORK_PER_STEP) {
      work = 0;
      yield;
    }
  }
  return chosen;
}

/** The prior-weighted share of in-scope texts routed right and out-of-scope texts caught at threshold `t`. */
function thresholdValue(t: number, inScope: readonly ScoredText[], outOfScope: readonly ScoredText[], prior: number): number {
  const correct = inScope.filter((x) => !rejected(x, t) && x.scores.ranked[0]?.label === x.gold).length;
  const caught = outOfScope.filter((x) => rejected(x, t)).length;
  return ((1 - prior) * correct) / inScope.length + (prior * caught) / outOfScope.length;
}

function chooseMargin(inScope: readonly ScoredText[], threshold: number, options: CalibrationOptions): number {
  // Asking is worth it when the best guess is wrong but the right service is among those offered.
  const rows = inScope
    .filter((t) => !rejected(t, threshold))
    .map((t) => {
      const [first, second] = t.scores.ranked;
      const offered = t.scores.ranked.slice(0, ALTERNATIVES + 1).some((r) => r.label === t.gold);
      const right = first?.label === t.gold;
      return { gap: (first?.score ?? 0) - (second?.score ?? 0), gain: right ? -options.ambiguityCost : offered ? 1 : 0 };
    })
    .sort((a, b) => a.gap - b.gap);
  let margin = 0;
  let total = 0;
  let bestTotal = 0;
  for (const row of rows) {
    if (row.gap >= options.maxMargin) break;
    total += row.gain;
    if (total > bestTotal) {
      bestTotal = total;
      margin = row.gap + 1e-9;
    }
  }
  return Math.min(options.maxMargin, Math.max(options.minMargin, margin));
}

/**
 * Assigns each text to one of `folds` folds, stratified by label: within each label, texts are shuffled with
 * `seed` and dealt round-robin, starting at a rotating fold so that small classes spread over all folds.
 */
export function stratifiedFolds(texts: readonly LabelledText[], folds: number, seed: number): Int32Array {
  const random = seededRandom(seed);
  const byLabel = new Map<number, number[]>();
  texts.forEach((text, i) => {
    const list = byLabel.get(text.label) ?? [];
    list.push(i);
    byLabel.set(text.label, list);
  });
  const fold = new Int32Array(texts.length);
  let start = 0;
  for (const label of [...byLabel.keys()].sort((a, b) => a - b)) {
    const members = byLabel.get(label) ?? [];
    const order = shuffledRange(members.length, random);
    order.forEach((position, k) => {
      fold[members[position]] = (start + k) % folds;
    });
    start = (start + members.length) % folds;
  }
  return fold;
}
