/**
 * Entities of one utterance for the attention script and the switchboard: extensions, phones, emails, dates and
 * times, ticket numbers. Spoken forms are read first (numbers in words → digits, "juan punto perez arroba ipn punto
 * mx" → an address), then each kind is taken out of the text in turn (emails, tickets, phones, extensions, dates),
 * so that the digits of one entity are never read again as another.
 *
 * `@microsoft/recognizers-text-suite` finds emails, phone numbers and dates/times. It is loaded on first use (about
 * 0.3 s) and builds each language's models on its first call (about 1 s for Spanish dates); the suite keeps the built
 * models in its own static cache, so later calls reuse them. Its date parser takes 1–20 ms per call, so it only runs
 * when a cheap regular expression finds a date or time word.
 */
import { createRequire } from 'node:module';
import { spokenNumbersToDigits } from './spoken-numbers';

/** Language of the utterance. */
export type EntityLanguage = 'es' | 'en';

/** A date, time, range or duration, resolved against the clock and zone given to {@link extractEntities}. */
export interface DateTimeEntity {
  /** The words that expressed it (numbers already in digits). */
  text: string;
  type: 'date' | 'time' | 'datetime' | 'daterange' | 'timerange' | 'datetimerange' | 'duration';
  /** ISO 8601 with the zone's offset (`2026-11-21T10:00:00-06:00`); dates start at 00:00; durations start now. */
  start: string;
  /** End of ranges; absent for points and open ranges ("desde ayer"); for durations, now plus the duration. */
  end?: string;
}

/** Everything found in one utterance; each list without repeats, in order of appearance. */
export interface Entities {
  /** Internal extensions, 3–6 digits ("42500"). */
  extensions: string[];
  /** Mexican numbers as 10 national digits ("5512345678"); prefixes +52, 52, 521, 044, 045, 01 are removed. */
  phones: string[];
  /** Lower-case addresses. */
  emails: string[];
  datetimes: DateTimeEntity[];
  /** `PREFIX-YYYY-NNNNNN` ("CAU-2026-000123"). */
  tickets: string[];
}

/** Options of {@link extractEntities}. */
export interface ExtractEntitiesOptions {
  language: EntityLanguage;
  /** Reference instant for relative dates ("mañana"). */
  now: Date;
  /** IANA zone of the help desk (the product uses `America/Mexico_City`). */
  timeZone: string;
  /** Ticket prefix, default `CAU`. */
  ticketPrefix?: string;
}

interface RecognizersSuite {
  recognizeEmail(query: string, culture: string): unknown;
  recognizePhoneNumber(query: string, culture: string): unknown;
  recognizeDateTime(query: string, culture: string, options: number, referenceDate: Date): unknown;
  Culture: { Spanish: string; English: string };
}
interface Span { text: string; start: number; resolution: Record<string, unknown> }

const load = createRequire(__filename);
let loadedSuite: RecognizersSuite | undefined; // the library, loaded once per process; holds no request state

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null;

function isSuite(value: unknown): value is RecognizersSuite {
  const cultures: unknown = isRecord(value) ? value.Culture : undefined; // a class with static culture names
  return isRecord(value) && typeof cultures === 'function' &&
    ['recognizeEmail', 'recognizePhoneNumber', 'recognizeDateTime'].every((k) => typeof value[k] === 'function') &&
    ['Spanish', 'English'].every((k) => typeof Reflect.get(cultures, k) === 'string');
}

/** The suite and the culture name of `language` (Culture.Spanish / Culture.English). */
function suite(language: EntityLanguage): [RecognizersSuite, string] {
  if (loadedSuite === undefined) {
    const loaded: unknown = load('@microsoft/recognizers-text-suite');
    if (!isSuite(loaded)) throw new Error('nlu/recognizers_unavailable: @microsoft/recognizers-text-suite API changed');
    loadedSuite = loaded;
  }
  return [loadedSuite, language === 'es' ? loadedSuite.Culture.Spanish : loadedSuite.Culture.English];
}

/** Recognizer results with a checked shape (their `end` is the last character; only `start` and `text` are used). */
function spans(results: unknown): Span[] {
  const list: unknown[] = Array.isArray(results) ? results : [];
  return list.filter((r): r is Span => isRecord(r) && typeof r.text === 'string' && typeof r.start === 'number' &&
    isRecord(r.resolution));
}

const str = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);

/** Loads the recognizers and builds the models of `language` (about 1 s) before the first user needs them. */
export function warmUpEntityRecognizers(language: EntityLanguage): void {
  const probe = language === 'es' ? 'mañana a las 10, juan@ipn.mx, 55 1234 5678' : 'tomorrow at 10, john@ipn.mx';
  extractEntities(probe, { language, now: new Date(), timeZone: 'UTC' });
}

const MINUTE = 60_000;
const DAY = 86_400_000;
const formatters = new Map<string, Intl.DateTimeFormat>(); // cache of immutable formatters, one per zone

/** [year, month, day, hour, minute, second] of `date` on the wall clock of `timeZone`. */
function wallClock(date: Date, timeZone: string): number[] {
  let format = formatters.get(timeZone);
  if (format === undefined) {
    format = new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', year: 'numeric', month: 'numeric',
      day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric' });
    formatters.set(timeZone, format);
  }
  const parts = format.formatToParts(date);
  return ['year', 'month', 'day', 'hour', 'minute', 'second'].map((t) => Number(parts.find((p) => p.type === t)?.value));
}

function offsetMinutes(utc: number, timeZone: string): number {
  const [y = 0, mo = 1, d = 1, h = 0, mi = 0, s = 0] = wallClock(new Date(utc), timeZone);
  return Math.round((Date.UTC(y, mo - 1, d, h, mi, s) - utc) / MINUTE);
}

/** The instant at which the wall clock of `timeZone` shows `wall` (a `Date.UTC` of the wall-clock fields). */
function wallToUtc(wall: number, timeZone: string): number {
  const guess = wall - offsetMinutes(wall, timeZone) * MINUTE;
  return wall - offsetMinutes(guess, timeZone) * MINUTE;
}

function isoInZone(utc: number, timeZone: string): string {
  const offset = offsetMinutes(utc, timeZone);
  const abs = Math.abs(offset);
  const hhmm = `${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
  return `${new Date(utc + offset * MINUTE).toISOString().slice(0, 19)}${offset < 0 ? '-' : '+'}${hhmm}`;
}

type DateTimeType = DateTimeEntity['type'];
const DATE_TIME_TYPES: readonly DateTimeType[] = ['date', 'time', 'datetime', 'daterange', 'timerange', 'datetimerange', 'duration'];
const WALL = /^(?:(\d{4})-(\d{2})-(\d{2}))?[ T]?(?:(\d{2}):(\d{2}):(\d{2}))?$/;

const DATE_WORDS: Record<EntityLanguage, string> = {
  es: 'hoy|ma[ñn]ana|pasado|ayer|lunes|martes|mi[eé]rcoles|jueves|viernes|s[aá]bado|domingo|enero|febrero|marzo|' +
    'abril|mayo|junio|julio|agosto|sep?tiembre|octubre|noviembre|diciembre|semanas?|mes(?:es)?|a[ñn]os?|horas?|' +
    'minutos?|mediod[ií]a|medianoche|tardes?|noches?|madrugada|pr[oó]xim[oa]|siguiente|d[ií]as?|quincena|la una|las? \\d+',
  en: 'today|tomorrow|tonight|yesterday|(?:mon|tues|wednes|thurs|fri|satur|sun)day|january|february|march|april|may|' +
    "june|july|august|september|october|november|december|weeks?|months?|years?|hours?|minutes?|noon|midnight|" +
    "morning|afternoon|evening|night|next|days?|at \\d+|o'clock",
};
/** Cheap pre-check: the date recognizer (1–20 ms) only runs when one of these words or forms is present. */
const dateCue = (words: string): RegExp => new RegExp(`(?<![\\p{L}\\d])(?:${words}|[ap]\\.? ?m\\.?)(?!\\p{L})|\\d:\\d\\d|\\d/\\d`, 'iu');
const DATE_CUES: Record<EntityLanguage, RegExp> = { es: dateCue(DATE_WORDS.es), en: dateCue(DATE_WORDS.en) };
/** Greetings name a part of the day without meaning a date ("buenas tardes"). */
const GREETINGS: Record<EntityLanguage, RegExp> = {
  es: /(?<!\p{L})buen(?:os|as|a|)\s+(?:d[ií]as?|tardes?|noches?)(?!\p{L})/giu,
  en: /(?<!\p{L})good\s+(?:morning|afternoon|evening|night|day)(?!\p{L})/giu,
};

interface Clock { now: Date; timeZone: string; today: string }

/** A recognizer wall-clock value ("2026-11-21 10:00:00", "2026-11-21", "10:00:00") as an instant. */
function toUtc(value: string | undefined, clock: Clock): number | undefined {
  const m = value === undefined ? null : WALL.exec(value.length === 8 ? `${clock.today} ${value}` : value);
  if (m === null || m[1] === undefined) return undefined;
  const [y, mo, d, h = 0, mi = 0, s = 0] = m.slice(1).map((part) => Number(part ?? 0));
  return wallToUtc(Date.UTC(y ?? 0, (mo ?? 1) - 1, d ?? 1, h, mi, s), clock.timeZone);
}

/** One value of a recognizer result → [start, end?] instants. */
function resolveValue(type: DateTimeType, value: Record<string, unknown>, clock: Clock): [number, number?] | undefined {
  if (type === 'duration') {
    const seconds = Number(value.value);
    return Number.isFinite(seconds) ? [clock.now.getTime(), clock.now.getTime() + seconds * 1000] : undefined;
  }
  const point = toUtc(str(value.value), clock);
  if (point !== undefined) return [point];
  const [start, end, now] = [toUtc(str(value.start), clock), toUtc(str(value.end), clock), clock.now.getTime()];
  // Open ranges: "desde ayer" has only a start; "antes de las 12" runs from now, or is a past moment.
  if (start === undefined) return end === undefined ? undefined : end >= now ? [now, end] : [end];
  if (end !== undefined && end < start && type === 'timerange') return [start, end + DAY]; // "de 10 pm a 2 am"
  return [start, end];
}

function dateTimeEntity(span: Span, clock: Clock): DateTimeEntity | undefined {
  const values = Array.isArray(span.resolution.values) ? span.resolution.values.filter(isRecord) : [];
  const kind = DATE_TIME_TYPES.find((t) => t === values[0]?.type);
  if (kind === undefined || (/^\d+$/.test(span.text) && kind !== 'time')) return undefined; // bare numbers: years, amounts
  const options = values.map((v) => resolveValue(kind, v, clock)).filter((v) => v !== undefined);
  // Several readings ("el lunes": last or next; "a las 10": 10:00 or 22:00): the first one not yet over, else the first.
  // A help desk talks about working hours: between a morning and a night reading, the daytime one wins, and a
  // time of day already past today ("a las 10" said at 15:00) means tomorrow.
  const over = ([start, end]: [number, number?]): boolean => (end ?? start + (kind === 'date' ? DAY : 0)) < clock.now.getTime();
  const daytime = options.filter(([start]) => {
    const hour = wallClock(new Date(start), clock.timeZone)[3] ?? 0;
    return hour >= 7 && hour < 21;
  });
  const timed = kind === 'time' || kind === 'datetime';
  const pool = timed && daytime.length > 0 && daytime.length < options.length ? daytime : options;
  let chosen = pool.find((o) => !over(o));
  if (chosen === undefined && kind === 'time' && pool[0] !== undefined && pool !== options) chosen = [pool[0][0] + DAY];
  chosen ??= options[0];
  if (chosen === undefined) return undefined;
  const entity: DateTimeEntity = { text: span.text, type: kind, start: isoInZone(chosen[0], clock.timeZone) };
  if (chosen[1] !== undefined) entity.end = isoInZone(chosen[1], clock.timeZone);
  return entity;
}

function findDateTimes(input: string, options: ExtractEntitiesOptions): DateTimeEntity[] {
  const text = input.replace(GREETINGS[options.language], (greeting) => ' '.repeat(greeting.length));
  if (!DATE_CUES[options.language].test(text)) return [];
  const { now, timeZone } = options;
  const [y = 0, mo = 1, d = 1, h = 0, mi = 0, s = 0] = wallClock(now, timeZone);
  // The recognizer reads the reference date's local fields: give it the help desk's wall clock, whatever the host's zone.
  const reference = new Date(y, mo - 1, d, h, mi, s);
  const clock: Clock = { now, timeZone, today: `${y}-${String(mo).padStart(2, '0')}-${String(d).padStart(2, '0')}` };
  const [recognizers, culture] = suite(options.language);
  const results = spans(recognizers.recognizeDateTime(text, culture, 0, reference));
  return results.map((span) => dateTimeEntity(span, clock)).filter((e) => e !== undefined);
}

interface SpokenEmail { pattern: RegExp; separators: ReadonlyArray<readonly [RegExp, string]> }

/** Address pattern where the separators may be said as words; each argument is a regex alternation. */
function spokenEmail(at: string, dot: string, dash: string, underscore: string): SpokenEmail {
  const word = '[\\p{L}\\p{N}_%+-]+';
  const local = `${word}(?:(?:\\.|\\s+(?:${dot}|${underscore}|${dash})\\s+)${word})*`;
  const domain = `${word}(?:(?:\\.|\\s+(?:${dot}|${dash})\\s+)${word})*(?:\\.|\\s+(?:${dot})\\s+)${word}`;
  const spaced = (words: string): RegExp => new RegExp(`\\s+(?:${words})\\s+`, 'giu');
  return {
    pattern: new RegExp(`${local}\\s*(?:@|\\s(?:${at})\\s)\\s*${domain}`, 'giu'),
    separators: [[spaced(underscore), '_'], [spaced(dash), '-'], [spaced(dot), '.'], [new RegExp(`\\s*(?:@|\\s(?:${at})\\s)\\s*`, 'giu'), '@']],
  };
}

const SPOKEN_EMAIL: Record<EntityLanguage, SpokenEmail> = {
  es: spokenEmail('arroba', 'punto', 'gui[oó]n|menos', 'gui[oó]n\\s+bajo'),
  en: spokenEmail('at', 'dot', 'dash|hyphen', 'underscore'),
};

/** "juan punto perez arroba ipn punto mx" → "juan.perez@ipn.mx" (written addresses pass through unchanged). */
function writeSpokenEmails(text: string, language: EntityLanguage): string {
  const { pattern, separators } = SPOKEN_EMAIL[language];
  if (!/@|arroba|\sat\s/i.test(text)) return text;
  return text.replace(pattern, (spoken) =>
    separators.reduce((out, [sep, char]) => out.replace(sep, char), spoken).normalize('NFD').replace(/[\u0300-\u036f]/g, ''));
}

const ticketPatterns = new Map<string, RegExp>(); // compiled once per prefix
const TICKET_KEYWORDS = /\b(?:ticket|folio|reporte|caso|report|case)(?:\s+(?:n[uú]mero|number|no\.?|es|is|de|el|#))*\s*[:#]?\s*(20\d\d)[\s-]*(\d{1,6})(?!\d)/giu;

function ticketPattern(prefix: string): RegExp {
  let pattern = ticketPatterns.get(prefix);
  if (pattern === undefined) {
    const letters = [...prefix].map((c) => c.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('[\\s.]*');
    pattern = new RegExp(`(?<![\\p{L}\\d])${letters}\\.?[\\s:#-]*(\\d{4})[\\s-]*(\\d{1,6})(?!\\d)`, 'giu');
    ticketPatterns.set(prefix, pattern);
  }
  return pattern;
}

const PHONE_FALLBACK = /(?<![\d+])(?:\+?52[\s.-]?)?\(?\d{2,3}\)?[\s.-]?\d{3,4}[\s.-]?\d{4}(?!\d)/g;

/** 10 national digits, without +52, 52, 521, 044, 045 or 01; undefined when it is not a Mexican number. */
function normalizePhone(raw: string): string | undefined {
  let digits = raw.replace(/\D/g, '');
  if (digits.length === 13 && /^(?:521|044|045)/.test(digits)) digits = digits.slice(3);
  else if (digits.length === 12 && /^(?:52|01)/.test(digits)) digits = digits.slice(2);
  return /^[2-9]\d{9}$/.test(digits) ? digits : undefined;
}

const EXTENSION_CUES: Record<EntityLanguage, RegExp> = {
  es: /(?:\bextensi[oó]n(?:es)?|\bext\b\.?)[^\d\n]{0,24}?(\d{3,6})(?!\d)|\b(?:la|al)\s+(\d{3,6})(?![\d:])/giu,
  en: /\bext(?:ension)?s?\b\.?[^\d\n]{0,24}?(\d{3,6})(?!\d)|\bx\s?(\d{3,6})(?!\d)/giu,
};
/** Without a cue only IPN-style 5-digit numbers count: 3–4 digits are too often hours, years or amounts. */
const BARE_EXTENSION = /(?<![\d:/.,-])\d{5}(?![\d:/])/g;

interface Found { index: number; value: string }

/** Blanks `[start, end)` so that later patterns do not read those characters again (offsets stay the same). */
function blank(text: string, start: number, end: number): string {
  return text.slice(0, start) + ' '.repeat(end - start) + text.slice(end);
}

function unique(found: Found[]): string[] {
  return [...new Set(found.sort((a, b) => a.index - b.index).map((f) => f.value))];
}

/**
 * Extracts extensions, phones, emails, dates/times and ticket numbers from one utterance, written or transcribed
 * from speech ("mi extensión es cuarenta y dos quinientos" → extension `42500`).
 *
 * Dates are resolved against `now` on the wall clock of `timeZone`, whatever the host's zone; when the recognizer
 * offers several readings ("el lunes", "a las 10" → 10:00 or 22:00) the first one that is not over yet wins.
 *
 * @throws Error `nlu/recognizers_unavailable` when the installed recognizers-text-suite does not have the expected API.
 */
export function extractEntities(text: string, options: ExtractEntitiesOptions): Entities {
  const { language } = options;
  const prefix = (options.ticketPrefix ?? 'CAU').toUpperCase();
  let rest = writeSpokenEmails(spokenNumbersToDigits(text, language), language);

  const emails: Found[] = [];
  if (rest.includes('@')) {
    const [recognizers, culture] = suite(language);
    for (const span of spans(recognizers.recognizeEmail(rest, culture))) {
      emails.push({ index: span.start, value: span.text.toLowerCase() });
      rest = blank(rest, span.start, span.start + span.text.length);
    }
  }

  const tickets: Found[] = [];
  for (const pattern of [ticketPattern(prefix), TICKET_KEYWORDS]) {
    for (const m of rest.matchAll(pattern)) {
      tickets.push({ index: m.index, value: `${prefix}-${m[1] ?? ''}-${(m[2] ?? '').padStart(6, '0')}` });
      rest = blank(rest, m.index, m.index + m[0].length);
    }
  }

  const phones: Found[] = [];
  if ((rest.match(/\d/g)?.length ?? 0) >= 10) {
    const [recognizers, culture] = suite(language);
    const candidates = spans(recognizers.recognizePhoneNumber(rest, culture)); // then the formats it misses (55.1234.5678)
    for (const m of rest.matchAll(PHONE_FALLBACK)) candidates.push({ text: m[0], start: m.index, resolution: {} });
    for (const { text: raw, start } of candidates) {
      const phone = normalizePhone(raw);
      if (phone === undefined || rest.slice(start, start + raw.length) !== raw) continue; // not Mexican, or taken
      phones.push({ index: start, value: phone });
      rest = blank(rest, start, start + raw.length);
    }
  }

  const extensions: Found[] = [];
  for (const m of rest.matchAll(EXTENSION_CUES[language])) {
    const digits = m[1] ?? m[2] ?? '';
    extensions.push({ index: m.index + m[0].length - digits.length, value: digits });
  }
  for (const m of rest.matchAll(BARE_EXTENSION)) extensions.push({ index: m.index, value: m[0] });
  for (const e of extensions) rest = blank(rest, e.index, e.index + e.value.length);

  const datetimes = new Map<string, DateTimeEntity>();
  for (const d of findDateTimes(rest, options)) {
    const key = `${d.type} ${d.start} ${d.end ?? ''}`;
    if (!datetimes.has(key)) datetimes.set(key, d);
  }
  return { extensions: unique(extensions), phones: unique(phones), emails: unique(emails), datetimes: [...datetimes.values()], tickets: unique(tickets) };
}
