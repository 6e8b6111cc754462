/**
 * When to call someone back, from what they said («mañana a las diez», «en media hora», «el lunes temprano», «lo
 * antes posible»), on the wall clock of the desk's zone. Dates and times are read by the project's entity extractor
 * (services/nlu/entities.ts, @microsoft/recognizers-text-suite in Spanish); this module adds what callers say that
 * the recognizer does not read (half hours, «temprano», «después de la comida», «al rato», «lo antes posible») and
 * keeps the result inside the business hours: a time when the desk is closed moves to the next opening, and the
 * sentence returned says so.
 */
import type { BusinessHours } from '../handoff/business-hours';
import { extractEntities, type DateTimeEntity } from '../nlu/entities';

/** What is needed of the desk's business hours (services/handoff/business-hours.ts `BusinessHours`). */
export type DeskHours = Pick<BusinessHours, 'isOpen' | 'nextOpening'>;

export interface CallbackTimeOptions {
  /** IANA zone of the desk (`TZ`, America/Mexico_City). */
  timeZone: string;
  /** The desk's business hours; absent = any time. */
  schedule?: DeskHours | null;
}

export interface CallbackTime {
  /** The instant to place the call (never before `now`, rounded up to the minute). */
  at: Date;
  /** A sentence for the person: «Le llamaremos mañana miércoles 11 de marzo a las 10 de la mañana.» */
  spoken: string;
  /** Just the moment in words: «mañana miércoles 11 de marzo a las 10 de la mañana», «en unos minutos». */
  when: string;
  /** They asked for as soon as possible (no time given). */
  asap: boolean;
  /** The desk is closed at the time they asked: moved to the next opening. */
  moved: boolean;
}

const MINUTE = 60_000;
const DAY = 86_400_000;
/** Hour used for a day without a time («el jueves») when the desk is always open. */
const DEFAULT_HOUR = 9;
/** «después de la comida»: lunch is at 14–15 h in Mexico. */
const AFTER_LUNCH_HOUR = 16;
/** «al rato», «más tarde»: an hour from now. */
const LATER_MINUTES = 60;

const fold = (text: string) => text.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();

/** Said instead of a time: as soon as possible. */
const ASAP =
  /(?<!\p{L})(?:lo (?:mas )?antes (?:posible|que (?:se )?pued\p{L}+)|cuanto antes|lo mas pronto|a la brevedad|de inmediato|inmediatamente|ahorita|ahora(?: mismo)?|en este momento|ya mismo|en cuanto (?:se )?pued\p{L}+|cuando (?:se )?pued\p{L}+|cuando (?:gusten?|quieran?)|cuando sea|a cualquier hora|urgente|pronto)(?!\p{L})/u;
/** «al rato», «más tarde», «en un rato». */
const LATER = /(?<!\p{L})(?:al rato|en un rat(?:o|ito)|un rat(?:o|ito)|mas tarde|mas al rato|luego)(?!\p{L})/u;
const EARLY = /(?<!\p{L})(?:temprano|tempranito|a primera hora|primera hora)(?!\p{L})/u;
const AFTER_LUNCH = /(?<!\p{L})despues de (?:la )?comida|despues de comer(?!\p{L})/u;
const TODAY = /(?<!\p{L})hoy(?!\p{L})/u;

/** Phrases the recognizer misses, rewritten (on the lower-case text, accents optional) into ones it reads. */
const REWRITES: ReadonlyArray<readonly [RegExp, string]> = [
  // Typed without «ñ» (SMS): the recognizer only knows «mañana».
  [/(?<!\p{L})manana(?!\p{L})/gu, 'mañana'],
  [/(?<!\p{L})(?:(?:en|dentro de) )?(?:una |1 )?hora y media(?!\p{L})/gu, 'en 90 minutos'],
  [/(?<!\p{L})(?:(?:en|dentro de) )?(?:una |1 )?media hora(?!\p{L})/gu, 'en 30 minutos'],
  [/(?<!\p{L})(?:(?:en|dentro de) )?(?:un )?cuarto de hora(?!\p{L})/gu, 'en 15 minutos'],
  [/(?<!\p{L})(?:(?:en|dentro de) )?tres cuartos de hora(?!\p{L})/gu, 'en 45 minutos'],
  [/(?<!\p{L})medio d[ií]a(?!\p{L})/gu, 'mediodía'],
  // «ahorita no, mejor…»: the refusal must not read as «now».
  [/(?<!\p{L})(?:ahorita|ahora) no(?!\p{L})/gu, ' '],
];

// ----------------------------------------------------------------------------------------------- wall clock

const formatters = new Map<string, Intl.DateTimeFormat>(); // immutable formatters, one per zone

interface Wall {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  weekday: number;
}

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (f === undefined) {
    f = new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric' });
    formatters.set(timeZone, f);
  }
  return f;
}

function wallMs(t: number, timeZone: string): number {
  const p: Record<string, number> = {};
  for (const part of formatter(timeZone).formatToParts(new Date(t))) p[part.type] = Number(part.value);
  return Date.UTC(p.year ?? 0, (p.month ?? 1) - 1, p.day ?? 1, p.hour ?? 0, p.minute ?? 0, p.second ?? 0);
}

function wall(at: Date, timeZone: string): Wall {
  const d = new Date(wallMs(at.getTime(), timeZone));
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate(), hour: d.getUTCHours(), minute: d.getUTCMinutes(), weekday: d.getUTCDay() };
}

/** The instant at which the wall clock of `timeZone` shows `hour:minute` of the civil day of `day`. */
function atWallTime(day: Date, hour: number, minute: number, timeZone: string): Date {
  const w = wall(day, timeZone);
  const target = Date.UTC(w.year, w.month - 1, w.day, hour, minute);
  const offset = (t: number) => wallMs(t, timeZone) - Math.floor(t / 1000) * 1000;
  const guess = target - offset(target);
  return new Date(target - offset(guess));
}

/** Days between the civil dates of `a` and `b` (b − a). */
function dayDiff(a: Date, b: Date, timeZone: string): number {
  const [x, y] = [wall(a, timeZone), wall(b, timeZone)];
  return Math.round((Date.UTC(y.year, y.month - 1, y.day) - Date.UTC(x.year, x.month - 1, x.day)) / DAY);
}

// ----------------------------------------------------------------------------------------------- words

const DAY_NAME = ['domingo', 'lunes', 'martes', 'miércoles', 'jueves', 'viernes', 'sábado'];
const MONTH_NAME = ['enero', 'febrero', 'marzo', 'abril', 'mayo', 'junio', 'julio', 'agosto', 'septiembre', 'octubre', 'noviembre', 'diciembre'];

/** «a la 1 de la tarde», «a las 10 de la mañana», «a las 4:30 de la tarde», «a las 12 del día». */
export function spokenClock(hour: number, minute: number): string {
  const h12 = hour % 12 === 0 ? 12 : hour % 12;
  // Midnight is «las 12 de la noche» in Mexico; 1–5 a. m. «de la madrugada».
  const part = hour === 0 ? 'de la noche' : hour < 6 ? 'de la madrugada' : hour < 12 ? 'de la mañana' : hour < 13 ? 'del día' : hour < 20 ? 'de la tarde' : 'de la noche';
  const time = minute === 0 ? String(h12) : `${h12}:${String(minute).padStart(2, '0')}`;
  return `${h12 === 1 ? 'a la' : 'a las'} ${time} ${part}`;
}

/**
 * The moment `at` in words as seen from `now` on the desk's wall clock: «hoy a las 4 de la tarde», «mañana
 * miércoles 11 de marzo a las 10 de la mañana», «el lunes 16 de marzo a las 9 de la mañana» (the year when it is
 * not this year's).
 */
export function describeCallbackMoment(at: Date, now: Date, timeZone: string): string {
  const w = wall(at, timeZone);
  const clock = spokenClock(w.hour, w.minute);
  const days = dayDiff(now, at, timeZone);
  const date = `${DAY_NAME[w.weekday]} ${w.day} de ${MONTH_NAME[w.month - 1]}${w.year === wall(now, timeZone).year ? '' : ` de ${w.year}`}`;
  if (days === 0) return `hoy ${clock}`;
  if (days === 1) return `mañana ${date} ${clock}`;
  return `el ${date} ${clock}`;
}

// ----------------------------------------------------------------------------------------------- parsing

/** The first instant ≥ `at` when the desk attends (`at` itself when open or always open). */
function openAt(at: Date, schedule: DeskHours | null | undefined): Date {
  return schedule?.nextOpening(at) ?? at;
}

const ceilMinute = (t: number) => new Date(Math.ceil(t / MINUTE) * MINUTE);

/** What one recognized date/time asks for: an instant, or a whole day (the desk's opening that day). */
type Asked = { at: Date; day: false } | { at: Date; day: true };

/** The moment asked for by one recognized date/time, before business hours are applied; null when it is over. */
function askedBy(entity: DateTimeEntity, text: string, now: Date, timeZone: string): Asked | null {
  const start = new Date(entity.start);
  const end = entity.end === undefined ? undefined : new Date(entity.end);
  let at: Date;
  switch (entity.type) {
    case 'duration':
      at = end ?? start;
      break;
    case 'date':
    case 'daterange': {
      const days = dayDiff(now, start, timeZone);
      if (days < 0) return null; // «ayer»
      // «después de la comida» at 16 h; otherwise the whole day (early or not: when the desk opens).
      if (!AFTER_LUNCH.test(text)) return { at: days === 0 ? now : start, day: true };
      at = atWallTime(start, AFTER_LUNCH_HOUR, 0, timeZone);
      break;
    }
    case 'timerange':
    case 'datetimerange':
      // «en la tarde» said in the afternoon: from now; «temprano»: the range's start.
      at = end !== undefined && start <= now && now < end && !EARLY.test(text) ? now : start;
      break;
    default:
      at = start;
  }
  if (at.getTime() >= now.getTime() - MINUTE) return { at: at < now ? now : at, day: false };
  // A part of the day already over today («en la mañana» said at 15 h) means the next one, unless they said «hoy».
  const relative = entity.type === 'time' || entity.type === 'timerange' || entity.type === 'datetimerange';
  if (relative && !TODAY.test(text) && at.getTime() + DAY > now.getTime()) return { at: new Date(at.getTime() + DAY), day: false };
  return null;
}

const DAYS: ReadonlySet<DateTimeEntity['type']> = new Set(['date', 'daterange', 'datetimerange']);

/**
 * The first date/time said, with a day and a time said apart joined into one («mañana… como a las 11», «el lunes,
 * pero a las 10»): the recognizer returns them as two entities.
 */
function combined(found: DateTimeEntity[], timeZone: string): DateTimeEntity | undefined {
  const [first] = found;
  const day = found.find((e) => DAYS.has(e.type));
  const time = found.find((e) => e.type === 'time');
  if (first === undefined || day === undefined || time === undefined) return first;
  // The ISO strings carry the zone's offset: their digits are the wall clock.
  const [hour = 0, minute = 0] = time.start.slice(11, 16).split(':').map(Number);
  const at = atWallTime(new Date(day.start), hour, minute, timeZone);
  return { text: `${day.text} ${time.text}`, type: 'datetime', start: at.toISOString() };
}

/** Why a time moved: the desk is closed now (asap), at that hour, or all that day (weekend, holiday). */
type Moved = false | 'now' | 'hour' | 'day';

const MOVED_TEXT: Record<Exclude<Moved, false>, string> = {
  now: 'En este momento no estamos atendiendo',
  hour: 'A esa hora no estamos atendiendo',
  day: 'Ese día no estamos atendiendo',
};

function result(at: Date, now: Date, asap: boolean, moved: Moved, timeZone: string): CallbackTime {
  if (asap && moved === false) {
    return { at, spoken: 'Le llamaremos en unos minutos.', when: 'en unos minutos', asap, moved: false };
  }
  const when = describeCallbackMoment(at, now, timeZone);
  const spoken = moved === false ? `Le llamaremos ${when}.` : `${MOVED_TEXT[moved]}; le llamaremos en cuanto abramos, ${when}.`;
  return { at, spoken, when, asap, moved: moved !== false };
}

/** Whether the desk opens at all on the civil day of `at`. */
function opensThatDay(at: Date, schedule: DeskHours, timeZone: string): boolean {
  const opening = schedule.nextOpening(atWallTime(at, 0, 0, timeZone));
  return opening !== null && dayDiff(at, opening, timeZone) === 0;
}

/** As soon as possible: now when the desk is open, else its next opening (a callback without a time). */
export function callbackAsap(now: Date, options: CallbackTimeOptions): CallbackTime {
  const at = ceilMinute(openAt(now, options.schedule).getTime());
  return result(at, now, true, options.schedule && !options.schedule.isOpen(now) ? 'now' : false, options.timeZone);
}

/**
 * When to call back, from the person's words, relative to `now` on the wall clock of `options.timeZone`.
 * «lo antes posible» (and «ahorita», «cuando puedan»…) → now, or the next opening; a time when the desk is closed →
 * the next opening (`moved`, and `spoken` says so); a day without a time → when the desk opens that day.
 * Null when no time is understood or the time is over («ayer», «hoy a las 9» said at noon): ask again.
 */
export function parseCallbackTime(text: string, now: Date, options: CallbackTimeOptions): CallbackTime | null {
  let lower = text.toLowerCase();
  for (const [pattern, replacement] of REWRITES) lower = lower.replace(pattern, replacement);
  const folded = fold(lower);
  const { timeZone, schedule } = options;
  const entity = combined(extractEntities(lower, { language: 'es', now, timeZone }).datetimes, timeZone);
  let asked: Asked | null;
  if (entity !== undefined) {
    asked = askedBy(entity, folded, now, timeZone);
    if (asked === null) return null;
  } else if (AFTER_LUNCH.test(folded)) {
    const today = atWallTime(now, AFTER_LUNCH_HOUR, 0, timeZone);
    asked = { at: today < now ? new Date(today.getTime() + DAY) : today, day: false };
  } else if (LATER.test(folded)) {
    asked = { at: new Date(now.getTime() + LATER_MINUTES * MINUTE), day: false };
  } else if (ASAP.test(folded)) {
    return callbackAsap(now, options);
  } else {
    return null;
  }
  if (asked.day) {
    // A day without a time: when the desk opens that day (from now on, for today), or at 9 h when always open.
    const at = ceilMinute((schedule ? openAt(asked.at, schedule) : asked.at.getTime() === now.getTime() ? now : atWallTime(asked.at, DEFAULT_HOUR, 0, timeZone)).getTime());
    return result(at, now, false, dayDiff(asked.at, at, timeZone) === 0 ? false : 'day', timeZone);
  }
  const rounded = ceilMinute(asked.at.getTime());
  const open = ceilMinute(openAt(rounded, schedule).getTime());
  const moved: Moved = !schedule || open.getTime() === rounded.getTime() ? false : opensThatDay(rounded, schedule, timeZone) ? 'hour' : 'day';
  return result(open, now, false, moved, timeZone);
}
