/**
 * Numbers said in words → digits, inside free text, the way speech-to-text writes them in a help desk:
 * digit by digit ("cuatro dos cinco cero cero" → "42500"), in spoken groups ("cuarenta y dos quinientos" → "42500"),
 * as one number ("mil doscientos treinta y cuatro" → "1234"), in pairs ("cincuenta y cinco, doce, …" → "5512…"),
 * with repeats ("doble cero" → "00"). Everything that is not part of a number is left as it was.
 *
 * Deliberately a small hand-written scanner (no recognizers-text): it runs on every utterance.
 */

/** Language of the words to read. */
export type SpokenNumbersLanguage = 'es' | 'en';

type Kind = 'zero' | 'unit' | 'teen' | 'tens' | 'hundred' | 'hundredMul' | 'thousand' | 'and' | 'repeat';

interface Lexeme {
  readonly kind: Kind;
  readonly value: number;
  /** A weak word ("uno", "mil", "one", "oh") alone is not a number: "uno de ellos", "mil gracias". */
  readonly weak?: boolean;
  /** "un"/"una" are articles; they count only as the unit of a compound ("treinta y un"). */
  readonly compoundOnly?: boolean;
}

type Gap = 'space' | 'comma' | 'break';

interface Token {
  readonly start: number;
  readonly end: number;
  readonly lexeme: Lexeme | undefined;
  readonly gap: Gap;
}

/** One number read from consecutive words: its digits and where it sits in the text. */
interface Group {
  start: number; // offsets in the text, end exclusive
  end: number;
  /** Holds a word that is a number on its own (not "uno", "mil"…). */
  strong: boolean;
  joinedBy: Gap;
  /** Set for groups that are digits rather than a value: "cero" → "0", "doble cero" → "00". */
  fixed: string | null;
  high: number; // thousands, already multiplied
  low: number; // below one thousand
  /** Smallest order filled: 5 empty, 4 thousands, 3 hundreds, 2 tens, 1 units, 0 closed. */
  lowest: number;
  tensOpen: boolean;
}

function lexicon(entries: ReadonlyArray<readonly [Kind, number, string]>, weak: readonly string[]): Map<string, Lexeme> {
  const map = new Map<string, Lexeme>();
  for (const [kind, value, words] of entries) {
    for (const word of words.split(' ')) {
      map.set(word, weak.includes(word) ? { kind, value, weak: true } : { kind, value });
    }
  }
  return map;
}

const SPANISH = lexicon(
  [
    ['zero', 0, 'cero'],
    ['unit', 1, 'uno'], ['unit', 2, 'dos'], ['unit', 3, 'tres'], ['unit', 4, 'cuatro'], ['unit', 5, 'cinco'],
    ['unit', 6, 'seis'], ['unit', 7, 'siete'], ['unit', 8, 'ocho'], ['unit', 9, 'nueve'],
    ['teen', 10, 'diez'], ['teen', 11, 'once'], ['teen', 12, 'doce'], ['teen', 13, 'trece'], ['teen', 14, 'catorce'],
    ['teen', 15, 'quince'], ['teen', 16, 'dieciseis'], ['teen', 17, 'diecisiete'], ['teen', 18, 'dieciocho'],
    ['teen', 19, 'diecinueve'], ['teen', 21, 'veintiuno veintiun veintiuna'], ['teen', 22, 'veintidos'],
    ['teen', 23, 'veintitres'], ['teen', 24, 'veinticuatro'], ['teen', 25, 'veinticinco'], ['teen', 26, 'veintiseis'],
    ['teen', 27, 'veintisiete'], ['teen', 28, 'veintiocho'], ['teen', 29, 'veintinueve'],
    ['tens', 20, 'veinte'], ['tens', 30, 'treinta'], ['tens', 40, 'cuarenta'], ['tens', 50, 'cincuenta'],
    ['tens', 60, 'sesenta'], ['tens', 70, 'setenta'], ['tens', 80, 'ochenta'], ['tens', 90, 'noventa'],
    ['hundred', 100, 'cien ciento'], ['hundred', 200, 'doscientos doscientas'],
    ['hundred', 300, 'trescientos trescientas'], ['hundred', 400, 'cuatrocientos cuatrocientas'],
    ['hundred', 500, 'quinientos quinientas'], ['hundred', 600, 'seiscientos seiscientas'],
    ['hundred', 700, 'setecientos setecientas sietecientos'], ['hundred', 800, 'ochocientos ochocientas'],
    ['hundred', 900, 'novecientos novecientas'],
    ['thousand', 1000, 'mil'], ['and', 0, 'y'], ['repeat', 2, 'doble'], ['repeat', 3, 'triple'],
  ],
  ['uno', 'mil', 'ciento'],
);
SPANISH.set('un', { kind: 'unit', value: 1, compoundOnly: true });
SPANISH.set('una', { kind: 'unit', value: 1, compoundOnly: true });

const ENGLISH = lexicon(
  [
    ['zero', 0, 'zero oh'],
    ['unit', 1, 'one'], ['unit', 2, 'two'], ['unit', 3, 'three'], ['unit', 4, 'four'], ['unit', 5, 'five'],
    ['unit', 6, 'six'], ['unit', 7, 'seven'], ['unit', 8, 'eight'], ['unit', 9, 'nine'],
    ['teen', 10, 'ten'], ['teen', 11, 'eleven'], ['teen', 12, 'twelve'], ['teen', 13, 'thirteen'],
    ['teen', 14, 'fourteen'], ['teen', 15, 'fifteen'], ['teen', 16, 'sixteen'], ['teen', 17, 'seventeen'],
    ['teen', 18, 'eighteen'], ['teen', 19, 'nineteen'],
    ['tens', 20, 'twenty'], ['tens', 30, 'thirty'], ['tens', 40, 'forty fourty'], ['tens', 50, 'fifty'],
    ['tens', 60, 'sixty'], ['tens', 70, 'seventy'], ['tens', 80, 'eighty'], ['tens', 90, 'ninety'],
    ['hundredMul', 100, 'hundred'], ['thousand', 1000, 'thousand'], ['and', 0, 'and'],
    ['repeat', 2, 'double'], ['repeat', 3, 'triple'],
  ],
  ['one', 'oh', 'thousand'],
);

const LEXICONS: Record<SpokenNumbersLanguage, Map<string, Lexeme>> = { es: SPANISH, en: ENGLISH };

// Letters plus combining marks, so decomposed accents stay inside the word.
const WORD = /[\p{L}\p{M}]+/gu;
const ACCENTS = /[\u0300-\u036f]/g;
const SPACE_GAP = /^[\s-]+$/;
const COMMA_GAP = /^\s*,\s*$/;

function classifyGap(gap: string): Gap {
  if (SPACE_GAP.test(gap)) return 'space';
  return COMMA_GAP.test(gap) ? 'comma' : 'break';
}

function tokenize(text: string, words: Map<string, Lexeme>): Token[] {
  const tokens: Token[] = [];
  let previousEnd = -1;
  for (const match of text.matchAll(WORD)) {
    const start = match.index;
    const raw = match[0].toLowerCase();
    const lexeme = words.get(raw) ?? words.get(raw.normalize('NFD').replace(ACCENTS, ''));
    const gap = previousEnd < 0 ? 'break' : classifyGap(text.slice(previousEnd, start));
    tokens.push({ start, end: start + match[0].length, lexeme, gap });
    previousEnd = start + match[0].length;
  }
  return tokens;
}

function newGroup(token: Token, joinedBy: Gap): Group {
  return { start: token.start, end: token.end, strong: false, joinedBy, fixed: null, high: 0, low: 0, lowest: 5, tensOpen: false };
}

/** Adds `lexeme` to `group` when it continues the same number; false when a new number must start. */
function extend(group: Group, lexeme: Lexeme): boolean {
  const { lowest } = group;
  switch (lexeme.kind) {
    case 'unit':
      if (!(lowest >= 3 || (lowest === 2 && group.tensOpen))) return false;
      group.low += lexeme.value;
      group.lowest = 1;
      break;
    case 'teen':
    case 'tens':
      if (lowest < 3) return false;
      group.low += lexeme.value;
      group.lowest = 2;
      break;
    case 'hundred':
      if (lowest < 4) return false;
      group.low += lexeme.value;
      group.lowest = 3;
      break;
    case 'hundredMul':
      if (lowest === 0 || lowest === 3 || group.low >= 100 || (group.low === 0 && lowest !== 5)) return false;
      group.low = (group.low || 1) * 100;
      group.lowest = 3;
      break;
    case 'thousand':
      if (lowest === 0 || lowest === 4 || group.high > 0) return false;
      group.high = (group.low || 1) * 1000;
      group.low = 0;
      group.lowest = 4;
      break;
    default:
      return false;
  }
  group.tensOpen = lexeme.kind === 'tens';
  group.strong ||= lexeme.weak !== true;
  return true;
}

function canJoinWithAnd(group: Group | null, next: Token | undefined, language: SpokenNumbersLanguage): boolean {
  if (group === null || next?.lexeme === undefined || next.gap !== 'space') return false;
  const kind = next.lexeme.kind;
  if (language === 'es') return group.tensOpen && kind === 'unit';
  return (group.lowest === 3 || group.lowest === 4) && (kind === 'unit' || kind === 'teen' || kind === 'tens');
}

/** Groups of number words, each sequence of groups separated by anything but spaces or commas. */
function readGroups(tokens: readonly Token[], language: SpokenNumbersLanguage): Group[][] {
  const sequences: Group[][] = [];
  let groups: Group[] = [];
  let group: Group | null = null;
  let afterAnd = false;
  const close = (): void => {
    if (groups.length > 0) sequences.push(groups);
    groups = [];
    group = null;
    afterAnd = false;
  };
  for (let i = 0; i < tokens.length; i += 1) {
    const token = tokens[i];
    const lexeme = token?.lexeme;
    if (token === undefined || lexeme === undefined || token.gap === 'break') close();
    if (token === undefined || lexeme === undefined) continue;
    if (token.gap === 'comma') group = null; // a comma ends a number but may continue the sequence (pairs)
    const joinedBy: Gap = groups.length === 0 ? 'break' : token.gap;
    if (lexeme.kind === 'and') {
      if (afterAnd || !canJoinWithAnd(group, tokens[i + 1], language)) close();
      else afterAnd = true;
      continue;
    }
    if (lexeme.kind === 'repeat') {
      const next = tokens[i + 1];
      const digit = next?.lexeme;
      if (next === undefined || next.gap !== 'space' || digit === undefined || digit.compoundOnly === true ||
          (digit.kind !== 'unit' && digit.kind !== 'zero')) {
        close();
        continue;
      }
      const repeated = newGroup(token, joinedBy);
      Object.assign(repeated, { end: next.end, strong: true, lowest: 0, fixed: String(digit.value).repeat(lexeme.value) });
      groups.push(repeated);
      group = repeated;
      i += 1;
      continue;
    }
    if (lexeme.compoundOnly === true && !afterAnd) {
      close();
      continue;
    }
    afterAnd = false;
    if (group !== null && extend(group, lexeme)) {
      group.end = token.end;
      continue;
    }
    const fresh = newGroup(token, joinedBy);
    if (lexeme.kind === 'zero') {
      Object.assign(fresh, { strong: lexeme.weak !== true, lowest: 0, fixed: '0' });
    } else if (!extend(fresh, lexeme)) {
      close();
      continue;
    }
    groups.push(fresh);
    group = fresh;
  }
  close();
  return sequences;
}

function digitsOf(group: Group): string {
  return group.fixed ?? String(group.high + group.low);
}

/**
 * Splits a sequence at commas that do not separate two strong numbers of one or two digits (phone numbers said in
 * pairs), then keeps the chains that hold at least one strong word.
 */
function chains(sequence: readonly Group[]): Group[][] {
  const result: Group[][] = [];
  let chain: Group[] = [];
  let previous: Group | undefined;
  for (const group of sequence) {
    const pairs = previous !== undefined && previous.strong && group.strong &&
      digitsOf(previous).length <= 2 && digitsOf(group).length <= 2;
    if (group.joinedBy === 'comma' && !pairs) {
      result.push(chain);
      chain = [];
    }
    chain.push(group);
    previous = group;
  }
  result.push(chain);
  return result.filter((c) => c.some((g) => g.strong));
}

const CLOCK_CUES: Record<SpokenNumbersLanguage, RegExp> = { es: /(?:^|\s)las\s+$/i, en: /(?:^|\s)at\s+$/i };

/** "a las diez treinta" / "at ten thirty": hour and minutes, written "10:30" rather than joined into "1030". */
function isClockTime(chain: readonly Group[], before: string, language: SpokenNumbersLanguage): boolean {
  const [hour, minutes] = chain;
  if (chain.length !== 2 || hour?.fixed !== null || minutes?.fixed !== null) return false;
  const [h, m] = [hour.high + hour.low, minutes.high + minutes.low];
  return h >= 1 && h <= 12 && m >= 10 && m <= 59 && CLOCK_CUES[language].test(before);
}

/**
 * Rewrites the numbers written in words in `text` as digits, leaving every other character as it was.
 *
 * Consecutive numbers are joined, because speech-to-text users dictate extensions, phones and tickets in pieces:
 * "cuatro dos cinco cero cero" and "cuarenta y dos quinientos" → "42500"; numbers said in pairs and separated by
 * commas are joined too ("cincuenta y cinco, doce, …" → "5512…"), except an hour and its minutes after "las"/"at"
 * ("a las diez treinta" → "a las 10:30"). Articles ("un", "una") never become digits
 * except as the last word of a compound ("treinta y un"), and weak words ("uno", "mil", "ciento", "one",
 * "oh", "thousand") only become digits next to another number word: "uno de ellos", "mil gracias", "por ciento" stay.
 *
 * @param text - raw text (any case, with or without accents)
 * @param language - `es` or `en` vocabulary
 * @returns the text with the numbers in digits
 */
export function spokenNumbersToDigits(text: string, language: SpokenNumbersLanguage): string {
  const tokens = tokenize(text, LEXICONS[language]);
  if (!tokens.some((t) => t.lexeme !== undefined)) return text;
  let out = '';
  let cursor = 0;
  for (const sequence of readGroups(tokens, language)) {
    for (const chain of chains(sequence)) {
      const first = chain[0];
      const last = chain[chain.length - 1];
      if (first === undefined || last === undefined) continue;
      const before = text.slice(cursor, first.start);
      out += before + (isClockTime(chain, before, language) ? chain.map(digitsOf).join(':') : chain.map(digitsOf).join(''));
      cursor = last.end;
    }
  }
  return out + text.slice(cursor);
}
