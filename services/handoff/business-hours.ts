import { addDays, type CivilDate, HolidayCalendar, type HolidayRules, weekdayOf } from './mexican-holidays';

/**
 * The desk's business hours (`BUSINESS_HOURS`, e.g. "lun-vie 08:00-18:00; sab 09:00-13:00") and the calendar that
 * answers "open now?", "when do we open again?" on the wall clock of the desk's time zone, holidays included.
 */

/** Index = `Date#getDay()` (0 = Sunday). */
export const WEEKDAYS = ['dom', 'lun', 'mar', 'mie', 'jue', 'vie', 'sab'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

/** Minutes since 00:00 of the wall clock; start inclusive, end exclusive, 0 ≤ start < end ≤ 1440. */
export interface TimeRange {
  readonly start: number;
  readonly end: number;
}

/** Open ranges per weekday, sorted, neither overlapping nor touching (adjacent ranges are merged). */
export type WeeklySchedule = Readonly<Record<Weekday, readonly TimeRange[]>>;

const FULL_DAY = 1440;
const DAY_MS = 86_400_000;
const MINUTE_MS = 60_000;
/** How far nextOpening/closesAt look ahead: ten years, far beyond any real closure. */
const SEARCH_DAYS = 3660;
/** Monday first, as the week is read in Mexico; values are `WEEKDAYS` indexes. */
const WEEK_ORDER = [1, 2, 3, 4, 5, 6, 0];

const DAY_NAME = ['domingo', 'lunes', 'martes', 'miércoles', 'jueves', 'viernes', 'sábado'];
const DAY_PLURAL = ['domingos', 'lunes', 'martes', 'miércoles', 'jueves', 'viernes', 'sábados'];
const MONTH_NAME = ['enero', 'febrero', 'marzo', 'abril', 'mayo', 'junio', 'julio', 'agosto', 'septiembre', 'octubre', 'noviembre', 'diciembre'];
const TEXT = {
  alwaysOpen: 'Atendemos las 24 horas, todos los días.',
  openNow: 'En este momento estamos atendiendo.',
  schedule: 'Nuestro horario de atención es',
  comeBack: 'Volvemos a atender',
};

/** Accent- and case-insensitive names: abbreviations, full names and plurals. */
const DAY_BY_NAME: ReadonlyMap<string, number> = new Map(
  WEEKDAYS.flatMap((abbr, i) => [abbr, DAY_NAME[i] ?? abbr, DAY_PLURAL[i] ?? abbr].map((name) => [fold(name), i] as const)),
);

function fold(text: string): string {
  return text.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();
}

const pad2 = (n: number) => String(n).padStart(2, '0');
const hhmm = (minute: number) => `${pad2(Math.floor(minute / 60))}:${pad2(minute % 60)}`;
const clock = (minute: number) => `${Math.floor(minute / 60)}:${pad2(minute % 60)}`;
const rangeText = (r: TimeRange) => `${hhmm(r.start)}-${hhmm(r.end)}`;

/** "a", "a y b", "a, b y c". */
function joinList(items: string[], last = ' y '): string {
  return items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')}${last}${items[items.length - 1]}`;
}

/** An invalid `BUSINESS_HOURS` value; `problems` has one Spanish message per offending part. */
export class BusinessHoursSyntaxError extends Error {
  readonly code = 'business-hours/invalid' as const;
  constructor(readonly problems: string[]) {
    super(problems.join('; '));
    this.name = 'BusinessHoursSyntaxError';
  }
}

const DAYS_HELP = 'use lun, mar, mié, jue, vie, sáb, dom o el nombre completo';
const EXAMPLE = '«lun-vie 08:00-18:00»';

function parseDays(text: string, problems: string[]): number[] {
  const days = new Set<number>();
  for (const item of text.split(',')) {
    const ends = item.split('-');
    if (ends.some((name) => name === '') || ends.length > 2) {
      problems.push(`días mal escritos «${text}»; separe los días con comas y los rangos con guion (p. ej. «lun-mié,vie»)`);
      continue;
    }
    const idx = ends.map((name) => DAY_BY_NAME.get(fold(name)));
    ends.forEach((name, i) => {
      if (idx[i] === undefined) problems.push(`día desconocido «${name}»; ${DAYS_HELP}`);
    });
    const [from, to = from] = idx.map((i) => (i === undefined ? undefined : WEEK_ORDER.indexOf(i)));
    if (from === undefined || to === undefined) continue;
    if (to < from) {
      problems.push(`el rango de días «${item}» está al revés; los días van de lunes a domingo (p. ej. «lun-vie»)`);
      continue;
    }
    for (let p = from; p <= to; p++) days.add(WEEK_ORDER[p] ?? 0);
  }
  return [...days];
}

function parseRange(item: string, problems: string[]): TimeRange | undefined {
  if (/^24h(oras)?$/i.test(item)) return { start: 0, end: FULL_DAY };
  const m = /^(\d{1,2}):(\d{2})-(\d{1,2}):(\d{2})$/.exec(item);
  if (m === null) {
    problems.push(`horario inválido «${item}»; use H:MM-HH:MM (p. ej. 08:00-18:00) o 24h`);
    return undefined;
  }
  const [h1, m1, h2, m2] = m.slice(1).map(Number) as [number, number, number, number];
  const exists = (h: number, min: number) => (h < 24 && min < 60) || (h === 24 && min === 0);
  if (!exists(h1, m1) || !exists(h2, m2)) {
    problems.push(`hora inexistente en «${item}»; las horas van de 00:00 a 24:00`);
    return undefined;
  }
  const range = { start: h1 * 60 + m1, end: h2 * 60 + m2 };
  if (range.end <= range.start) {
    problems.push(`en «${item}» la hora de cierre debe ser posterior a la de apertura; para pasar de la medianoche use dos días (p. ej. «vie 22:00-24:00; sáb 00:00-02:00»)`);
    return undefined;
  }
  return range;
}

interface Placed {
  range: TimeRange;
  segment: string;
  /** Position of the segment in the text, to name the two sides of an overlap in reading order. */
  order: number;
}

/** Reports overlapping ranges (once per pair, naming the days) and returns each day's ranges merged. */
function checkOverlaps(byDay: Placed[][], problems: string[]): WeeklySchedule {
  const clashes = new Map<string, { text: string; days: number[] }>();
  const merged = byDay.map((placed, day) => {
    const sorted = [...placed].sort((a, b) => a.range.start - b.range.start);
    const out: TimeRange[] = [];
    let widest: Placed | undefined;
    for (const cur of sorted) {
      if (widest !== undefined && cur.range.start < widest.range.end) {
        const [a, b] = widest.order <= cur.order ? [widest, cur] : [cur, widest];
        const text =
          a.segment === b.segment
            ? `«${a.segment}»: los horarios ${rangeText(a.range)} y ${rangeText(b.range)} se traslapan`
            : `«${a.segment}» y «${b.segment}» se traslapan`;
        const clash = clashes.get(text) ?? { text, days: [] };
        clash.days.push(day);
        clashes.set(text, clash);
      }
      if (widest === undefined || cur.range.end > widest.range.end) widest = cur;
      const prev = out[out.length - 1];
      if (prev !== undefined && cur.range.start <= prev.end) out[out.length - 1] = { start: prev.start, end: Math.max(prev.end, cur.range.end) };
      else out.push(cur.range);
    }
    return out;
  });
  for (const { text, days } of clashes.values()) problems.push(`${text} (${daysPhrase(days)})`);
  return Object.fromEntries(WEEKDAYS.map((key, i) => [key, merged[i] ?? []])) as Record<Weekday, TimeRange[]>;
}

/**
 * Parses `BUSINESS_HOURS`: segments separated by «;» (or new lines), each "days ranges". Days: abbreviations
 * (lun, mar, mie/mié, jue, vie, sab/sáb, dom) or full names, lists «lun,mie,vie» and ranges «lun-vie» (Monday to
 * Sunday order). Ranges: «H:MM-HH:MM», several separated by commas, end exclusive, up to 24:00; «24h» = all day.
 *
 * @throws BusinessHoursSyntaxError listing every offending part (unknown days, bad or inverted times, overlaps).
 */
export function parseBusinessHours(text: string): WeeklySchedule {
  const problems: string[] = [];
  const byDay: Placed[][] = WEEKDAYS.map(() => []);
  let segments = 0;
  for (const raw of text.split(/[;\n]/)) {
    const segment = raw.trim().replace(/\s+/g, ' ');
    if (segment === '') continue;
    segments++;
    const local: string[] = [];
    const compact = segment.replace(/\s*([,-])\s*/g, '$1');
    const space = compact.indexOf(' ');
    if (/^\d/.test(compact)) local.push(`faltan los días antes del horario (p. ej. ${EXAMPLE})`);
    else if (space < 0) local.push(`falta el horario después de los días (p. ej. ${EXAMPLE})`);
    else {
      const days = parseDays(compact.slice(0, space), local);
      const ranges = compact
        .slice(space + 1)
        .split(/[ ,]+/)
        .filter((t) => t !== '')
        .map((item) => parseRange(item, local));
      if (local.length === 0) {
        for (const day of days) for (const range of ranges) if (range !== undefined) byDay[day]?.push({ range, segment, order: segments });
      }
    }
    problems.push(...local.map((p) => `«${segment}»: ${p}`));
  }
  if (segments === 0) problems.push(`no se indicó ningún horario (p. ej. ${EXAMPLE})`);
  const schedule = checkOverlaps(byDay, problems);
  if (problems.length > 0) throw new BusinessHoursSyntaxError(problems);
  return schedule;
}

export interface BusinessHoursOptions {
  /** IANA zone of the desk (`TZ`); every hour in the schedule is on its wall clock. */
  timeZone: string;
  /** Days without attention (`HOLIDAYS`). */
  holidays: HolidayRules;
}

interface WallTime {
  date: CivilDate;
  minute: number;
}

/**
 * When the desk attends. `schedule` null = always open (holidays included). Every answer is computed on the wall
 * clock of `timeZone`, so zones with daylight saving time work: a range that starts inside a skipped hour opens
 * when the clock jumps past it.
 */
export class BusinessHours {
  private readonly format: Intl.DateTimeFormat;
  private readonly holidays: HolidayCalendar;

  /** @throws Error when `timeZone` is unknown or `schedule` has no open hours (pass null for always open). */
  constructor(
    private readonly schedule: WeeklySchedule | null,
    options: BusinessHoursOptions,
  ) {
    try {
      this.format = new Intl.DateTimeFormat('en-US', {
        timeZone: options.timeZone,
        hourCycle: 'h23',
        year: 'numeric',
        month: 'numeric',
        day: 'numeric',
        hour: 'numeric',
        minute: 'numeric',
        second: 'numeric',
      });
    } catch {
      throw new Error(`BusinessHours: unknown time zone "${options.timeZone}"`);
    }
    if (schedule !== null && WEEKDAYS.every((d) => schedule[d].length === 0)) {
      throw new Error('BusinessHours: the schedule has no open hours; pass null for always open');
    }
    this.holidays = new HolidayCalendar(options.holidays);
  }

  /** Open at `at`: start of a range inclusive, end exclusive. */
  isOpen(at: Date): boolean {
    if (this.schedule === null) return true;
    const { date, minute } = this.wall(at.getTime());
    return this.rangesOn(date).some((r) => r.start <= minute && minute < r.end);
  }

  /** The earliest instant ≥ `at` when the desk is open (`at` itself when open now); null when always open. */
  nextOpening(at: Date): Date | null {
    if (this.schedule === null) return null;
    if (this.isOpen(at)) return new Date(at.getTime());
    const t = at.getTime();
    const now = this.wall(t);
    for (let i = 0; i <= SEARCH_DAYS; i++) {
      const day = addDays(now.date, i);
      for (const r of this.rangesOn(day)) {
        const instant = this.instantsAt(day, r.start).find((x) => x > t);
        if (instant !== undefined) return new Date(instant);
      }
    }
    throw new Error(`BusinessHours.nextOpening(): no opening within ${SEARCH_DAYS} days of ${at.toISOString()}`);
  }

  /** The end of the open interval `at` is in (continuing past midnight when the next day opens at 00:00); null when closed now or never closing. */
  closesAt(at: Date): Date | null {
    if (this.schedule === null || !this.isOpen(at)) return null;
    const t = at.getTime();
    const now = this.wall(t);
    let day = now.date;
    let range = this.rangesOn(day).find((r) => r.start <= now.minute && now.minute < r.end);
    for (let i = 0; i <= SEARCH_DAYS && range !== undefined; i++) {
      const next = addDays(day, 1);
      const first = this.rangesOn(next)[0];
      if (range.end < FULL_DAY || first === undefined || first.start > 0) {
        const instants = this.instantsAt(day, range.end);
        return new Date(instants.find((x) => x > t) ?? instants[instants.length - 1] ?? t);
      }
      day = next;
      range = first;
    }
    return null;
  }

  /** A Spanish sentence with the weekly schedule, e.g. «Nuestro horario de atención es de lunes a viernes de 8:00 a 18:00 y sábados de 9:00 a 13:00.» */
  describe(): string {
    const schedule = this.schedule;
    if (schedule === null) return TEXT.alwaysOpen;
    const groups = new Map<string, { ranges: readonly TimeRange[]; days: number[] }>();
    for (const d of WEEK_ORDER) {
      const ranges = schedule[WEEKDAYS[d] ?? 'dom'];
      if (ranges.length === 0) continue;
      const key = ranges.map(rangeText).join(',');
      const group = groups.get(key) ?? { ranges, days: [] };
      group.days.push(d);
      groups.set(key, group);
    }
    const phrases = [...groups.values()].map(({ ranges, days }) => `${daysPhrase(days)} ${joinList(ranges.map(rangePhrase))}`);
    if (phrases.length === 1 && phrases[0] === 'todos los días las 24 horas') return TEXT.alwaysOpen;
    return `${TEXT.schedule} ${joinList(phrases, phrases.some((p) => p.includes(' y ')) ? ', y ' : ' y ')}.`;
  }

  /** «Volvemos a atender el lunes 1 de diciembre a las 8:00.» (or «hoy …», «mañana, …,»); says so when open now. */
  describeNextOpening(at: Date): string {
    const next = this.nextOpening(at);
    if (next === null || next.getTime() === at.getTime()) return TEXT.openNow;
    const now = this.wall(at.getTime());
    const then = this.wall(next.getTime());
    const hour = Math.floor(then.minute / 60);
    const time = `${hour === 1 ? 'a la' : 'a las'} ${clock(then.minute)}`;
    const days = Math.round((Date.UTC(then.date.year, then.date.month - 1, then.date.day) - Date.UTC(now.date.year, now.date.month - 1, now.date.day)) / DAY_MS);
    const { year, month, day } = then.date;
    const date = `${DAY_NAME[weekdayOf(then.date)]} ${day} de ${MONTH_NAME[month - 1]}${year === now.date.year ? '' : ` de ${year}`}`;
    if (days === 0) return `${TEXT.comeBack} hoy ${time}.`;
    if (days === 1) return `${TEXT.comeBack} mañana, ${date}, ${time}.`;
    return `${TEXT.comeBack} el ${date} ${time}.`;
  }

  private rangesOn(date: CivilDate): readonly TimeRange[] {
    if (this.schedule === null || this.holidays.isHoliday(date)) return [];
    return this.schedule[WEEKDAYS[weekdayOf(date)] ?? 'dom'];
  }

  /** The wall clock at `t`, as a UTC timestamp with the same fields (seconds precision). */
  private wallMs(t: number): number {
    const p: Record<string, number> = {};
    for (const part of this.format.formatToParts(new Date(t))) p[part.type] = Number(part.value);
    return Date.UTC(p.year ?? 0, (p.month ?? 1) - 1, p.day ?? 1, p.hour ?? 0, p.minute ?? 0, p.second ?? 0);
  }

  private offsetAt(t: number): number {
    return this.wallMs(t) - Math.floor(t / 1000) * 1000;
  }

  private wall(t: number): WallTime {
    const ms = this.wallMs(t);
    const d = new Date(ms);
    return { date: { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() }, minute: d.getUTCHours() * 60 + d.getUTCMinutes() };
  }

  /**
   * The instants when the wall clock shows `minute` of `date` (1440 = the next midnight), earliest first: two when
   * the clock is set back and shows it twice; when the clock skips it, the instant of the jump.
   */
  private instantsAt(date: CivilDate, minute: number): number[] {
    const target = Date.UTC(date.year, date.month - 1, date.day) + minute * MINUTE_MS;
    const before = this.offsetAt(target - DAY_MS);
    const after = this.offsetAt(target + DAY_MS);
    const valid = [...new Set([before, after])].map((o) => target - o).filter((t) => this.wallMs(t) === target);
    if (valid.length > 0) return valid.sort((a, b) => a - b);
    // Skipped by a jump forward: find the first minute with the new offset between the two candidates.
    let lo = Math.min(target - before, target - after);
    let hi = Math.max(target - before, target - after);
    while (hi - lo > MINUTE_MS) {
      const mid = lo + Math.floor((hi - lo) / 2 / MINUTE_MS) * MINUTE_MS;
      if (this.offsetAt(mid) === before) lo = mid;
      else hi = mid;
    }
    return [hi];
  }
}

/** «de lunes a viernes», «sábados y domingos», «lunes, miércoles y viernes», «todos los días». */
function daysPhrase(days: number[]): string {
  if (days.length === 7) return 'todos los días';
  const positions = days.map((d) => WEEK_ORDER.indexOf(d)).sort((a, b) => a - b);
  const runs: number[][] = [];
  for (const p of positions) {
    const run = runs[runs.length - 1];
    if (run !== undefined && run[run.length - 1] === p - 1) run.push(p);
    else runs.push([p]);
  }
  const name = (p: number | undefined, names: string[]) => names[WEEK_ORDER[p ?? 0] ?? 0] ?? '';
  const parts = runs.flatMap((run) => (run.length >= 3 ? [`de ${name(run[0], DAY_NAME)} a ${name(run[run.length - 1], DAY_NAME)}`] : run.map((p) => name(p, DAY_PLURAL))));
  return joinList(parts);
}

function rangePhrase(r: TimeRange): string {
  return r.start === 0 && r.end === FULL_DAY ? 'las 24 horas' : `de ${clock(r.start)} a ${clock(r.end)}`;
}
