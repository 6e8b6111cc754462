import { ConfigError, loadConfig } from '../../app/config';
import { BusinessHours, BusinessHoursSyntaxError, parseBusinessHours, type WeeklySchedule } from '../../services/handoff/business-hours';
import {
  DEFAULT_HOLIDAY_RULES,
  type HolidayRules,
  HolidaysSyntaxError,
  mexicanOfficialHolidays,
  parseHolidays,
} from '../../services/handoff/mexican-holidays';

const MX = 'America/Mexico_City';
const OFFICIAL = DEFAULT_HOLIDAY_RULES;
const NO_HOLIDAYS: HolidayRules = { official: false, dates: [] };
const DESK = 'lun-vie 08:00-18:00; sab 09:00-13:00';

const h = (hour: number, minute = 0) => hour * 60 + minute;
const closed = { dom: [], lun: [], mar: [], mie: [], jue: [], vie: [], sab: [] };

function hours(text: string | null, options: { timeZone?: string; holidays?: HolidayRules } = {}): BusinessHours {
  return new BusinessHours(text === null ? null : parseBusinessHours(text), { timeZone: options.timeZone ?? MX, holidays: options.holidays ?? OFFICIAL });
}

/** The problems a parser reports, or [] when it accepts the text. */
function problemsOf(parse: () => unknown): string[] {
  try {
    parse();
    return [];
  } catch (err) {
    if (err instanceof BusinessHoursSyntaxError || err instanceof HolidaysSyntaxError) return err.problems;
    throw err;
  }
}

function configProblems(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
    return [];
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
}

describe('parseBusinessHours', () => {
  it('reads day ranges and times into minutes per weekday', () => {
    expect(parseBusinessHours(DESK)).toEqual<WeeklySchedule>({
      ...closed,
      lun: [{ start: h(8), end: h(18) }],
      mar: [{ start: h(8), end: h(18) }],
      mie: [{ start: h(8), end: h(18) }],
      jue: [{ start: h(8), end: h(18) }],
      vie: [{ start: h(8), end: h(18) }],
      sab: [{ start: h(9), end: h(13) }],
    });
  });

  it.each([
    ['full names, accents, capitals and H:MM', 'Lunes-Viernes 8:00-18:00; Sábado 9:00-13:00'],
    ['spaces around the separators and a trailing «;»', ' lun - vie  08:00 - 18:00 ;sáb 09:00-13:00; '],
    ['new lines between segments', 'lun-vie 08:00-18:00\nsabado 09:00-13:00'],
  ])('accepts %s', (_what, text) => {
    expect(parseBusinessHours(text)).toEqual(parseBusinessHours(DESK));
  });

  it('reads lists of days, several ranges per day, 24h and the days without accents', () => {
    expect(parseBusinessHours('lun,mie,vie 08:00-14:00, 16:00-19:00; mié 20:00-21:00; dom 24h')).toEqual({
      ...closed,
      lun: [{ start: h(8), end: h(14) }, { start: h(16), end: h(19) }],
      mie: [{ start: h(8), end: h(14) }, { start: h(16), end: h(19) }, { start: h(20), end: h(21) }],
      vie: [{ start: h(8), end: h(14) }, { start: h(16), end: h(19) }],
      dom: [{ start: 0, end: h(24) }],
    });
    expect(parseBusinessHours('miercoles 00:00-24:00')).toEqual(parseBusinessHours('mie 24h'));
  });

  it('merges ranges that touch, so the desk stays open across them', () => {
    expect(parseBusinessHours('lun 08:00-14:00, 14:00-18:00; lun 18:00-19:30').lun).toEqual([{ start: h(8), end: h(19, 30) }]);
  });

  it.each([
    ['an unknown day', 'lnu-vie 08:00-18:00', ['«lnu-vie 08:00-18:00»: día desconocido «lnu»; use lun, mar, mié, jue, vie, sáb, dom o el nombre completo']],
    ['an inverted day range', 'vie-lun 08:00-18:00', ['«vie-lun 08:00-18:00»: el rango de días «vie-lun» está al revés; los días van de lunes a domingo (p. ej. «lun-vie»)']],
    ['an empty day in a list', 'lun,,mie 08:00-18:00', [expect.stringMatching(/^«lun,,mie 08:00-18:00»: días mal escritos «lun,,mie»/)]],
    ['an inverted time range', 'sab 13:00-09:00', [expect.stringMatching(/^«sab 13:00-09:00»: en «13:00-09:00» la hora de cierre debe ser posterior a la de apertura/)]],
    ['an empty time range', 'lun 08:00-08:00', [expect.stringMatching(/^«lun 08:00-08:00»: en «08:00-08:00» la hora de cierre debe ser posterior/)]],
    ['a time without minutes', 'lun 8-18', ['«lun 8-18»: horario inválido «8-18»; use H:MM-HH:MM (p. ej. 08:00-18:00) o 24h']],
    ['an hour past 24:00', 'lun 08:00-24:30', ['«lun 08:00-24:30»: hora inexistente en «08:00-24:30»; las horas van de 00:00 a 24:00']],
    ['minutes past 59', 'lun 08:60-10:00', [expect.stringMatching(/^«lun 08:60-10:00»: hora inexistente/)]],
    ['missing times', 'lun-vie', ['«lun-vie»: falta el horario después de los días (p. ej. «lun-vie 08:00-18:00»)']],
    ['missing days', '08:00-18:00', ['«08:00-18:00»: faltan los días antes del horario (p. ej. «lun-vie 08:00-18:00»)']],
    ['nothing at all', ' ; ', ['no se indicó ningún horario (p. ej. «lun-vie 08:00-18:00»)']],
    ['ranges overlapping in one segment', 'lun-vie 08:00-14:00, 13:00-19:00', ['«lun-vie 08:00-14:00, 13:00-19:00»: los horarios 08:00-14:00 y 13:00-19:00 se traslapan (de lunes a viernes)']],
    ['segments overlapping on some days', `${DESK}; vie,sab 12:00-20:00`, ['«lun-vie 08:00-18:00» y «vie,sab 12:00-20:00» se traslapan (viernes)', '«sab 09:00-13:00» y «vie,sab 12:00-20:00» se traslapan (sábados)']],
  ])('refuses %s, pointing at the offending part', (_what, text, expected) => {
    expect(problemsOf(() => parseBusinessHours(text))).toEqual(expected);
  });

  it('reports every problem at once, with a stable code', () => {
    let error: unknown;
    try {
      parseBusinessHours('lnu-vie 08:00-18:00; sab 13:00-09:00; dom 24h; dom 10:00-11:00');
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(BusinessHoursSyntaxError);
    expect((error as BusinessHoursSyntaxError).code).toBe('business-hours/invalid');
    expect((error as BusinessHoursSyntaxError).problems).toEqual([
      expect.stringMatching(/^«lnu-vie 08:00-18:00»: día desconocido «lnu»/),
      expect.stringMatching(/^«sab 13:00-09:00»: /),
      '«dom 24h» y «dom 10:00-11:00» se traslapan (domingos)',
    ]);
  });
});

describe('Mexican official rest days (LFT art. 74)', () => {
  it('computes the fixed days and the Mondays for 2026', () => {
    expect(mexicanOfficialHolidays(2026).map((d) => d.date)).toEqual([
      '2026-01-01',
      '2026-02-02',
      '2026-03-16',
      '2026-05-01',
      '2026-09-16',
      '2026-11-16',
      '2026-12-25',
    ]);
  });

  it('adds 1 October every six years from 2024 (transmission of the federal executive)', () => {
    expect(mexicanOfficialHolidays(2030)).toEqual([
      { date: '2030-01-01', name: 'Año Nuevo' },
      { date: '2030-02-04', name: 'Día de la Constitución' },
      { date: '2030-03-18', name: 'Natalicio de Benito Juárez' },
      { date: '2030-05-01', name: 'Día del Trabajo' },
      { date: '2030-09-16', name: 'Día de la Independencia' },
      { date: '2030-10-01', name: 'Transmisión del Poder Ejecutivo Federal' },
      { date: '2030-11-18', name: 'Día de la Revolución' },
      { date: '2030-12-25', name: 'Navidad' },
    ]);
    const transmission = (year: number) => mexicanOfficialHolidays(year).some((d) => d.date === `${year}-10-01`);
    expect([2018, 2024, 2027, 2029, 2030, 2031, 2036].filter(transmission)).toEqual([2024, 2030, 2036]);
  });
});

describe('parseHolidays (HOLIDAYS)', () => {
  it('defaults to the official rest days when unset or blank', () => {
    expect(parseHolidays(undefined)).toEqual({ official: true, dates: [] });
    expect(parseHolidays('  ')).toEqual({ official: true, dates: [] });
  });

  it('is the complete list: «oficiales» keeps the official days, dates add days, «ninguno» clears', () => {
    expect(parseHolidays('Oficiales; 2026-12-24, 2026-12-12 2026-12-24')).toEqual({ official: true, dates: ['2026-12-12', '2026-12-24'] });
    expect(parseHolidays('2026-12-24')).toEqual({ official: false, dates: ['2026-12-24'] });
    expect(parseHolidays('ninguno')).toEqual({ official: false, dates: [] });
  });

  it('reports every bad part in Spanish', () => {
    expect(problemsOf(() => parseHolidays('oficiales, 2026-02-30, navidad, 2026-2-3'))).toEqual([
      '«2026-02-30»: fecha inválida; use AAAA-MM-DD con una fecha que exista, p. ej. 2026-12-24',
      '«navidad»: no es una fecha AAAA-MM-DD ni «oficiales» o «ninguno»',
      '«2026-2-3»: fecha inválida; use AAAA-MM-DD con una fecha que exista, p. ej. 2026-12-24',
    ]);
    expect(problemsOf(() => parseHolidays('ninguno, oficiales'))).toEqual(['«ninguno» va solo: no se combina con fechas ni con «oficiales»']);
  });
});

describe('BusinessHours on the desk clock (America/Mexico_City, UTC−6)', () => {
  const desk = hours(DESK);

  it('opens at the start (inclusive) and closes at the end (exclusive)', () => {
    // Monday 2 March 2026.
    expect(desk.isOpen(new Date('2026-03-02T07:59:59.999-06:00'))).toBe(false);
    expect(desk.isOpen(new Date('2026-03-02T08:00:00-06:00'))).toBe(true);
    expect(desk.isOpen(new Date('2026-03-02T17:59:59.999-06:00'))).toBe(true);
    expect(desk.isOpen(new Date('2026-03-02T18:00:00-06:00'))).toBe(false);
    expect(desk.isOpen(new Date('2026-03-07T12:59:00-06:00'))).toBe(true);
    expect(desk.isOpen(new Date('2026-03-07T13:00:00-06:00'))).toBe(false);
    expect(desk.isOpen(new Date('2026-03-08T10:00:00-06:00'))).toBe(false);
  });

  it('uses the local day and hour when UTC is already the next day', () => {
    const late = hours('lun-vie 08:00-22:00; sab 18:00-24:00');
    // Friday 21:00 in Mexico City is Saturday 03:00 UTC; Saturday 23:30 is Sunday 05:30 UTC.
    expect(late.isOpen(new Date('2026-03-07T03:00:00Z'))).toBe(true);
    expect(late.isOpen(new Date('2026-03-08T05:30:00Z'))).toBe(true);
    // Sunday 23:00 local is Monday 05:00 UTC: still closed.
    expect(late.isOpen(new Date('2026-03-09T05:00:00Z'))).toBe(false);
  });

  it('tells when the current interval ends, continuing past midnight', () => {
    expect(desk.closesAt(new Date('2026-03-02T10:00:00-06:00'))).toEqual(new Date('2026-03-02T18:00:00-06:00'));
    expect(desk.closesAt(new Date('2026-03-02T19:00:00-06:00'))).toBeNull();
    const night = hours('vie 20:00-24:00; sab 00:00-02:00');
    expect(night.closesAt(new Date('2026-03-06T23:00:00-06:00'))).toEqual(new Date('2026-03-07T02:00:00-06:00'));
    expect(hours('lun-dom 24h').closesAt(new Date('2026-03-10T12:00:00-06:00'))).toEqual(new Date('2026-03-16T00:00:00-06:00'));
    expect(hours('lun-dom 24h', { holidays: NO_HOLIDAYS }).closesAt(new Date('2026-03-10T12:00:00-06:00'))).toBeNull();
  });

  it('finds the next opening later the same day, the next day and over a weekend', () => {
    const split = hours('lun-vie 08:00-14:00, 16:00-19:00');
    expect(split.nextOpening(new Date('2026-03-02T15:00:00-06:00'))).toEqual(new Date('2026-03-02T16:00:00-06:00'));
    expect(desk.nextOpening(new Date('2026-03-06T18:00:00-06:00'))).toEqual(new Date('2026-03-07T09:00:00-06:00'));
    expect(desk.nextOpening(new Date('2025-11-29T14:00:00-06:00'))).toEqual(new Date('2025-12-01T08:00:00-06:00'));
    const open = new Date('2026-03-02T10:00:00-06:00');
    expect(desk.nextOpening(open)).toEqual(open);
  });

  it('is always open without a schedule', () => {
    const always = hours(null);
    expect(always.isOpen(new Date('2026-01-01T03:00:00-06:00'))).toBe(true);
    expect(always.nextOpening(new Date('2026-01-01T03:00:00-06:00'))).toBeNull();
    expect(always.closesAt(new Date('2026-01-01T03:00:00-06:00'))).toBeNull();
  });

  it('fails fast on an unknown time zone or a schedule without open hours', () => {
    expect(() => new BusinessHours(null, { timeZone: 'Marte/Olimpo', holidays: OFFICIAL })).toThrow(/BusinessHours: unknown time zone "Marte\/Olimpo"/);
    expect(() => new BusinessHours(closed, { timeZone: MX, holidays: OFFICIAL })).toThrow(/BusinessHours: the schedule has no open hours/);
  });
});

describe('BusinessHours and holidays', () => {
  const weekdays = 'lun-vie 08:00-18:00';

  it('closes on the official days of the year, on the local date', () => {
    // Monday 16 March 2026 (Benito Juárez), 10:00 local.
    expect(hours(weekdays).isOpen(new Date('2026-03-16T10:00:00-06:00'))).toBe(false);
    expect(hours(weekdays, { holidays: NO_HOLIDAYS }).isOpen(new Date('2026-03-16T10:00:00-06:00'))).toBe(true);
    // Tuesday 1 October 2030 (transmission of the federal executive) and the day after.
    expect(hours(weekdays).isOpen(new Date('2030-10-01T10:00:00-06:00'))).toBe(false);
    expect(hours(weekdays).isOpen(new Date('2030-10-02T10:00:00-06:00'))).toBe(true);
    const always = hours('lun-dom 24h');
    // Sunday 15 March 21:00 local is already 16 March in UTC: open. Monday 16 March 21:00 local is 17 March in UTC: closed.
    expect(always.isOpen(new Date('2026-03-16T03:00:00Z'))).toBe(true);
    expect(always.isOpen(new Date('2026-03-17T03:00:00Z'))).toBe(false);
  });

  it('closes on the extra HOLIDAYS dates too, and skips them when looking for the next opening', () => {
    const december = hours(DESK, { holidays: parseHolidays('oficiales, 2026-12-24') });
    // Wednesday 23 December after closing → Thursday 24 (extra) and Friday 25 (official) closed → Saturday 26 at 9:00.
    expect(december.isOpen(new Date('2026-12-24T10:00:00-06:00'))).toBe(false);
    expect(december.nextOpening(new Date('2026-12-23T18:00:00-06:00'))).toEqual(new Date('2026-12-26T09:00:00-06:00'));
    expect(december.describeNextOpening(new Date('2026-12-23T18:00:00-06:00'))).toBe('Volvemos a atender el sábado 26 de diciembre a las 9:00.');
    // Without «oficiales», only the listed day is closed.
    expect(hours(DESK, { holidays: parseHolidays('2026-12-24') }).isOpen(new Date('2026-12-25T10:00:00-06:00'))).toBe(true);
  });

  it('finds the next opening over a long weekend and into the next year', () => {
    expect(hours(weekdays).nextOpening(new Date('2026-03-13T18:00:00-06:00'))).toEqual(new Date('2026-03-17T08:00:00-06:00'));
    expect(hours(weekdays).describeNextOpening(new Date('2026-03-13T18:00:00-06:00'))).toBe('Volvemos a atender el martes 17 de marzo a las 8:00.');
    // Thursday 31 December 2026 → Friday 1 January 2027 is official → Monday 4 January.
    expect(hours(weekdays).describeNextOpening(new Date('2026-12-31T18:30:00-06:00'))).toBe('Volvemos a atender el lunes 4 de enero de 2027 a las 8:00.');
  });
});

describe('BusinessHours in a zone with daylight saving time', () => {
  it('opens at the local hour after the clocks go forward (America/Tijuana)', () => {
    const tijuana = hours('lun-vie 08:00-18:00', { timeZone: 'America/Tijuana', holidays: NO_HOLIDAYS });
    // Friday 6 March 2026 18:00 PST; clocks go forward on Sunday 8 March; Monday 08:00 PDT is 15:00 UTC (not 16:00).
    expect(tijuana.nextOpening(new Date('2026-03-06T18:00:00-08:00'))).toEqual(new Date('2026-03-09T15:00:00Z'));
    expect(tijuana.isOpen(new Date('2026-03-09T14:59:00Z'))).toBe(false);
    expect(tijuana.isOpen(new Date('2026-03-09T15:00:00Z'))).toBe(true);
    expect(tijuana.closesAt(new Date('2026-03-09T15:00:00Z'))).toEqual(new Date('2026-03-10T01:00:00Z'));
  });

  it('opens at the local hour after the clocks go back (America/New_York)', () => {
    const newYork = hours('lun-vie 09:00-17:00', { timeZone: 'America/New_York', holidays: NO_HOLIDAYS });
    // Friday 30 October 2026 17:00 EDT; clocks go back on Sunday 1 November; Monday 09:00 EST is 14:00 UTC.
    expect(newYork.nextOpening(new Date('2026-10-30T17:00:00-04:00'))).toEqual(new Date('2026-11-02T14:00:00Z'));
    expect(newYork.describeNextOpening(new Date('2026-10-30T17:00:00-04:00'))).toBe('Volvemos a atender el lunes 2 de noviembre a las 9:00.');
  });

  it('opens when the clock jumps past a skipped start, and at the first of a repeated one', () => {
    // 8 March 2026 in New York: 02:00 EST jumps to 03:00 EDT (07:00 UTC), so 02:30 never shows.
    const skipped = hours('dom 02:30-04:00', { timeZone: 'America/New_York', holidays: NO_HOLIDAYS });
    expect(skipped.nextOpening(new Date('2026-03-08T05:00:00Z'))).toEqual(new Date('2026-03-08T07:00:00Z'));
    expect(skipped.isOpen(new Date('2026-03-08T06:59:00Z'))).toBe(false);
    expect(skipped.isOpen(new Date('2026-03-08T07:00:00Z'))).toBe(true);
    // 1 November 2026: 02:00 EDT goes back to 01:00 EST (06:00 UTC), so 01:30 shows twice; 03:00 EST is 08:00 UTC.
    const repeated = hours('dom 01:30-03:00', { timeZone: 'America/New_York', holidays: NO_HOLIDAYS });
    expect(repeated.nextOpening(new Date('2026-11-01T04:00:00Z'))).toEqual(new Date('2026-11-01T05:30:00Z'));
    expect(repeated.closesAt(new Date('2026-11-01T05:30:00Z'))).toEqual(new Date('2026-11-01T08:00:00Z'));
    // The wall clock decides: a range inside the repeated hour opens again when the clock shows it the second time.
    const short = hours('dom 01:30-01:40', { timeZone: 'America/New_York', holidays: NO_HOLIDAYS });
    expect(short.isOpen(new Date('2026-11-01T05:45:00Z'))).toBe(false);
    expect(short.nextOpening(new Date('2026-11-01T05:45:00Z'))).toEqual(new Date('2026-11-01T06:30:00Z'));
  });
});

describe('BusinessHours texts', () => {
  it.each([
    [DESK, 'Nuestro horario de atención es de lunes a viernes de 8:00 a 18:00 y sábados de 9:00 a 13:00.'],
    ['lun,mie,vie 08:00-14:00, 16:00-19:00; sáb,dom 10:00-12:00', 'Nuestro horario de atención es lunes, miércoles y viernes de 8:00 a 14:00 y de 16:00 a 19:00, y sábados y domingos de 10:00 a 12:00.'],
    ['lun-mie,vie 09:00-17:30; jue 24h', 'Nuestro horario de atención es de lunes a miércoles y viernes de 9:00 a 17:30, y jueves las 24 horas.'],
    ['lun-dom 07:00-21:00', 'Nuestro horario de atención es todos los días de 7:00 a 21:00.'],
    ['lun-dom 24h', 'Atendemos las 24 horas, todos los días.'],
    [null, 'Atendemos las 24 horas, todos los días.'],
  ])('describe() of %s', (text, sentence) => {
    expect(hours(text).describe()).toBe(sentence);
  });

  it.each([
    ['2025-11-29T14:00:00-06:00', 'Volvemos a atender el lunes 1 de diciembre a las 8:00.'],
    ['2026-03-06T19:00:00-06:00', 'Volvemos a atender mañana, sábado 7 de marzo, a las 9:00.'],
    ['2026-03-02T06:30:00-06:00', 'Volvemos a atender hoy a las 8:00.'],
    ['2026-03-02T10:00:00-06:00', 'En este momento estamos atendiendo.'],
  ])('describeNextOpening(%s)', (at, sentence) => {
    expect(hours(DESK).describeNextOpening(new Date(at))).toBe(sentence);
  });

  it('says «a la 1:00» for one o’clock', () => {
    expect(hours('lun 01:00-02:00').describeNextOpening(new Date('2026-03-02T00:30:00-06:00'))).toBe('Volvemos a atender hoy a la 1:00.');
  });
});

describe('BUSINESS_HOURS and HOLIDAYS in loadConfig', () => {
  it('exposes the parsed schedule and the holiday rules, ready for BusinessHours', () => {
    const config = loadConfig({ BUSINESS_HOURS: ` ${DESK} `, HOLIDAYS: 'oficiales, 2026-12-24' });
    expect(config.businessHours).toEqual({ text: DESK, schedule: parseBusinessHours(DESK) });
    expect(config.holidays).toEqual({ official: true, dates: ['2026-12-24'] });
    const desk = new BusinessHours(config.businessHours?.schedule ?? null, { timeZone: config.tz, holidays: config.holidays });
    expect(desk.isOpen(new Date('2026-12-24T10:00:00-06:00'))).toBe(false);
    expect(desk.isOpen(new Date('2026-12-23T10:00:00-06:00'))).toBe(true);
  });

  it('defaults to always open, with the official rest days', () => {
    const config = loadConfig({ BUSINESS_HOURS: '', HOLIDAYS: '' });
    expect(config.businessHours).toBeNull();
    expect(config.holidays).toEqual({ official: true, dates: [] });
  });

  it('reports each BUSINESS_HOURS and HOLIDAYS problem in Spanish, with the other invalid variables', () => {
    expect(configProblems({ PORT: 'ochenta', BUSINESS_HOURS: 'lnu-vie 08:00-18:00; sab 13:00-09:00', HOLIDAYS: '2026-13-01' })).toEqual([
      expect.stringMatching(/^PORT: /),
      'BUSINESS_HOURS: «lnu-vie 08:00-18:00»: día desconocido «lnu»; use lun, mar, mié, jue, vie, sáb, dom o el nombre completo',
      expect.stringMatching(/^BUSINESS_HOURS: «sab 13:00-09:00»: en «13:00-09:00» la hora de cierre debe ser posterior a la de apertura/),
      'HOLIDAYS: «2026-13-01»: fecha inválida; use AAAA-MM-DD con una fecha que exista, p. ej. 2026-12-24',
    ]);
  });
});
