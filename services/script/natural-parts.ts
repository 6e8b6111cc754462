/**
 * The parts of `natural` the attention script uses (string distances, Spanish stop words), loaded by submodule as in
 * `services/nlu/natural.ts`: the package entry point takes about 0.7 s and prints dotenv tips, these files load in a
 * few milliseconds. Each export is checked at load time and given a narrow type here, because `natural` ships no
 * types for its submodules.
 */
import { createRequire } from 'node:module';

/** Jaro–Winkler similarity, 0 (nothing in common) to 1 (identical). */
export type SimilarityFunction = (a: string, b: string) => number;
/** Damerau–Levenshtein distance: insertions, deletions, substitutions and transpositions. */
export type EditDistanceFunction = (a: string, b: string) => number;

process.env.DOTENV_CONFIG_QUIET ??= 'true';
const load = createRequire(__filename);

function isFunction(value: unknown): value is (a: string, b: string) => unknown {
  return typeof value === 'function';
}

function loadJaroWinkler(): SimilarityFunction {
  const loaded: unknown = load('natural/lib/natural/distance/jaro-winkler_distance');
  if (!isFunction(loaded)) throw new Error('naturalParts.loadJaroWinkler(): JaroWinklerDistance not found');
  return (a, b) => Number(loaded(a, b));
}

function loadDamerauLevenshtein(): EditDistanceFunction {
  const loaded: unknown = load('natural/lib/natural/distance/levenshtein_distance');
  const fn: unknown = typeof loaded === 'object' && loaded !== null ? Reflect.get(loaded, 'DamerauLevenshteinDistance') : undefined;
  if (!isFunction(fn)) throw new Error('naturalParts.loadDamerauLevenshtein(): DamerauLevenshteinDistance not found');
  return (a, b) => Number(fn(a, b));
}

/** natural's `JaroWinklerDistance` (a similarity despite its name). */
export const jaroWinkler: SimilarityFunction = loadJaroWinkler();
/** natural's `DamerauLevenshteinDistance` (unrestricted). */
export const damerauLevenshtein: EditDistanceFunction = loadDamerauLevenshtein();

/** natural's Spanish stop words (about 70 function words), folded to ASCII lower case. */
export function spanishStopwords(): string[] {
  const loaded: unknown = load('natural/lib/natural/util/stopwords_es');
  const words: unknown = typeof loaded === 'object' && loaded !== null ? Reflect.get(loaded, 'words') : undefined;
  if (!Array.isArray(words)) throw new Error('naturalParts.spanishStopwords(): stopwords_es has no words');
  return words.filter((w): w is string => typeof w === 'string');
}
