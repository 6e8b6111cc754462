/**
 * The in-memory lookup over the active directory: who a caller means by «la licenciada María Pérez», «recursos
 * humanos», «el ingeniero Jorge Ramírez de sistemas» or «extensión cuatro dos cinco cero cero», with the spelling
 * and speech-to-text errors of names tolerated.
 *
 * Each entry has primary fields (a person's name, each alias, the position; an area's name and aliases) and
 * qualifiers (everything else it is known by: a person's area and that area's aliases, the other fields). The words
 * of the request are aligned to a primary field's words (exact, same Spanish phonetic key, or close by
 * Jaro–Winkler and Damerau–Levenshtein from `natural`); words the primary field does not explain may be explained,
 * for a little less, by a qualifier («… de sistemas»). The score is
 *
 *   precision × (0.72 + 0.28 × recall) × field factor ± title/gender hint
 *
 * where precision is the share of the request explained and recall the share of the field said. Saying a person's
 * given name and first surname scores about 0.93, a surname alone about 0.83 (confirm), a misheard surname a little
 * less; an area's full name or an alias 1. See LOOKUP_THRESHOLDS for how to read the scores.
 */
import { damerauLevenshtein, jaroWinkler } from '../script/natural-parts';
import { fieldTokens, parseQuery, personNameTokens, titleKey, type ParsedQuery, type TextToken } from './directory-text';
import { LOOKUP_THRESHOLDS, type DirectoryEntry, type DirectoryMatch, type LookupOutcome, type MatchedOn } from './directory-types';
import { foldWord, phoneticKeys, stemKey } from './spanish-phonetic';

/** A word (or two words run together) with its phonetic keys. */
interface Form {
  text: string;
  keys: string[];
  stems: string[];
}

/** Words of a field or query that match as one: a word, two adjacent words run together, or a spelled acronym. */
interface Unit {
  /** Index of the form in the index's vocabulary (fields) or in the query's units (queries). */
  id: number;
  covers: number[];
  /** Acronyms and run-together words must match (nearly) exactly. */
  strict: boolean;
}

interface Field {
  on: MatchedOn;
  tokens: TextToken[];
  units: Unit[];
  /** A position describes several people at once; it counts a little less than a name. */
  factor: number;
}

interface IndexedEntry {
  entry: DirectoryEntry;
  primaries: Field[];
  /** Vocabulary ids of the words of everything else the entry is known by. */
  qualifiers: number[];
  title: string | null;
}

/** Below this, a lookup does not return the entry at all. */
const MIN_SCORE = 0.3;
const QUALIFIER_FACTOR = 0.9;
const POSITION_FACTOR = 0.9;
const TITLE_BONUS = 0.03;
const GENDER_PENALTY = 0.08;
/** Below this share of the request explained by the primary field, the score shrinks in proportion. */
const MIN_PRIMARY_SHARE = 0.4;
const MAX_QUERY_TOKENS = 12;
/** Close spellings below this similarity do not match at all. */
const MIN_FUZZY = 0.78;
const JW_WEIGHT = 0.3;

function form(text: string): Form {
  const keys = phoneticKeys(text);
  return { text, keys, stems: [...new Set(keys.map(stemKey))] };
}

function shareAny(a: readonly string[], b: readonly string[]): boolean {
  return a.some((x) => b.includes(x));
}

/** Scratch counts for {@link bagDistance}: used synchronously and left all zero after each call. */
const counts = new Int16Array(128);

/** Bag distance: a cheap lower bound of the edit distance (letters in one word and not in the other). */
function bagDistance(a: string, b: string): number {
  for (let i = 0; i < a.length; i++) counts[a.charCodeAt(i) & 127]++;
  for (let i = 0; i < b.length; i++) counts[b.charCodeAt(i) & 127]--;
  let more = 0;
  let less = 0;
  for (let i = 0; i < a.length; i++) {
    const c = a.charCodeAt(i) & 127;
    if (counts[c] as number > 0) more += counts[c] as number;
    counts[c] = 0;
  }
  for (let i = 0; i < b.length; i++) {
    const c = b.charCodeAt(i) & 127;
    if (counts[c] as number < 0) less -= counts[c] as number;
    counts[c] = 0;
  }
  return Math.max(more, less);
}

/** 0.3 × Jaro–Winkler + 0.7 × (1 − Damerau–Levenshtein / length), or 0 when it cannot reach {@link MIN_FUZZY}. */
function fuzzy(a: string, b: string): number {
  const longest = Math.max(a.length, b.length);
  if (Math.abs(a.length - b.length) > 3 || longest === 0) return 0;
  // The most edits that can still reach MIN_FUZZY (with a perfect Jaro–Winkler, then with the actual one): the bag
  // distance, a lower bound of the edit distance, skips most pairs before the costlier measures.
  const bag = bagDistance(a, b);
  if (bag > longest * (1 - (MIN_FUZZY - JW_WEIGHT) / (1 - JW_WEIGHT))) return 0;
  const jw = jaroWinkler(a, b);
  if (bag > longest * (1 - (MIN_FUZZY - JW_WEIGHT * jw) / (1 - JW_WEIGHT))) return 0;
  return JW_WEIGHT * jw + (1 - JW_WEIGHT) * (1 - damerauLevenshtein(a, b) / longest);
}

/** How alike two words are, 0..1: 1 equal, 0.95 same sound, 0.9 same but for a plural, up to 0.92 close spelling. */
export function wordSimilarity(query: Form, field: Form, strict = false): number {
  if (query.text === field.text) return 1;
  // Keys of lengths more than 3 apart can be neither equal nor close; only a typed prefix can still match.
  const typedPrefix = !strict && query.text.length >= 4 && field.text.startsWith(query.text);
  if (!typedPrefix && !query.keys.some((a) => field.keys.some((b) => Math.abs(a.length - b.length) <= 3))) return 0;
  if (shareAny(query.keys, field.keys)) return 0.95;
  if (shareAny(query.stems, field.stems)) return 0.9;
  if (query.text.length < 3 || field.text.length < 3) return 0;
  let best = 0;
  for (const a of query.keys) for (const b of field.keys) best = Math.max(best, fuzzy(a, b));
  if (strict) return best >= 0.9 ? Math.min(best, 0.92) : 0;
  // A name being typed: «Ramír» → «Ramírez».
  if (typedPrefix) best = Math.max(best, 0.85);
  return best < MIN_FUZZY ? 0 : Math.min(best, 0.92);
}

/** The words of a field or query as units: each word, and each two adjacent words run together («Mari Carmen»). */
function unitsOf(tokens: readonly TextToken[], intern: (text: string, strict: boolean) => number): Unit[] {
  const units: Unit[] = tokens.map((t, i) => ({ id: intern(t.text, false), covers: [i], strict: false }));
  for (let i = 0; i + 1 < tokens.length; i++) {
    units.push({ id: intern(`${tokens[i]?.text ?? ''}${tokens[i + 1]?.text ?? ''}`, true), covers: [i, i + 1], strict: true });
  }
  return units;
}

/** Greedy one-to-one alignment of query units to a field's units, best pairs first. */
function align(
  queryUnits: readonly Unit[],
  nQuery: number,
  f: Field,
  sim: (q: Unit, f: Unit) => number,
): { explained: number[]; said: number[] } {
  const pairs: Array<{ q: Unit; f: Unit; s: number }> = [];
  for (const q of queryUnits) {
    for (const fu of f.units) {
      if (q.covers.length > 1 && fu.covers.length > 1) continue;
      const s = sim(q, fu);
      if (s > 0) pairs.push({ q, f: fu, s });
    }
  }
  pairs.sort((a, b) => b.s - a.s || b.q.covers.length + b.f.covers.length - (a.q.covers.length + a.f.covers.length));
  const explained = new Array<number>(nQuery).fill(0);
  const said = new Array<number>(f.tokens.length).fill(0);
  for (const { q, f: fu, s } of pairs) {
    if (q.covers.some((i) => explained[i] !== 0) || fu.covers.some((i) => said[i] !== 0)) continue;
    for (const i of q.covers) explained[i] = s;
    for (const i of fu.covers) said[i] = s;
  }
  return { explained, said };
}

/**
 * The directory's active entries, indexed for lookups. Immutable: a new directory is a new index. Every distinct
 * word of the directory is compared with each word of a request at most once per lookup.
 */
export class DirectoryIndex {
  private readonly entries: IndexedEntry[];
  private readonly byExt = new Map<string, DirectoryEntry>();
  private readonly vocabulary: Form[] = [];
  private readonly vocabularyStrict: boolean[] = [];
  private readonly vocabularyIds = new Map<string, number>();
  /** Vocabulary id → indexes of the entries with that word in a primary field (only they can match it). */
  private readonly postings: number[][] = [];

  constructor(entries: readonly DirectoryEntry[]) {
    const active = entries.filter((e) => e.active);
    const areas = new Map<string, DirectoryEntry>();
    for (const e of active) {
      if (e.kind !== 'area') continue;
      for (const name of [e.name, ...e.aliases]) areas.set(foldWord(name), e);
    }
    this.entries = active.map((e) => this.indexEntry(e, areas));
    this.entries.forEach((indexed, i) => {
      for (const f of indexed.primaries) {
        for (const u of f.units) {
          const list = this.postings[u.id] ?? (this.postings[u.id] = []);
          if (list[list.length - 1] !== i) list.push(i);
        }
      }
    });
    for (const e of active) if (e.extension && !this.byExt.has(e.extension)) this.byExt.set(e.extension, e);
  }

  get size(): number {
    return this.entries.length;
  }

  /** The active entry with this extension, if any. */
  byExtension(extension: string): DirectoryEntry | null {
    return this.byExt.get(extension.replace(/\D/g, '')) ?? null;
  }

  /** Entries the request may mean, best first (scores 0..1; nothing below 0.3). */
  lookup(query: string, limit = 5): DirectoryMatch[] {
    const parsed = parseQuery(query);
    const results: DirectoryMatch[] = [];
    const seen = new Set<string>();
    for (const number of parsed.numbers) {
      const entry = this.byExt.get(number);
      if (entry && !seen.has(entry.id)) {
        results.push({ entry, score: 1, matchedOn: 'extension' });
        seen.add(entry.id);
      }
    }
    parsed.tokens = parsed.tokens.slice(0, MAX_QUERY_TOKENS);
    parsed.acronyms = parsed.acronyms.filter((a) => a.covers.every((i) => i < MAX_QUERY_TOKENS));
    if (parsed.tokens.length > 0) {
      const scored: DirectoryMatch[] = [];
      const sim = this.querySimilarity(parsed);
      for (const i of this.candidates(sim)) {
        const indexed = this.entries[i] as IndexedEntry;
        if (seen.has(indexed.entry.id)) continue;
        const match = this.score(indexed, parsed, sim);
        if (match && match.score >= MIN_SCORE) scored.push(match);
      }
      scored.sort((a, b) => b.score - a.score || a.entry.name.localeCompare(b.entry.name, 'es'));
      results.push(...scored);
    }
    return results.slice(0, Math.max(1, limit));
  }

  /** The entries with a primary-field word like some word of the query: the only ones that can score. */
  private candidates(sim: { units: Unit[]; of: (q: Unit, v: number) => number }): Set<number> {
    const found = new Set<number>();
    for (let v = 0; v < this.vocabulary.length; v++) {
      const list = this.postings[v];
      if (!list) continue;
      if (sim.units.some((q) => sim.of(q, v) > 0)) for (const i of list) found.add(i);
    }
    return found;
  }

  /** The query's units, and a memoised similarity of each to each word of the vocabulary. */
  private querySimilarity(parsed: ParsedQuery): { units: Unit[]; of: (q: Unit, vocabularyId: number) => number } {
    const forms: Form[] = [];
    const localIds = new Map<string, number>();
    const intern = (text: string, strict: boolean): number => {
      const key = `${strict ? '\u0001' : ''}${text}`;
      let id = localIds.get(key);
      if (id === undefined) {
        id = forms.length;
        forms.push(form(text));
        localIds.set(key, id);
      }
      return id;
    };
    const units = unitsOf(parsed.tokens, intern);
    for (const a of parsed.acronyms) units.push({ id: intern(a.text, true), covers: a.covers, strict: true });
    const size = this.vocabulary.length;
    const tables = forms.map(() => new Float32Array(size).fill(-1));
    const of = (q: Unit, v: number): number => {
      const table = tables[q.id] as Float32Array;
      let s = table[v] as number;
      if (s < 0) {
        s = wordSimilarity(forms[q.id] as Form, this.vocabulary[v] as Form, q.strict || (this.vocabularyStrict[v] as boolean));
        table[v] = s;
      }
      return s;
    };
    return { units, of };
  }

  private score(indexed: IndexedEntry, parsed: ParsedQuery, sim: { units: Unit[]; of: (q: Unit, v: number) => number }): DirectoryMatch | null {
    const n = parsed.tokens.length;
    // The first n query units are its single words, in order.
    const qualified = sim.units.slice(0, n).map((q) => {
      let best = 0;
      for (const v of indexed.qualifiers) best = Math.max(best, sim.of(q, v));
      return QUALIFIER_FACTOR * best;
    });
    let best: DirectoryMatch | null = null;
    for (const f of indexed.primaries) {
      const { explained, said } = align(sim.units, n, f, (q, fu) => sim.of(q, fu.id));
      let primary = 0;
      let total = 0;
      let weight = 0;
      parsed.tokens.forEach((t, i) => {
        const byPrimary = explained[i] ?? 0;
        const byQualifier = byPrimary > 0 ? 0 : (qualified[i] ?? 0);
        if (t.optional && byPrimary === 0 && byQualifier === 0) return;
        primary += t.weight * byPrimary;
        total += t.weight * Math.max(byPrimary, byQualifier);
        weight += t.weight;
      });
      if (primary === 0 || weight === 0) continue;
      let fieldWeight = 0;
      let fieldSaid = 0;
      f.tokens.forEach((t, i) => {
        const s = said[i] ?? 0;
        if (t.optional && s === 0) return;
        fieldWeight += t.weight;
        fieldSaid += t.weight * s;
      });
      const precision = total / weight;
      const recall = fieldWeight === 0 ? 0 : fieldSaid / fieldWeight;
      let score = precision * (0.72 + 0.28 * recall) * f.factor;
      const share = primary / weight;
      if (share < MIN_PRIMARY_SHARE) score *= share / MIN_PRIMARY_SHARE;
      if (!best || score > best.score) best = { entry: indexed.entry, score, matchedOn: f.on };
    }
    if (!best) return null;
    if (indexed.entry.kind === 'person') {
      if (parsed.title && parsed.title === indexed.title) best.score += TITLE_BONUS;
      if (parsed.gender && indexed.entry.gender && parsed.gender !== indexed.entry.gender) best.score -= GENDER_PENALTY;
    }
    best.score = Math.round(Math.min(1, Math.max(0, best.score)) * 1000) / 1000;
    return best;
  }

  private intern(text: string, strict: boolean): number {
    const key = `${strict ? '\u0001' : ''}${text}`;
    let id = this.vocabularyIds.get(key);
    if (id === undefined) {
      id = this.vocabulary.length;
      this.vocabulary.push(form(text));
      this.vocabularyStrict.push(strict);
      this.vocabularyIds.set(key, id);
    }
    return id;
  }

  private field(on: MatchedOn, tokens: TextToken[], factor = 1): Field | null {
    return tokens.length === 0 ? null : { on, tokens, units: unitsOf(tokens, (t, s) => this.intern(t, s)), factor };
  }

  private indexEntry(e: DirectoryEntry, areas: ReadonlyMap<string, DirectoryEntry>): IndexedEntry {
    const primaries: Field[] = [];
    const qualifierWords: TextToken[] = [];
    const add = (f: Field | null): void => {
      if (f) primaries.push(f);
    };
    const areaEntry = e.area ? areas.get(foldWord(e.area)) : undefined;
    const areaWords = [...fieldTokens(e.area), ...(areaEntry ? [areaEntry.name, ...areaEntry.aliases].flatMap((t) => fieldTokens(t)) : [])];
    if (e.kind === 'person') {
      add(this.field('name', personNameTokens(e.name)));
      for (const alias of e.aliases) add(this.field('alias', fieldTokens(alias)));
      add(this.field('position', fieldTokens(e.position), POSITION_FACTOR));
    } else {
      add(this.field('area', fieldTokens(e.name)));
      for (const alias of e.aliases) add(this.field('alias', fieldTokens(alias)));
      qualifierWords.push(...fieldTokens(e.position));
    }
    for (const f of primaries) qualifierWords.push(...f.tokens);
    qualifierWords.push(...areaWords);
    const qualifiers = [...new Set(qualifierWords.map((t) => this.intern(t.text, false)))];
    return { entry: e, primaries, qualifiers, title: titleKey(e.title) };
  }
}

/**
 * Reads a lookup with {@link LOOKUP_THRESHOLDS}: nothing above `confirm` → none; the best two within the margin →
 * ambiguous (every candidate within the margin of the best, up to 3); else confident or confirm by the best score.
 */
export function lookupOutcome(matches: readonly DirectoryMatch[]): LookupOutcome {
  const [first, second] = matches;
  if (!first || first.score < LOOKUP_THRESHOLDS.confirm) return { kind: 'none' };
  if (second && second.score >= LOOKUP_THRESHOLDS.confirm && first.score - second.score < LOOKUP_THRESHOLDS.ambiguityMargin && first.matchedOn !== 'extension') {
    return { kind: 'ambiguous', candidates: matches.filter((m) => m.score >= LOOKUP_THRESHOLDS.confirm && first.score - m.score < LOOKUP_THRESHOLDS.ambiguityMargin).slice(0, 3) };
  }
  return first.score >= LOOKUP_THRESHOLDS.confident ? { kind: 'confident', match: first } : { kind: 'confirm', match: first };
}
