/**
 * Sparse TF-IDF features for the intent classifier: word uni/bi-grams, stemmed uni/bi-grams (natural's Porter
 * stemmers), character n-grams inside word boundaries (robust to misspellings that normalisation misses) and a few
 * synonym concepts. Each block is TF-IDF weighted, L2-normalised and scaled by its block weight; the whole vector
 * is then L2-normalised, so a dot product between two vectors is a cosine similarity.
 */
import { runSteps, type Steps } from './cooperative';
import { normalizeText, type SpokenNumbersFunction } from './normalize';
import { type NluLanguage, type StemFunction, stemmerFor, type TokenizeFunction, wordTokenizer } from './natural';

/** A sparse vector: sorted feature indices and their values. */
export interface SparseVector {
  indices: Int32Array;
  values: Float32Array;
  /**
   * Share of the text's evidence that the vocabulary knows (0–1): the mean over the word, stem and character
   * blocks of known TF-IDF mass / total mass, unknown terms counting with the IDF of an unseen term. A text made of
   * words the catalogue never used is novel, whatever its normalised vector looks like.
   */
  coverage: number;
}

/** Hyper-parameters of the feature space. */
export interface FeatureOptions {
  language: NluLanguage;
  /** Longest word n-gram (1–3). */
  wordNgrams: number;
  /** Longest stemmed n-gram (0 disables stems). */
  stemNgrams: number;
  /** Shortest and longest character n-gram, taken inside " word " (charMax 0 disables). */
  charMin: number;
  charMax: number;
  /** Features seen in fewer training texts are dropped. */
  minDf: number;
  /** Block weights before the final normalisation. */
  wordWeight: number;
  stemWeight: number;
  charWeight: number;
  spokenNumbers?: SpokenNumbersFunction;
}

export const DEFAULT_FEATURE_OPTIONS: Omit<FeatureOptions, 'language'> = {
  wordNgrams: 2,
  stemNgrams: 2,
  charMin: 2,
  charMax: 4,
  minDf: 1,
  wordWeight: 1,
  stemWeight: 1,
  charWeight: 1,
};

const BLOCKS = 3; // 0 words (+ concepts), 1 stems, 2 characters
/** Document frequencies looked at between two pause points of {@link FeatureSpace.fitSteps}. */
const KEYS_PER_STEP = 4096;

// Words that mean the same thing to a help desk; each adds a shared concept feature.
const CONCEPTS: Record<NluLanguage, readonly (readonly string[])[]> = {
  es: [
    ['correo', 'email', 'mail', 'gmail', 'outlook', 'buzon'],
    ['contrasena', 'clave', 'nip', 'pin'],
    ['computadora', 'laptop', 'equipo'],
    ['internet', 'wifi', 'red', 'conexion', 'inalambrica'],
    ['teams', 'zoom', 'videollamada', 'videoconferencia', 'meet'],
    ['celular', 'telefono', 'movil', 'extension'],
  ],
  en: [
    ['email', 'mail', 'inbox', 'outlook', 'gmail'],
    ['password', 'passcode', 'pin'],
    ['computer', 'laptop', 'pc', 'desktop'],
  ],
};

interface WordTerms {
  stem: string;
  /** Character n-gram keys and the concept key, if any. */
  keys: string[];
}

/** Builds the term counts of one text; keys are prefixed by their block digit. */
class TermExtractor {
  // What a word contributes besides word n-grams, cached: vocabularies are small next to token counts.
  private readonly words = new Map<string, WordTerms>();
  private readonly concepts = new Map<string, string>();

  constructor(
    private readonly options: FeatureOptions,
    private readonly tokenize: TokenizeFunction,
    private readonly stem: StemFunction,
  ) {
    CONCEPTS[options.language].forEach((group, i) => group.forEach((word) => this.concepts.set(word, `0k${i}`)));
  }

  terms(text: string): Map<string, number> {
    const counts = new Map<string, number>();
    const add = (key: string): void => void counts.set(key, (counts.get(key) ?? 0) + 1);
    const opts = this.options;
    const normalized = normalizeText(text, opts.language, { spokenNumbers: opts.spokenNumbers });
    const words = normalized === '' ? [] : this.tokenize(normalized);
    addNgrams(words, opts.wordNgrams, '0w', add);
    const stems: string[] = [];
    for (const word of words) {
      const terms = this.termsOf(word);
      stems.push(terms.stem);
      for (const key of terms.keys) add(key);
    }
    if (opts.stemNgrams > 0) addNgrams(stems, opts.stemNgrams, '1s', add);
    return counts;
  }

  private termsOf(word: string): WordTerms {
    let terms = this.words.get(word);
    if (terms === undefined) {
      const { charMin, charMax } = this.options;
      const keys: string[] = [];
      const concept = this.concepts.get(word);
      if (concept !== undefined) keys.push(concept);
      const padded = ` ${word} `;
      for (let n = charMin; n <= charMax && charMax > 0; n++) {
        for (let i = 0; i + n <= padded.length; i++) keys.push(`2${padded.slice(i, i + n)}`);
      }
      terms = { stem: this.stem(word), keys };
      if (this.words.size >= 50_000) this.words.clear(); // bounded: routing meets an open vocabulary
      this.words.set(word, terms);
    }
    return terms;
  }
}

function addNgrams(tokens: readonly string[], maxN: number, prefix: string, add: (key: string) => void): void {
  for (let n = 1; n <= maxN; n++) {
    for (let i = 0; i + n <= tokens.length; i++) add(`${prefix}${n}${tokens.slice(i, i + n).join(' ')}`);
  }
}

/** Adds one to the document frequency of each term of a text (a plain loop, see linear-trainer.ts). */
function countDocuments(df: Map<string, number>, counts: Map<string, number>): void {
  for (const key of counts.keys()) df.set(key, (df.get(key) ?? 0) + 1);
}

/** A vocabulary being built: feature indices in order of first appearance, with their IDF and block. */
interface Vocabulary {
  indices: Map<string, number>;
  idfs: number[];
  blocks: number[];
}

/**
 * Adds the next {@link KEYS_PER_STEP} terms of `entries` (term, document frequency) that reach `minDf` to the
 * vocabulary; false once `entries` is exhausted.
 */
function addTerms(entries: Iterator<[string, number]>, into: Vocabulary, documents: number, minDf: number): boolean {
  for (let k = 0; k < KEYS_PER_STEP; k++) {
    const next = entries.next();
    if (next.done === true) return false;
    const [key, n] = next.value;
    if (n < minDf) continue;
    into.indices.set(key, into.idfs.length);
    into.idfs.push(Math.log((1 + documents) / (1 + n)) + 1);
    into.blocks.push(key.charCodeAt(0) - 48);
  }
  return true;
}

/** A fitted vocabulary with IDF weights; turns texts into {@link SparseVector}s. */
export class FeatureSpace {
  private constructor(
    private readonly extractor: TermExtractor,
    private readonly vocabulary: Map<string, number>,
    private readonly idf: Float32Array,
    private readonly blockOf: Uint8Array,
    private readonly blockWeights: Float32Array,
    /** The IDF a term gets when no training text has it. */
    private readonly unseenIdf: number,
    /** The key of each feature index. */
    private readonly keys: readonly string[] = [...vocabulary.keys()],
  ) {}

  /** Number of features. */
  get size(): number {
    return this.idf.length;
  }

  /** Fits the vocabulary and IDF on `texts` and returns the space with the texts' vectors. */
  static fit(texts: readonly string[], options: FeatureOptions): { space: FeatureSpace; vectors: SparseVector[] } {
    return runSteps(FeatureSpace.fitSteps(texts, options));
  }

  /** {@link FeatureSpace.fit} as {@link Steps}: pauses after every text (analysed or vectorised); the same space. */
  static *fitSteps(texts: readonly string[], options: FeatureOptions): Steps<{ space: FeatureSpace; vectors: SparseVector[] }> {
    const extractor = new TermExtractor(options, wordTokenizer(), stemmerFor(options.language));
    const termCounts: Map<string, number>[] = [];
    for (const text of texts) {
      termCounts.push(extractor.terms(text));
      yield;
    }
    const df = new Map<string, number>();
    for (const counts of termCounts) {
      countDocuments(df, counts);
      yield;
    }
    // Feature indices follow first appearance in `texts`: deterministic, and no sort of the keys needed.
    const terms: Vocabulary = { indices: new Map<string, number>(), idfs: [], blocks: [] };
    const entries = df.entries();
    while (addTerms(entries, terms, texts.length, options.minDf)) yield;
    const { indices: vocabulary, idfs, blocks } = terms;
    const idf = Float32Array.from(idfs);
    const blockOf = Uint8Array.from(blocks);
    const weights = Float32Array.from([options.wordWeight, options.stemWeight, options.charWeight]);
    const space = new FeatureSpace(extractor, vocabulary, idf, blockOf, weights, Math.log(1 + texts.length) + 1);
    const vectors: SparseVector[] = [];
    for (const counts of termCounts) {
      vectors.push(space.toVector(counts));
      yield;
    }
    return { space, vectors };
  }

  /** The normalised TF-IDF vector of `text` (empty when nothing in it is in the vocabulary). */
  vectorize(text: string): SparseVector {
    return this.toVector(this.extractor.terms(text));
  }

  private toVector(counts: Map<string, number>): SparseVector {
    const found = new Int32Array(counts.size);
    const unknownMass = new Float64Array(BLOCKS);
    let n = 0;
    for (const [key, count] of counts) {
      const index = this.vocabulary.get(key);
      if (index !== undefined) found[n++] = index;
      else unknownMass[key.charCodeAt(0) - 48] += ((1 + Math.log(count)) * this.unseenIdf) ** 2;
    }
    const indices = found.slice(0, n).sort();
    const values = new Float32Array(n);
    const blockNorms = new Float64Array(BLOCKS);
    for (let k = 0; k < n; k++) {
      const index = indices[k];
      const value = (1 + Math.log(counts.get(this.keys[index]) ?? 1)) * this.idf[index];
      values[k] = value;
      blockNorms[this.blockOf[index]] += value * value;
    }
    let coverage = 0;
    let blocks = 0;
    for (let b = 0; b < BLOCKS; b++) {
      if (blockNorms[b] + unknownMass[b] > 0) {
        coverage += blockNorms[b] / (blockNorms[b] + unknownMass[b]);
        blocks++;
      }
      blockNorms[b] = this.blockWeights[b] / (Math.sqrt(blockNorms[b]) || 1);
    }
    let total = 0;
    for (let k = 0; k < n; k++) {
      values[k] *= blockNorms[this.blockOf[indices[k]]];
      total += values[k] * values[k];
    }
    const norm = Math.sqrt(total) || 1;
    for (let k = 0; k < n; k++) values[k] /= norm;
    return { indices, values, coverage: blocks > 0 ? coverage / blocks : 0 };
  }
}
