/**
 * A requester's full name, from the answer to «¿Me permite su nombre completo?» or from a sentence that introduces it
 * ("me llamo Juan Pérez López", "soy la maestra Ana María Gómez de la ESIME", "mi nombre es …"). The name is given
 * back properly capitalised, accents kept, particles in lower case ("María de la Luz Hernández").
 */
import { COMMON_WORDS, GENERIC_WORDS, STOPWORDS, foldCase } from './text';
import { unitDecision, type UnitMatcher } from './unit-matcher';

/** A name, or why the answer is not one (the dialog asks again: «¿Me da su nombre y apellido?»). */
export type FullNameResult = { name: string } | { problem: 'single_word' | 'not_a_name' };

/** A name found in a sentence, with its place in the text (end exclusive). */
export interface NameSpan {
  name: string;
  start: number;
  end: number;
  /** Number of words of the name, particles aside: below 2 it is not a full name. */
  words: number;
}

/** Options of {@link parseFullName} and {@link findName}. */
export interface NameOptions {
  /** Lets the parser stop before a unit ("Juan Pérez de la ESCOM" → "Juan Pérez"). */
  units?: UnitMatcher;
  /**
   * The name was asked for: the whole answer may be the name, and "soy …" introduces one even in lower case.
   * Without it, only "me llamo …", "mi nombre es …", "habla …" or "soy" followed by capitalised words count.
   */
  expected?: boolean;
}

interface Token {
  raw: string;
  folded: string;
  start: number;
  end: number;
  /** A word (letters, inner hyphens or apostrophes, maybe a final dot); otherwise a digit or punctuation. */
  word: boolean;
  dot: boolean;
}

const TOKEN = /[\p{L}\p{M}]+(?:['’-][\p{L}\p{M}]+)*\.?|[^\s\p{L}\p{M}]/gu;
const PARTICLES = new Set(['de', 'del', 'la', 'las', 'los', 'da', 'van', 'von', 'di']);
const LOWER_PARTICLES = new Set([...PARTICLES, 'y', 'e']);
const TITLES = new Set(`maestro maestra mtro mtra profesor profesora profe prof profa doctor doctora dr dra ingeniero
  ingeniera ing licenciado licenciada lic arquitecto arquitecta arq contador contadora cp senor senora senorita sr sra
  srita don dona c p`.split(/\s+/));
const FILLERS = new Set(`hola buenos buenas buen dia dias tardes noches si claro ok okay este mire pues bueno ver a
  perdon disculpe gusto mucho con`.split(/\s+/));
/** Words that introduce a name; `soy` only with capitals or when the name was asked for. */
const INTRODUCTIONS: ReadonlyArray<readonly string[]> = [
  ['me', 'llamo'], ['mi', 'nombre', 'completo', 'es'], ['mi', 'nombre', 'es'], ['mi', 'nombre'], ['nombre', 'completo'],
  ['nombre'], ['le', 'habla'], ['les', 'habla'], ['te', 'habla'], ['habla'], ['le', 'saluda'], ['a', 'nombre', 'de'],
  ['soy'],
];
/** Words that are never part of a name, beyond everyday words: roles, paperwork, channels. */
const NOT_NAME = new Set(`paae docente docentes estudiante alumno alumna administrativo administrativa investigador
  investigadora egresado egresada externo externa extension correo telefono celular numero ext tel cel email mail
  arroba punto guion whatsapp semestre servicio social usuario`.split(/\s+/));

function tokens(text: string): Token[] {
  const out: Token[] = [];
  for (const m of text.matchAll(TOKEN)) {
    const raw = m[0];
    const word = /^[\p{L}\p{M}]/u.test(raw);
    const dot = word && raw.endsWith('.');
    const bare = dot ? raw.slice(0, -1) : raw;
    out.push({ raw: bare, folded: foldCase(bare), start: m.index, end: m.index + bare.length, word, dot });
  }
  return out;
}

/** "JUAN pérez" → "Juan Pérez"; particles in lower case except first; hyphenated parts each capitalised. */
function capitalise(words: readonly string[]): string {
  return words.map((w, i) => {
    const lower = w.toLocaleLowerCase('es-MX');
    if (i > 0 && LOWER_PARTICLES.has(foldCase(lower))) return lower;
    return lower.replace(/(^|[-'’])(\p{L})/gu, (_m, sep: string, c: string) => sep + c.toLocaleUpperCase('es-MX'));
  }).join(' ');
}

const isCapitalised = (raw: string): boolean => /^\p{Lu}/u.test(raw);

function isNameWord(token: Token): boolean {
  const { folded } = token;
  if (folded === 'ma' || (folded.length === 1 && token.dot)) return true; // "Ma. Guadalupe", "Juan J. Pérez"
  return folded.length >= 2 && !COMMON_WORDS.has(folded) && !STOPWORDS.has(folded) && !NOT_NAME.has(folded) &&
    !GENERIC_WORDS.has(folded) && !TITLES.has(folded) && /^[a-zñ'’-]+$/.test(folded);
}

/** The unit named from `from` on ("de la ESCOM"), taken without asking: the name stops before it. */
function unitAhead(text: string, from: number, units: UnitMatcher | undefined): boolean {
  const match = units?.match(text.slice(from));
  return match !== undefined && match !== null && unitDecision(match) === 'accept';
}

/** Reads name words from token `i` on; returns the name words and the last token used. */
function readName(text: string, list: readonly Token[], i: number, units: UnitMatcher | undefined): { words: Token[]; count: number } {
  const words: Token[] = [];
  let pending: Token[] = [];
  let count = 0;
  for (let k = i; k < list.length && count < 7; k += 1) {
    const token = list[k] as Token;
    if (!token.word) break;
    if (PARTICLES.has(token.folded) && count > 0) {
      if (pending.length === 0 && unitAhead(text, token.start, units)) break;
      pending.push(token);
      continue;
    }
    if (!isNameWord(token)) break;
    const acronym = token.raw.length >= 3 && token.raw === token.raw.toUpperCase();
    if (acronym && count >= 2 && unitAhead(text, token.start, units)) break;
    words.push(...pending, token);
    pending = [];
    count += 1;
    if (token.dot && token.folded !== 'ma' && token.folded.length > 1) break; // end of sentence
  }
  return { words, count };
}

function span(words: readonly Token[], count: number): NameSpan | undefined {
  const first = words[0];
  const last = words[words.length - 1];
  if (first === undefined || last === undefined) return undefined;
  const name = capitalise(words.map((w) => (w.folded === 'ma' ? 'Ma.' : w.dot && w.folded.length === 1 ? `${w.raw}.` : w.raw)));
  return { name, start: first.start, end: last.end + (last.dot ? 1 : 0), words: count };
}

function startsWith(list: readonly Token[], at: number, words: readonly string[]): boolean {
  return words.every((w, k) => list[at + k]?.word === true && list[at + k]?.folded === w);
}

/** Skips "la maestra", "el ingeniero", "Dra." after an introduction. */
function skipTitles(list: readonly Token[], i: number): number {
  let k = i;
  while (k < list.length) {
    const folded = list[k]?.folded ?? '';
    const next = list[k + 1]?.folded ?? '';
    if (TITLES.has(folded)) k += 1;
    else if ((folded === 'el' || folded === 'la') && TITLES.has(next)) k += 2;
    else break;
  }
  return k;
}

/**
 * The name introduced in `text` ("me llamo …", "soy <Nombre Apellido>", "mi nombre es …"), or, when the name was
 * asked for, the words the answer starts with. Returns its span so other parsers can leave it out.
 */
export function findName(text: string, options: NameOptions = {}): NameSpan | undefined {
  const list = tokens(text);
  let best: NameSpan | undefined;
  for (let i = 0; i < list.length; i += 1) {
    const intro = INTRODUCTIONS.find((words) => startsWith(list, i, words));
    if (intro === undefined) continue;
    const from = skipTitles(list, i + intro.length);
    const first = list[from];
    if (first === undefined) continue;
    // "soy docente" / "soy de la ESCOM" are not names; "Soy Juan Pérez" is. Lower case counts only when asked.
    if (intro[0] === 'soy' && !options.expected && !isCapitalised(first.raw)) continue;
    const { words, count } = readName(text, list, from, options.units);
    const found = span(words, count);
    if (found !== undefined && (best === undefined || found.words > best.words)) best = found;
    if (best !== undefined && best.words >= 2) return best;
  }
  if (!options.expected || best !== undefined) return best;
  let from = 0;
  while (from < list.length && (!list[from]?.word || FILLERS.has(list[from]?.folded ?? ''))) from += 1;
  const { words, count } = readName(text, list, skipTitles(list, from), options.units);
  return span(words, count);
}

/**
 * Parses the answer to «¿Me permite su nombre completo?».
 *
 * @returns `{name}` properly capitalised, or `{problem: 'single_word'}` ("Juan") or `{problem: 'not_a_name'}`
 *   ("no sé", "para qué", an email, digits)
 */
export function parseFullName(text: string, options: Omit<NameOptions, 'expected'> = {}): FullNameResult {
  const found = findName(text, { ...options, expected: true });
  if (found !== undefined && found.words >= 2) return { name: found.name };
  if (found !== undefined && found.words === 1 && !/[\d@]/.test(text)) return { problem: 'single_word' };
  return { problem: 'not_a_name' };
}
