import { callbackAsap, describeCallbackMoment, parseCallbackTime, spokenClock } from '../../../services/callbacks/callback-time';
import { BusinessHours, parseBusinessHours } from '../../../services/handoff/business-hours';
import { parseHolidays } from '../../../services/handoff/mexican-holidays';

/**
 * What callers say when asked «¿A qué hora le llamamos?», read on the desk's wall clock. The reference moment is
 * Wednesday 10 June 2026, 11:20 in Mexico City (UTC−6, no daylight saving time); the desk attends Monday to Friday
 * 8:00–18:00 and Saturday 9:00–13:00, with the official holidays.
 */
const TZ = 'America/Mexico_City';
const NOW = new Date('2026-06-10T17:20:00Z'); // Wed 11:20
const hours = new BusinessHours(parseBusinessHours('lun-vie 08:00-18:00; sab 09:00-13:00'), { timeZone: TZ, holidays: parseHolidays('') });
const options = { timeZone: TZ, schedule: hours };

/** Mexico City wall time → ISO instant (UTC−6). */
const local = (isoLocal: string) => new Date(`${isoLocal}:00-06:00`).toISOString();

describe('parseCallbackTime: what callers say', () => {
  // [said, expected instant (local wall clock), expected sentence]
  const cases: Array<[string, string, string]> = [
    ['mañana a las diez', '2026-06-11T10:00', 'Le llamaremos mañana jueves 11 de junio a las 10 de la mañana.'],
    ['manana a las diez', '2026-06-11T10:00', 'Le llamaremos mañana jueves 11 de junio a las 10 de la mañana.'],
    ['a las cuatro de la tarde', '2026-06-10T16:00', 'Le llamaremos hoy a las 4 de la tarde.'],
    ['el lunes temprano', '2026-06-15T08:00', 'Le llamaremos el lunes 15 de junio a las 8 de la mañana.'],
    ['en media hora', '2026-06-10T11:50', 'Le llamaremos hoy a las 11:50 de la mañana.'],
    ['ahorita no, mejor en la tarde', '2026-06-10T16:00', 'Le llamaremos hoy a las 4 de la tarde.'],
    ['en una hora', '2026-06-10T12:20', 'Le llamaremos hoy a las 12:20 del día.'],
    ['en hora y media', '2026-06-10T12:50', 'Le llamaremos hoy a las 12:50 del día.'],
    ['hoy en la tarde', '2026-06-10T16:00', 'Le llamaremos hoy a las 4 de la tarde.'],
    ['el lunes a las 9', '2026-06-15T09:00', 'Le llamaremos el lunes 15 de junio a las 9 de la mañana.'],
    ['el viernes en la mañana', '2026-06-12T08:00', 'Le llamaremos el viernes 12 de junio a las 8 de la mañana.'],
    ['pasado mañana a mediodía', '2026-06-12T12:00', 'Le llamaremos el viernes 12 de junio a las 12 del día.'],
    ['mañana temprano', '2026-06-11T08:00', 'Le llamaremos mañana jueves 11 de junio a las 8 de la mañana.'],
    ['dentro de dos horas', '2026-06-10T13:20', 'Le llamaremos hoy a la 1:20 de la tarde.'],
    ['en quince minutos', '2026-06-10T11:35', 'Le llamaremos hoy a las 11:35 de la mañana.'],
    ['a las once y media', '2026-06-10T11:30', 'Le llamaremos hoy a las 11:30 de la mañana.'],
    // 10:00 is over today: the next 10:00.
    ['a las 10', '2026-06-11T10:00', 'Le llamaremos mañana jueves 11 de junio a las 10 de la mañana.'],
    ['mañana después de la comida', '2026-06-11T16:00', 'Le llamaremos mañana jueves 11 de junio a las 4 de la tarde.'],
    ['llámeme mañana como a las 11', '2026-06-11T11:00', 'Le llamaremos mañana jueves 11 de junio a las 11 de la mañana.'],
    ['el lunes, pero a las 10', '2026-06-15T10:00', 'Le llamaremos el lunes 15 de junio a las 10 de la mañana.'],
    ['mejor el jueves a las tres y media', '2026-06-11T15:30', 'Le llamaremos mañana jueves 11 de junio a las 3:30 de la tarde.'],
    ['el próximo martes a las 12', '2026-06-16T12:00', 'Le llamaremos el martes 16 de junio a las 12 del día.'],
    ['al rato', '2026-06-10T12:20', 'Le llamaremos hoy a las 12:20 del día.'],
    // «en la mañana» said during the morning: from now on.
    ['en la mañana', '2026-06-10T11:20', 'Le llamaremos hoy a las 11:20 de la mañana.'],
  ];

  it.each(cases)('«%s» → %s', (said, at, spoken) => {
    const r = parseCallbackTime(said, NOW, options);
    expect(r).not.toBeNull();
    expect(r?.at.toISOString()).toBe(local(at));
    expect(r?.spoken).toBe(spoken);
    expect(r?.moved).toBe(false);
    expect(r?.asap).toBe(false);
  });

  it.each(['lo antes posible', 'cuando puedan', 'ahorita', 'lo más pronto que se pueda', 'cuanto antes, por favor'])('«%s» → as soon as possible: now, the desk is open', (said) => {
    const r = parseCallbackTime(said, NOW, options);
    expect(r).toEqual({ at: NOW, spoken: 'Le llamaremos en unos minutos.', when: 'en unos minutos', asap: true, moved: false });
  });

  it.each(['ayer', 'hoy a las 9', 'no sé', 'con la licenciada Pérez', ''])('«%s» → null (over, or no time): the dialog asks again', (said) => {
    expect(parseCallbackTime(said, NOW, options)).toBeNull();
  });
});

describe('parseCallbackTime: outside business hours', () => {
  const cases: Array<[string, string, string]> = [
    ['a las 10 de la noche', '2026-06-11T08:00', 'A esa hora no estamos atendiendo; le llamaremos en cuanto abramos, mañana jueves 11 de junio a las 8 de la mañana.'],
    ['a las 7 de la mañana', '2026-06-11T08:00', 'A esa hora no estamos atendiendo; le llamaremos en cuanto abramos, mañana jueves 11 de junio a las 8 de la mañana.'],
    // Saturday closes at 13:00.
    ['el sábado a las 3 de la tarde', '2026-06-15T08:00', 'A esa hora no estamos atendiendo; le llamaremos en cuanto abramos, el lunes 15 de junio a las 8 de la mañana.'],
    ['el domingo', '2026-06-15T08:00', 'Ese día no estamos atendiendo; le llamaremos en cuanto abramos, el lunes 15 de junio a las 8 de la mañana.'],
    // 16 September (Independence Day) is an official rest day.
    ['el 16 de septiembre a las 10', '2026-09-17T08:00', 'Ese día no estamos atendiendo; le llamaremos en cuanto abramos, el jueves 17 de septiembre a las 8 de la mañana.'],
  ];

  it.each(cases)('«%s» → moved to the next opening %s', (said, at, spoken) => {
    const r = parseCallbackTime(said, NOW, options);
    expect(r?.at.toISOString()).toBe(local(at));
    expect(r?.spoken).toBe(spoken);
    expect(r?.moved).toBe(true);
  });

  it('«lo antes posible» at night → the next opening, and says the desk is closed now', () => {
    const night = new Date('2026-06-11T01:00:00Z'); // Wed 19:00
    const r = parseCallbackTime('lo antes posible', night, options);
    expect(r?.at.toISOString()).toBe(local('2026-06-11T08:00'));
    expect(r?.spoken).toBe('En este momento no estamos atendiendo; le llamaremos en cuanto abramos, mañana jueves 11 de junio a las 8 de la mañana.');
    expect(r).toMatchObject({ asap: true, moved: true });
    expect(callbackAsap(night, options)).toEqual(r);
  });

  it('«en la mañana» said in the afternoon means tomorrow morning', () => {
    const afternoon = new Date('2026-06-10T21:00:00Z'); // Wed 15:00
    expect(parseCallbackTime('en la mañana', afternoon, options)?.at.toISOString()).toBe(local('2026-06-11T08:00'));
  });

  it('«en media hora» at 17:45 runs past closing: tomorrow at opening', () => {
    const late = new Date('2026-06-10T23:45:00Z'); // Wed 17:45
    const r = parseCallbackTime('en media hora', late, options);
    expect(r?.at.toISOString()).toBe(local('2026-06-11T08:00'));
    expect(r?.moved).toBe(true);
  });

  it('without business hours (always open) nothing moves; a day without a time is at 9:00', () => {
    expect(parseCallbackTime('a las 10 de la noche', NOW, { timeZone: TZ })).toMatchObject({ at: new Date(local('2026-06-10T22:00')), moved: false, spoken: 'Le llamaremos hoy a las 10 de la noche.' });
    expect(parseCallbackTime('el domingo', NOW, { timeZone: TZ, schedule: null })?.at.toISOString()).toBe(local('2026-06-14T09:00'));
  });

  it('reads the wall clock of the desk zone, not of the host (Tijuana keeps daylight saving time)', () => {
    const r = parseCallbackTime('mañana a las diez', NOW, { timeZone: 'America/Tijuana' });
    expect(r?.at.toISOString()).toBe('2026-06-11T17:00:00.000Z'); // 10:00 PDT (UTC−7)
  });
});

describe('spoken times', () => {
  it.each([
    [13, 0, 'a la 1 de la tarde'],
    [12, 0, 'a las 12 del día'],
    [9, 5, 'a las 9:05 de la mañana'],
    [0, 30, 'a las 12:30 de la noche'],
    [21, 15, 'a las 9:15 de la noche'],
  ])('%i:%i → «%s»', (h, m, text) => {
    expect(spokenClock(h, m)).toBe(text);
  });

  it('names the year only when it is not this one', () => {
    expect(describeCallbackMoment(new Date(local('2027-01-05T10:00')), NOW, TZ)).toBe('el martes 5 de enero de 2027 a las 10 de la mañana');
  });
});
