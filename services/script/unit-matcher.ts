/**
 * Finds the unit (school, centre, area) a person names anywhere in a sentence: "soy docente de la ESCOM", "la voca
 * nueve", "ESIME en Zacatenco", "trabajo en Upiicssa". Tolerates case, accents, articles, one or two typing or
 * speech errors per word, spelled acronyms ("e s c o m") and numbered schools in every form people use ("vocacional 9",
 * "CECyT No. 9", "voca nueve", "cet uno").
 *
 * How: every alias is reduced to its content words (articles and prepositions dropped), each word weighted (1 for a
 * proper name or acronym, 0.5 for a generic word such as "escuela", "superior", 1 for a number, which must match
 * exactly). The sentence goes through the same reduction; each of its words is looked up exactly in the aliases'
 * vocabulary, or, failing that, corrected towards it with natural's Jaro–Winkler (cheap filter) and Damerau–Levenshtein
 * (at most one edit for words up to 7 letters, two for longer ones; words under 5 letters and everyday Spanish words
 * are never corrected). Then each alias that shares a word with the sentence is aligned with it, in order, allowing
 * up to two other words between two of its words. Everything is precomputed in the constructor; one `match` over 90
 * units takes a few tenths of a millisecond.
 */
import { damerauLevenshtein, jaroWinkler } from './natural-parts';
import { COMMON_WORDS, STOPWORDS } from './text';
import { aliasTokens, contentWords, isDigits, type AliasToken, type InputToken } from './unit-text';
import type { Unit } from './units';

export { aliasTokens } from './unit-text';
export type { AliasToken, TokenKind } from './unit-text';

/** A unit found in a text. */
export interface UnitMatch {
  unit: Unit;
  /** 0–1: share of the alias found, times how well its words were spelled, minus a little per interposed word. */
  score: number;
  /** Every word of one alias was found as written (no correction, no word missing). */
  exact: boolean;
}

/** Everything {@link UnitMatcher.analyze} knows about one text. */
export interface UnitAnalysis {
  /** The unit meant, or null when none reaches {@link UNIT_CONFIDENCE}.minimum or several are equally likely. */
  match: UnitMatch | null;
  /** Units mentioned, best first, each at least {@link UNIT_CONFIDENCE}.minimum. */
  candidates: UnitMatch[];
  /** Two or more units are equally likely ("ESIME" alone names four): ask which one, offering `candidates`. */
  ambiguous: boolean;
}

/**
 * Thresholds on {@link UnitMatch.score}:
 * - `minimum` (0.6): below it nothing is reported — better to ask again than to guess.
 * - `accept` (0.85): an exact match, or a score at least this high ("ESCON", "Upiicssa", "zacatenko"), is taken
 *   without asking; between `minimum` and `accept` the dialog asks «¿Se refiere a …?» (a long official name with one
 *   word missing or misspelled lands here).
 * - `margin` (0.06): when the second-best unit scores within this margin of the best, the text is ambiguous.
 */
export const UNIT_CONFIDENCE = { minimum: 0.6, accept: 0.85, margin: 0.06 } as const;

/** What the dialog does with a match: take it, or confirm it with «¿Se refiere a …?». */
export type UnitDecision = 'accept' | 'confirm';

/** `accept` for exact matches and scores ≥ `UNIT_CONFIDENCE.accept`, otherwise `confirm`. */
export function unitDecision(match: UnitMatch): UnitDecision {
  return match.exact || match.score >= UNIT_CONFIDENCE.accept ? 'accept' : 'confirm';
}

interface CompiledAlias {
  unitIndex: number;
  tokens: AliasToken[];
  totalWeight: number;
  hasProper: boolean;
  /**
   * Long official names (4+ words) may be said incompletely: generic words left out, and at most one proper word,
   * as long as half the alias' weight is found. Shorter aliases must be complete.
   */
  long: boolean;
}

interface Found {
  unitIndex: number;
  score: number;
  exact: boolean;
  matched: number;
  positions: number[];
}

const MAX_GAP = 2;
const GAP_PENALTY = 0.03;
const MIN_FUZZY_LENGTH = 5;
const JARO_WINKLER_FLOOR = 0.84;

const maxEdits = (length: number): number => (length >= 8 ? 2 : 1);

/**
 * Matches units in free text. Build one per units list (at start-up, or when coordinators change the list) and
 * reuse it: construction precomputes the vocabulary, `match` only reads it.
 */
export class UnitMatcher {
  readonly units: readonly Unit[];
  private readonly aliases: CompiledAlias[] = [];
  /** Alias word → aliases that contain it. */
  private readonly index = new Map<string, number[]>();
  /** Every alias word. */
  private readonly vocabulary = new Set<string>();
  /** Words that may be reached by correction, by length. */
  private readonly fuzzyByLength = new Map<number, string[]>();

  constructor(units: readonly Unit[]) {
    if (!Array.isArray(units) || units.length === 0) throw new Error('UnitMatcher: a non-empty list of units is required');
    this.units = units;
    const { vocabulary } = this;
    units.forEach((unit, unitIndex) => {
      const seen = new Set<string>();
      for (const alias of [unit.name, unit.code.replace(/-/g, ' '), ...unit.aliases]) {
        const compiled = this.compile(alias, unitIndex);
        const key = compiled?.tokens.map((t) => `${t.text}${t.upperOnly ? '!' : ''}`).join(' ');
        if (compiled === undefined || key === undefined || seen.has(key)) continue;
        seen.add(key);
        const aliasIndex = this.aliases.push(compiled) - 1;
        for (const token of compiled.tokens) {
          const list = this.index.get(token.text) ?? [];
          if (list[list.length - 1] !== aliasIndex) list.push(aliasIndex);
          this.index.set(token.text, list);
          vocabulary.add(token.text);
        }
      }
    });
    for (const word of vocabulary) {
      if (word.length < MIN_FUZZY_LENGTH || isDigits(word)) continue;
      const bucket = this.fuzzyByLength.get(word.length) ?? [];
      bucket.push(word);
      this.fuzzyByLength.set(word.length, bucket);
    }
  }

  /** The unit named in `text`, or null (nothing reliable, or several equally likely: see {@link analyze}). */
  match(text: string): UnitMatch | null {
    return this.analyze(text).match;
  }

  /** Up to `n` units named in `text`, best first (for «¿Se refiere a …?» or a choice list). */
  candidates(text: string, n = 3): UnitMatch[] {
    return this.analyze(text).candidates.slice(0, n);
  }

  /** Best match, ranked candidates and ambiguity, in one pass. */
  analyze(text: string): UnitAnalysis {
    const tokens = contentWords(text, this.vocabulary);
    const hits = tokens.map((t) => this.resolve(t));
    const aliasIds = new Set<number>();
    for (const perToken of hits) {
      for (const word of perToken.keys()) for (const id of this.index.get(word) ?? []) aliasIds.add(id);
    }
    const perUnit = new Map<number, Found>();
    for (const id of aliasIds) {
      const found = this.align(this.aliases[id] as CompiledAlias, tokens, hits);
      if (found === undefined || found.score < UNIT_CONFIDENCE.minimum) continue;
      perUnit.set(found.unitIndex, merge(perUnit.get(found.unitIndex), found));
    }
    const kept = dropShadowed([...perUnit.values()]);
    kept.sort((a, b) => b.score - a.score || b.matched - a.matched || a.unitIndex - b.unitIndex);
    const candidates = kept.map((f) => ({ unit: this.units[f.unitIndex] as Unit, score: round(f.score), exact: f.exact }));
    const [first, second] = kept;
    const ambiguous = first !== undefined && second !== undefined && first.score - second.score < UNIT_CONFIDENCE.margin;
    return { match: first === undefined || ambiguous ? null : (candidates[0] ?? null), candidates, ambiguous };
  }

  private compile(alias: string, unitIndex: number): CompiledAlias | undefined {
    const tokens = aliasTokens(alias);
    if (tokens.length === 0 || (tokens.length === 1 && tokens[0]?.kind !== 'proper')) return undefined;
    return {
      unitIndex,
      tokens,
      totalWeight: tokens.reduce((sum, t) => sum + t.weight, 0),
      hasProper: tokens.some((t) => t.kind === 'proper'),
      long: tokens.length >= 4,
    };
  }

  /** Alias words that one word of the text may stand for, with a similarity (1 when written the same). */
  private resolve(token: InputToken): Map<string, number> {
    const out = new Map<string, number>();
    const { text } = token;
    if (this.index.has(text)) {
      out.set(text, 1);
      return out;
    }
    if (text.length < MIN_FUZZY_LENGTH || isDigits(text) || COMMON_WORDS.has(text) || STOPWORDS.has(text)) return out;
    const edits = maxEdits(text.length);
    for (let length = text.length - edits; length <= text.length + edits; length += 1) {
      for (const word of this.fuzzyByLength.get(length) ?? []) {
        if (word[0] !== text[0] && word[1] !== text[1]) continue;
        if (jaroWinkler(text, word) < JARO_WINKLER_FLOOR) continue;
        const longest = Math.max(text.length, word.length);
        const distance = damerauLevenshtein(text, word);
        if (distance <= maxEdits(longest)) out.set(word, 1 - (0.5 * distance) / longest);
      }
    }
    return out;
  }

  /** Best in-order alignment of `alias` with the text's words, or undefined when it does not fit. */
  private align(alias: CompiledAlias, tokens: readonly InputToken[], hits: ReadonlyArray<Map<string, number>>): Found | undefined {
    const sim = (i: number, j: number): number => {
      const token = alias.tokens[i] as AliasToken;
      if (token.upperOnly && !(tokens[j]?.upper ?? false)) return 0;
      return hits[j]?.get(token.text) ?? 0;
    };
    let best: Found | undefined;
    const firstTokens = alias.long ? alias.tokens.length - 1 : 0;
    for (let firstToken = 0; firstToken <= firstTokens; firstToken += 1) {
      if (!mayOmitFirst(alias, firstToken)) break;
      for (let start = 0; start < tokens.length; start += 1) {
        if (sim(firstToken, start) === 0) continue;
        const found = this.extend(alias, firstToken, start, tokens.length, sim);
        if (found !== undefined && (best === undefined || found.score > best.score)) best = found;
      }
    }
    return best;
  }

  private extend(alias: CompiledAlias, firstToken: number, start: number, length: number, sim: (i: number, j: number) => number): Found | undefined {
    const positions = [start];
    let missing = firstToken;
    let missingProper = alias.tokens.slice(0, firstToken).filter((t) => t.kind === 'proper').length;
    let weight = (alias.tokens[firstToken] as AliasToken).weight * sim(firstToken, start);
    let fuzzy = sim(firstToken, start) < 1 ? 1 : 0;
    let gaps = 0;
    let properFound = alias.tokens[firstToken]?.kind === 'proper';
    let previous = start;
    for (let i = firstToken + 1; i < alias.tokens.length; i += 1) {
      const token = alias.tokens[i] as AliasToken;
      const window = token.kind === 'number' ? 1 : MAX_GAP + 1;
      let found = -1;
      for (let j = previous + 1; j <= Math.min(length - 1, previous + window); j += 1) {
        if (sim(i, j) > 0) {
          found = j;
          break;
        }
      }
      if (found < 0) {
        if (!alias.long || token.kind === 'number' || (token.kind === 'proper' && missingProper >= 1)) return undefined;
        missing += 1;
        if (token.kind === 'proper') missingProper += 1;
        continue;
      }
      const s = sim(i, found);
      weight += token.weight * s;
      fuzzy += s < 1 ? 1 : 0;
      gaps += found - previous - 1;
      properFound ||= token.kind === 'proper';
      positions.push(found);
      previous = found;
    }
    if (alias.hasProper ? !properFound : missing > 0 || fuzzy > 1) return undefined;
    if (weight < alias.totalWeight / 2) return undefined;
    const score = weight / alias.totalWeight - GAP_PENALTY * gaps;
    return { unitIndex: alias.unitIndex, score, exact: missing === 0 && fuzzy === 0, matched: positions.length, positions };
  }
}

/** Whether a long alias may be said without its first `count` words (generic words, at most one proper, no number). */
function mayOmitFirst(alias: CompiledAlias, count: number): boolean {
  if (count === 0) return true;
  const omitted = alias.tokens.slice(0, count);
  return alias.long && !omitted.some((t) => t.kind === 'number') && omitted.filter((t) => t.kind === 'proper').length <= 1;
}

/**
 * One unit's evidence over all its aliases: the best score, and every word some alias of it explains (so that
 * "ESIME zacatenko" credits ESIME Zacatenco with both words even though only "esime" matched as written).
 */
function merge(current: Found | undefined, found: Found): Found {
  if (current === undefined) return found;
  const positions = [...new Set([...current.positions, ...found.positions])];
  const better = found.score > current.score ? found : current;
  return { unitIndex: found.unitIndex, score: better.score, exact: current.exact || found.exact, matched: positions.length, positions };
}

/**
 * Drops a unit read from words that another unit explains better: the other covers more words, including some of
 * these, and either covers all of them ("ESIME" inside "ESIME Zacatenco") or scores about as well ("Dirección
 * General" inside "Dirección General de Capital Humano").
 */
function dropShadowed(found: Found[]): Found[] {
  return found.filter((f) => !found.some((other) => other !== f && other.matched > f.matched &&
    other.positions.some((p) => f.positions.includes(p)) &&
    (f.positions.every((p) => other.positions.includes(p)) || other.score >= f.score - 0.05)));
}

const round = (n: number): number => Math.round(n * 1000) / 1000;
