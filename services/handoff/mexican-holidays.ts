/**
 * Civil dates, Mexico's official rest days (Ley Federal del Trabajo, art. 74) and the `HOLIDAYS` setting.
 * Pure functions and values: no clock, no time zone (a civil date is a day on the desk's wall calendar).
 */

/** A day on the wall calendar: month 1–12, day 1–31. */
export interface CivilDate {
  year: number;
  month: number;
  day: number;
}

const DAY_MS = 86_400_000;

function fromUtcMs(ms: number): CivilDate {
  const d = new Date(ms);
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() };
}

function utcMs(date: CivilDate): number {
  return Date.UTC(date.year, date.month - 1, date.day);
}

/** `date` plus `days` calendar days (negative goes back). */
export function addDays(date: CivilDate, days: number): CivilDate {
  return fromUtcMs(utcMs(date) + days * DAY_MS);
}

/** 0 = Sunday … 6 = Saturday, as `Date#getDay()`. */
export function weekdayOf(date: CivilDate): number {
  return new Date(utcMs(date)).getUTCDay();
}

/** "YYYY-MM-DD". */
export function isoDate(date: CivilDate): string {
  const pad = (n: number, width: number) => String(n).padStart(width, '0');
  return `${pad(date.year, 4)}-${pad(date.month, 2)}-${pad(date.day, 2)}`;
}

/** Parses "YYYY-MM-DD"; null when the text is not that shape or not a real date (2026-02-30). */
export function parseIsoDate(text: string): CivilDate | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (m === null) return null;
  const date = { year: Number(m[1]), month: Number(m[2]), day: Number(m[3]) };
  return isoDate(fromUtcMs(utcMs(date))) === text ? date : null;
}

/** The `n`-th (1-based) `weekday` (0 = Sunday) of a month. */
function nthWeekday(year: number, month: number, weekday: number, n: number): CivilDate {
  const first = weekdayOf({ year, month, day: 1 });
  return { year, month, day: 1 + ((weekday - first + 7) % 7) + 7 * (n - 1) };
}

const MONDAY = 1;
/** First year of the 1 October transmission of the federal executive (constitutional reform of 2014). */
const FIRST_OCTOBER_TRANSMISSION = 2024;

export interface OfficialHoliday {
  /** "YYYY-MM-DD" */
  date: string;
  name: string;
}

/**
 * The official rest days of art. 74 of the Ley Federal del Trabajo for `year`, in date order:
 * 1 January, first Monday of February, third Monday of March, 1 May, 16 September, 1 October every six
 * years from 2024 (transmission of the federal executive), third Monday of November and 25 December.
 * The current rules are applied to every year (this is not a historical record). The election day of
 * fraction IX depends on each electoral calendar and is not computed: add it through `HOLIDAYS`.
 */
export function mexicanOfficialHolidays(year: number): OfficialHoliday[] {
  const days: Array<[CivilDate, string]> = [
    [{ year, month: 1, day: 1 }, 'Año Nuevo'],
    [nthWeekday(year, 2, MONDAY, 1), 'Día de la Constitución'],
    [nthWeekday(year, 3, MONDAY, 3), 'Natalicio de Benito Juárez'],
    [{ year, month: 5, day: 1 }, 'Día del Trabajo'],
    [{ year, month: 9, day: 16 }, 'Día de la Independencia'],
    [nthWeekday(year, 11, MONDAY, 3), 'Día de la Revolución'],
    [{ year, month: 12, day: 25 }, 'Navidad'],
  ];
  if (year >= FIRST_OCTOBER_TRANSMISSION && (year - FIRST_OCTOBER_TRANSMISSION) % 6 === 0) {
    days.push([{ year, month: 10, day: 1 }, 'Transmisión del Poder Ejecutivo Federal']);
  }
  return days.map(([date, name]) => ({ date: isoDate(date), name })).sort((a, b) => a.date.localeCompare(b.date));
}

/** What `HOLIDAYS` says: whether the official rest days apply, and the desk's own closing days. */
export interface HolidayRules {
  official: boolean;
  /** "YYYY-MM-DD", sorted, without repeats. */
  dates: readonly string[];
}

/** `HOLIDAYS` unset: the official rest days only. */
export const DEFAULT_HOLIDAY_RULES: HolidayRules = { official: true, dates: [] };

/** An invalid `HOLIDAYS` value; `problems` has one Spanish message per offending part. */
export class HolidaysSyntaxError extends Error {
  readonly code = 'holidays/invalid' as const;
  constructor(readonly problems: string[]) {
    super(problems.join('; '));
    this.name = 'HolidaysSyntaxError';
  }
}

const OFFICIAL_KEYWORD = 'oficiales';
const NONE_KEYWORD = 'ninguno';

/**
 * Parses `HOLIDAYS`: the complete list of days the desk does not attend, separated by commas, semicolons or
 * spaces. `oficiales` stands for the official rest days of art. 74; `YYYY-MM-DD` adds one day; `ninguno`
 * (alone) means no holidays at all. Unset or blank = `oficiales`. So "oficiales, 2026-12-24" closes on the
 * official days and Christmas Eve, while "2026-12-24" alone closes on Christmas Eve only.
 *
 * @throws HolidaysSyntaxError listing every offending part, in Spanish.
 */
export function parseHolidays(text: string | undefined): HolidayRules {
  const tokens = (text ?? '').split(/[,;\s]+/).filter((t) => t !== '');
  if (tokens.length === 0) return DEFAULT_HOLIDAY_RULES;
  const problems: string[] = [];
  const dates = new Set<string>();
  let official = false;
  let none = false;
  for (const token of tokens) {
    const word = token.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();
    if (word === OFFICIAL_KEYWORD) official = true;
    else if (word === NONE_KEYWORD) none = true;
    else if (parseIsoDate(token) !== null) dates.add(token);
    else if (/^\d{4}-\d{1,2}-\d{1,2}$/.test(token)) problems.push(`«${token}»: fecha inválida; use AAAA-MM-DD con una fecha que exista, p. ej. 2026-12-24`);
    else problems.push(`«${token}»: no es una fecha AAAA-MM-DD ni «${OFFICIAL_KEYWORD}» o «${NONE_KEYWORD}»`);
  }
  if (none && tokens.length > 1) problems.push(`«${NONE_KEYWORD}» va solo: no se combina con fechas ni con «${OFFICIAL_KEYWORD}»`);
  if (problems.length > 0) throw new HolidaysSyntaxError(problems);
  return { official, dates: [...dates].sort() };
}

/** Answers "is this civil date a holiday?" for a set of rules; official days are computed once per year. */
export class HolidayCalendar {
  private readonly dates: ReadonlySet<string>;
  private readonly officialByYear = new Map<number, ReadonlySet<string>>();

  /** @throws Error when a date in `rules.dates` is not a valid "YYYY-MM-DD". */
  constructor(private readonly rules: HolidayRules) {
    const invalid = rules.dates.filter((d) => parseIsoDate(d) === null);
    if (invalid.length > 0) throw new Error(`HolidayCalendar: invalid dates ${invalid.join(', ')}`);
    this.dates = new Set(rules.dates);
  }

  isHoliday(date: CivilDate): boolean {
    const iso = isoDate(date);
    if (this.dates.has(iso)) return true;
    if (!this.rules.official) return false;
    let official = this.officialByYear.get(date.year);
    if (official === undefined) {
      official = new Set(mexicanOfficialHolidays(date.year).map((h) => h.date));
      this.officialByYear.set(date.year, official);
    }
    return official.has(iso);
  }
}
