/**
 * The only module that loads `natural`. It requires just the submodules the router needs (the Porter stemmers for
 * Spanish and English and the aggressive word tokenizer): `require('natural')` takes about 0.7 s and 120 MB of RSS
 * because it also pulls mongoose, redis, pg and WordNet; these submodules take about 7 ms and 7 MB.
 * `natural` ships no types for its submodules, so each export is checked at load time and given a narrow type here.
 */
import { createRequire } from 'node:module';

/** Language of a text pipeline. */
export type NluLanguage = 'es' | 'en';

/** Reduces one lower-case word to its stem. */
export type StemFunction = (token: string) => string;

/** Splits a text into word tokens. */
export type TokenizeFunction = (text: string) => string[];

interface StemmerModule {
  stem(token: string): string;
}

interface TokenizerInstance {
  tokenize(text: string): string[];
}

type TokenizerClass = new () => TokenizerInstance;

// natural's entry point loads dotenv, which prints tips; keep it quiet in case anything reaches it.
process.env.DOTENV_CONFIG_QUIET ??= 'true';
const load = createRequire(__filename);

function isStemmerModule(value: unknown): value is StemmerModule {
  return typeof value === 'object' && value !== null && typeof Reflect.get(value, 'stem') === 'function';
}

function isTokenizerClass(value: unknown): value is TokenizerClass {
  return typeof value === 'function' && typeof Reflect.get(value.prototype as object, 'tokenize') === 'function';
}

function loadStemmer(path: string): StemmerModule {
  const loaded: unknown = load(path);
  if (!isStemmerModule(loaded)) throw new Error(`natural.loadStemmer(): ${path} has no stem()`);
  return loaded;
}

const STEMMER_PATHS: Record<NluLanguage, string> = {
  es: 'natural/lib/natural/stemmers/porter_stemmer_es',
  en: 'natural/lib/natural/stemmers/porter_stemmer',
};

/** The Porter stemmer of `language` (natural's `PorterStemmerEs` or `PorterStemmer`). */
export function stemmerFor(language: NluLanguage): StemFunction {
  const stemmer = loadStemmer(STEMMER_PATHS[language]);
  return (token) => stemmer.stem(token);
}

/**
 * natural's `AggressiveTokenizer` (splits on `\W+`). Used for both languages: the text is already normalised to
 * ASCII letters and digits, and the Spanish variant would drop digits.
 */
export function wordTokenizer(): TokenizeFunction {
  const loaded: unknown = load('natural/lib/natural/tokenizers/aggressive_tokenizer');
  if (!isTokenizerClass(loaded)) throw new Error('natural.wordTokenizer(): AggressiveTokenizer not found');
  const tokenizer = new loaded();
  return (text) => tokenizer.tokenize(text);
}
