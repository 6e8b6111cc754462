import { extractEntities, warmUpEntityRecognizers, type DateTimeEntity, type Entities } from '../../services/nlu/entities';

const MX = 'America/Mexico_City'; // UTC-6 all year
const NOW = new Date('2026-11-20T15:00:00-06:00'); // Friday 20 November 2026, 15:00 in Mexico City
const es = { language: 'es' as const, now: NOW, timeZone: MX };
const en = { language: 'en' as const, now: NOW, timeZone: MX };

const none: Entities = { extensions: [], phones: [], emails: [], datetimes: [], tickets: [] };

describe('extractEntities: extensions (es)', () => {
  it.each([
    ['mi extensión es 42500', ['42500']],
    ['mi extensión es cuarenta y dos quinientos', ['42500']],
    ['extensión cuatro dos cinco cero cero', ['42500']],
    ['ext. 1234', ['1234']],
    ['ext 315', ['315']],
    ['comuníqueme a la 42500 por favor', ['42500']],
    ['marque al 123', ['123']],
    ['la extensión cuatro dos cinco cero uno y la 42502', ['42501', '42502']],
    ['me pasa con la 42500, perdón, la 42500', ['42500']],
    ['42500', ['42500']],
    ['las extensiones 42500 y 42501', ['42500', '42501']],
    // Without a cue, 3–4 digits are hours, years or amounts.
    ['el equipo 2026 no prende', []],
    ['son 300 alumnos', []],
    ['tengo un problema con una impresora', []],
  ])('%s → %j', (text, extensions) => {
    expect(extractEntities(text, es).extensions).toEqual(extensions);
  });
});

describe('extractEntities: phones (es), normalised to 10 national digits', () => {
  it.each([
    ['55 1234 5678', ['5512345678']],
    ['mi cel es 5512345678', ['5512345678']],
    ['+52 55 1234 5678', ['5512345678']],
    ['+52 1 55 1234 5678', ['5512345678']],
    ['+525512345678', ['5512345678']],
    ['52 55 1234 5678', ['5512345678']],
    ['044 55 1234 5678', ['5512345678']],
    ['045 33 1234 5678', ['3312345678']],
    ['01 55 5729 6000', ['5557296000']],
    ['(55) 1234-5678', ['5512345678']],
    ['55-1234-5678', ['5512345678']],
    ['tel. 55.1234.5678', ['5512345678']],
    ['55 12 34 56 78', ['5512345678']],
    ['cincuenta y cinco, doce, treinta y cuatro, cincuenta y seis, setenta y ocho', ['5512345678']],
    ['mi celular es cero cuarenta y cuatro cincuenta y cinco doce treinta y cuatro cincuenta y seis setenta y ocho', ['5512345678']],
    ['5512345678 o bien +52 55 1234 5678, y en casa 33 3614 2000', ['5512345678', '3336142000']],
    // Eight-digit local numbers are no longer dialable in Mexico.
    ['5729 6000', []],
  ])('%s → %j', (text, phones) => {
    expect(extractEntities(text, es).phones).toEqual(phones);
  });

  it("does not read a phone's digits again as an extension or a date", () => {
    expect(extractEntities('tel 55 5729 6000 ext. 42500', es)).toEqual({ ...none, phones: ['5557296000'], extensions: ['42500'] });
    expect(extractEntities('mi cel es 55 1234 5678', es)).toEqual({ ...none, phones: ['5512345678'] });
    expect(extractEntities('mi número es 55 12345 678', es).extensions).toEqual([]);
  });
});

describe('extractEntities: emails (es)', () => {
  it.each([
    ['Mi correo es Juan.Perez@IPN.mx', ['juan.perez@ipn.mx']],
    ['juan punto perez arroba ipn punto mx', ['juan.perez@ipn.mx']],
    ['Juan punto Pérez arroba IPN punto MX', ['juan.perez@ipn.mx']],
    ['maria guion bajo lopez arroba alumno punto ipn punto mx', ['maria_lopez@alumno.ipn.mx']],
    ['soporte guion cau arroba ipn punto mx', ['soporte-cau@ipn.mx']],
    ['jperez@ipn.mx y también jperez@ipn.mx, o jp@gmail.com', ['jperez@ipn.mx', 'jp@gmail.com']],
    ['escríbame a arroba ipn', []],
  ])('%s → %j', (text, emails) => {
    expect(extractEntities(text, es).emails).toEqual(emails);
  });
});

describe('extractEntities: tickets (es)', () => {
  it.each([
    ['CAU-2026-000123', ['CAU-2026-000123']],
    ['mi ticket es cau 2026 123', ['CAU-2026-000123']],
    ['cau2026000123', ['CAU-2026-000123']],
    ['CAU 2026-123 y CAU-2026-124', ['CAU-2026-000123', 'CAU-2026-000124']],
    ['C.A.U. 2026 45', ['CAU-2026-000045']],
    ['cau dos mil veintiséis ciento veintitrés', ['CAU-2026-000123']],
    ['ce a u', []],
    ['mi folio es 2026 123', ['CAU-2026-000123']],
    ['el reporte número 2026-000777', ['CAU-2026-000777']],
  ])('%s → %j', (text, tickets) => {
    expect(extractEntities(text, es).tickets).toEqual(tickets);
  });

  it('uses the configured prefix and keeps the digits away from phones and extensions', () => {
    expect(extractEntities('mda 2026 7', { ...es, ticketPrefix: 'MDA' })).toEqual({ ...none, tickets: ['MDA-2026-000007'] });
    expect(extractEntities('CAU-2026-042500', es)).toEqual({ ...none, tickets: ['CAU-2026-042500'] });
  });
});

describe('extractEntities: dates and times (es), now = Friday 2026-11-20 15:00 in Mexico City', () => {
  const dt = (text: string, type: DateTimeEntity['type'], start: string, end?: string): DateTimeEntity =>
    (end === undefined ? { text, type, start } : { text, type, start, end });

  it.each([
    ['llámeme mañana a las 10', [dt('mañana a las 10', 'datetime', '2026-11-21T10:00:00-06:00')]],
    ['el lunes por la tarde', [dt('lunes por la tarde', 'datetimerange', '2026-11-23T16:00:00-06:00', '2026-11-23T20:00:00-06:00')]],
    // 10:30 is past today and 22:30 is outside working hours: a help desk means tomorrow at 10:30.
    ['a las diez y media', [dt('10 y media', 'time', '2026-11-21T10:30:00-06:00')]],
    ['a las 11 de la noche', [dt('11 de la noche', 'time', '2026-11-20T23:00:00-06:00')]],
    ['a las 4', [dt('4', 'time', '2026-11-20T16:00:00-06:00')]],
    ['el 3 de diciembre a las 9', [dt('3 de diciembre a las 9', 'datetime', '2026-12-03T09:00:00-06:00')]],
    ['hoy a las 5 de la tarde', [dt('hoy a las 5 de la tarde', 'datetime', '2026-11-20T17:00:00-06:00')]],
    ['la próxima semana', [dt('la próxima semana', 'daterange', '2026-11-23T00:00:00-06:00', '2026-11-30T00:00:00-06:00')]],
    ['ayer', [dt('ayer', 'date', '2026-11-19T00:00:00-06:00')]],
    // Open ranges: "since" keeps only its start; "before" runs from now.
    ['desde ayer no sirve', [dt('desde ayer', 'daterange', '2026-11-19T00:00:00-06:00')]],
    ['antes de las 6 de la tarde', [dt('antes de las 6 de la tarde', 'timerange', '2026-11-20T15:00:00-06:00', '2026-11-20T18:00:00-06:00')]],
    // Today is Friday: "el viernes" is today, not last week.
    ['el viernes', [dt('viernes', 'date', '2026-11-20T00:00:00-06:00')]],
    ['en dos horas', [dt('en 2 horas', 'datetime', '2026-11-20T17:00:00-06:00')]],
    ['dentro de una hora', [dt('una hora', 'duration', '2026-11-20T15:00:00-06:00', '2026-11-20T16:00:00-06:00')]],
    ['mañana entre las 9 y las 11', [
      dt('mañana entre las 9 y las 11', 'datetimerange', '2026-11-21T09:00:00-06:00', '2026-11-21T11:00:00-06:00'),
    ]],
    ['de 10 de la noche a 2 de la mañana', [
      dt('de 10 de la noche a 2 de la mañana', 'timerange', '2026-11-20T22:00:00-06:00', '2026-11-21T02:00:00-06:00'),
    ]],
    ['buenas tardes, no tengo internet', []],
    ['buenas noches', []],
    ['mi extensión es 42500', []],
  ])('%s', (text, datetimes) => {
    expect(extractEntities(text, es).datetimes).toEqual(datetimes);
  });

  it('resolves on the wall clock of the given zone', () => {
    // The same instant is 13:00 in Tijuana (UTC-8) and 22:00 in Madrid (UTC+1).
    expect(extractEntities('mañana a las 10', { ...es, timeZone: 'America/Tijuana' }).datetimes[0]?.start)
      .toBe('2026-11-21T10:00:00-08:00');
    expect(extractEntities('mañana a las 10', { ...es, timeZone: 'Europe/Madrid' }).datetimes[0]?.start)
      .toBe('2026-11-21T10:00:00+01:00');
    // 23:30 in Mexico City is already Saturday in UTC: "mañana" is still Saturday the 21st.
    const lateNight = new Date('2026-11-21T05:30:00Z');
    expect(extractEntities('mañana', { ...es, now: lateNight }).datetimes).toEqual([dt('mañana', 'date', '2026-11-21T00:00:00-06:00')]);
  });

  it("does not depend on the host's time zone", () => {
    const saved = process.env.TZ;
    try {
      process.env.TZ = 'Asia/Tokyo';
      expect(extractEntities('mañana a las 10', es).datetimes[0]?.start).toBe('2026-11-21T10:00:00-06:00');
      process.env.TZ = 'UTC';
      expect(extractEntities('el lunes por la tarde', es).datetimes[0]?.end).toBe('2026-11-23T20:00:00-06:00');
    } finally {
      if (saved === undefined) delete process.env.TZ;
      else process.env.TZ = saved;
    }
  });
});

describe('extractEntities: whole utterances', () => {
  beforeAll(() => {
    warmUpEntityRecognizers('es');
    warmUpEntityRecognizers('en');
  });

  it('reads a dictated contact (es)', () => {
    const text = 'Soy Juan Pérez, extensión cuarenta y dos quinientos, mi celular cincuenta y cinco doce treinta y cuatro ' +
      'cincuenta y seis setenta y ocho, correo juan punto perez arroba ipn punto mx, sobre el ticket cau 2026 123, ' +
      'llámenme mañana a las diez';
    expect(extractEntities(text, es)).toEqual({
      extensions: ['42500'],
      phones: ['5512345678'],
      emails: ['juan.perez@ipn.mx'],
      datetimes: [{ text: 'mañana a las 10', type: 'datetime', start: '2026-11-21T10:00:00-06:00' }],
      tickets: ['CAU-2026-000123'],
    });
  });

  it('finds nothing in a plain request', () => {
    expect(extractEntities('no puedo entrar a mi correo institucional', es)).toEqual(none);
  });

  it('reads English', () => {
    const text = 'call me tomorrow at 10, john dot smith at example dot com, extension four two five oh oh, ' +
      'mobile +52 55 1234 5678, ticket CAU 2026 55';
    expect(extractEntities(text, en)).toEqual({
      extensions: ['42500'],
      phones: ['5512345678'],
      emails: ['john.smith@example.com'],
      datetimes: [{ text: 'tomorrow at 10', type: 'datetime', start: '2026-11-21T10:00:00-06:00' }],
      tickets: ['CAU-2026-000055'],
    });
    expect(extractEntities('I have one problem with my printer', en)).toEqual(none);
  });
});
