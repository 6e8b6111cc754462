/**
 * How the unit matcher reads words, in aliases and in what people say: numbers in words to digits, case and accents
 * folded, the many ways of saying "CECyT No. 9" unified, spelled-out acronyms joined, articles dropped, and each
 * alias word given a kind and a weight.
 */
import { spokenNumbersToDigits } from '../nlu/spoken-numbers';
import { COMMON_WORDS, GENERIC_WORDS, STOPWORDS, foldCase } from './text';

/** A number ("9"), a generic word ("escuela") or a proper name or acronym ("escom", "zacatenco"). */
export type TokenKind = 'number' | 'generic' | 'proper';

/** One word of an alias, as matching sees it. */
export interface AliasToken {
  text: string;
  kind: TokenKind;
  weight: number;
  /** Written in capitals in the alias ("ESE"): matches only words written in capitals. */
  upperOnly: boolean;
}

/** A word of the text: folded, and whether it was written in capitals. */
export interface InputToken {
  text: string;
  upper: boolean;
}

/** A proper word or a number identifies; a generic word only helps. */
export const WEIGHTS: Record<TokenKind, number> = { number: 1, generic: 0.5, proper: 1 };

/** Ways of saying "CECyT" ("vocacional", "voca"), and words between it and its number ("No.", "número"). */
const CECYT_WORDS = new Set(['cecyt', 'cecyts', 'cecit', 'cecits', 'cecyth', 'secyt', 'cecite', 'voca', 'vocas', 'vocacional', 'vocacionales', 'vocasional']);
const CECYT_BEFORE_NUMBER = new Set(['boca', 'bocacional', 'bocasional']);
const NUMBER_MARKERS = new Set(['no', 'num', 'numero', 'nro', 'n', 'nº', 'numeral']);
const NUMBERED_PREFIXES = new Set(['cecyt', 'cet']);
const ONE = new Set(['uno', 'un', 'una']);

export const isDigits = (s: string): boolean => /^\d+$/.test(s);
/** Short words that are also acronyms of units: "ese" (ESE), "sip" (SIP), "des" (DES). */
const EVERYDAY_SHORT = new Set(['sip', 'des', 'est', 'sal', 'van', 'ves', 'vas', 'sea', 'das', 'den', 'dan', 'ser', 'fue', 've', 'da', 'dio', 'oye', 'ay']);
const isEverydayWord = (word: string): boolean => STOPWORDS.has(word) || COMMON_WORDS.has(word) || EVERYDAY_SHORT.has(word);
export const isUpper = (raw: string): boolean => raw.length > 0 && raw === raw.toUpperCase() && raw !== raw.toLowerCase();

/** Raw words of a text, numbers said in words turned into digits, letters and digits split ("cecyt9" → "cecyt 9"). */
function rawWords(text: string): string[] {
  const out: string[] = [];
  for (const m of spokenNumbersToDigits(text, 'es').matchAll(/[\p{L}\p{M}]+|\d+/gu)) out.push(m[0]);
  return out;
}

/** Folded words with the numbered-school forms unified: "vocacional No. 09" → "cecyt 9", "cet uno" → "cet 1". */
function canonicalWords(raws: readonly string[]): InputToken[] {
  const tokens: InputToken[] = raws.map((raw) => ({ text: foldCase(raw), upper: isUpper(raw) }));
  const out: InputToken[] = [];
  for (let i = 0; i < tokens.length; i += 1) {
    const token = tokens[i] as InputToken;
    let { text } = token;
    const next = (k: number): string => tokens[i + k]?.text ?? '';
    const numberAhead = isDigits(next(1)) || (NUMBER_MARKERS.has(next(1)) && isDigits(next(2)));
    if (CECYT_WORDS.has(text) || (CECYT_BEFORE_NUMBER.has(text) && numberAhead)) text = 'cecyt';
    const previous = out[out.length - 1]?.text ?? '';
    if (NUMBERED_PREFIXES.has(previous)) {
      if (NUMBER_MARKERS.has(text) && (isDigits(next(1)) || ONE.has(next(1)))) continue;
      if (ONE.has(text)) text = '1';
    }
    if (isDigits(text)) text = String(Number(text));
    out.push({ text, upper: token.upper });
  }
  return out;
}

/** Joins spelled-out acronyms ("e s c o m") and split words ("es com", "upi ita") when the result is a known word. */
function joinPieces(tokens: readonly InputToken[], vocabulary: ReadonlySet<string>): InputToken[] {
  const out: InputToken[] = [];
  for (let i = 0; i < tokens.length; i += 1) {
    const token = tokens[i] as InputToken;
    let run = i;
    while (run < tokens.length && /^[a-z]$/.test(tokens[run]?.text ?? '')) run += 1;
    if (run - i >= 3) {
      const joined = tokens.slice(i, run).map((t) => t.text).join('');
      if (vocabulary.has(joined) || run - i >= 4) {
        out.push({ text: joined, upper: tokens.slice(i, run).every((t) => t.upper) });
        i = run - 1;
        continue;
      }
    }
    const next = tokens[i + 1];
    if (next !== undefined && !isDigits(token.text) && !isDigits(next.text) && !vocabulary.has(token.text) &&
        vocabulary.has(token.text + next.text)) {
      out.push({ text: token.text + next.text, upper: token.upper && next.upper });
      i += 1;
      continue;
    }
    out.push(token);
  }
  return out;
}

/**
 * The words of an alias that take part in matching, each with its kind: articles and prepositions are dropped
 * (unless the alias is one such word in capitals: "ESE"), numbers are kept. An alias whose only word is generic, or that has
 * no word left, can never match ({@link loadUnits} rejects it).
 */
export function aliasTokens(alias: string): AliasToken[] {
  const words = canonicalWords(rawWords(alias));
  // A one-word alias in capitals that is also an everyday word ("ESE", "SIP") only matches capitals.
  const acronym = words.length === 1 && words[0] !== undefined && words[0].upper && isEverydayWord(words[0].text);
  return words
    .filter((t) => acronym || !STOPWORDS.has(t.text) || isDigits(t.text))
    .map((t) => {
      const kind: TokenKind = isDigits(t.text) ? 'number' : GENERIC_WORDS.has(t.text) ? 'generic' : 'proper';
      return { text: t.text, kind, weight: WEIGHTS[kind], upperOnly: acronym };
    });
}

/** Content words of a text (stop words dropped), ready to be aligned with aliases. */
export function contentWords(text: string, vocabulary: ReadonlySet<string>): InputToken[] {
  // A stop word written in capitals may be an acronym ("ESE").
  return joinPieces(canonicalWords(rawWords(text)), vocabulary)
    .filter((t) => !STOPWORDS.has(t.text) || isDigits(t.text) || (t.upper && vocabulary.has(t.text)));
}
