import { farewellTimeOfDay, hourInTimeZone, isValidTimeZone, timeOfDayGreeting } from '../../dialogs/greeting';

const MX = 'America/Mexico_City'; // UTC-6 all year since 2022 (no daylight saving)

describe('timeOfDayGreeting / farewellTimeOfDay', () => {
  test.each([
    // instant (UTC), zone, local hour, greeting, farewell
    ['2026-11-22T17:30:00Z', MX, 11, 'Buenos días', 'que tenga buen día'],
    ['2026-11-22T17:30:00Z', 'UTC', 17, 'Buenas tardes', 'que tenga buena tarde'],
    ['2026-11-22T10:59:59Z', MX, 4, 'Buenas noches', 'que tenga buena noche'],
    ['2026-11-22T11:00:00Z', MX, 5, 'Buenos días', 'que tenga buen día'],
    ['2026-11-22T17:59:59Z', MX, 11, 'Buenos días', 'que tenga buen día'],
    ['2026-11-22T18:00:00Z', MX, 12, 'Buenas tardes', 'que tenga buena tarde'],
    ['2026-11-23T00:59:59Z', MX, 18, 'Buenas tardes', 'que tenga buena tarde'],
    ['2026-11-23T01:00:00Z', MX, 19, 'Buenas noches', 'que tenga buena noche'],
    // Near midnight: 23:59 and 00:00 in Mexico City while it is already morning in UTC.
    ['2026-11-23T05:59:00Z', MX, 23, 'Buenas noches', 'que tenga buena noche'],
    ['2026-11-23T06:00:00Z', MX, 0, 'Buenas noches', 'que tenga buena noche'],
    ['2026-11-23T06:00:00Z', 'UTC', 6, 'Buenos días', 'que tenga buen día'],
    // Other zones.
    ['2026-11-22T17:30:00Z', 'Europe/Madrid', 18, 'Buenas tardes', 'que tenga buena tarde'],
    ['2026-11-22T17:30:00Z', 'America/Tijuana', 9, 'Buenos días', 'que tenga buen día'],
    ['2026-11-22T23:30:00Z', 'America/Cancun', 18, 'Buenas tardes', 'que tenga buena tarde'],
    // Tijuana keeps daylight saving (UTC-7 in July): 04:30 there, 05:30 in Mexico City.
    ['2026-07-01T11:30:00Z', 'America/Tijuana', 4, 'Buenas noches', 'que tenga buena noche'],
    ['2026-07-01T11:30:00Z', MX, 5, 'Buenos días', 'que tenga buen día'],
  ])('%s in %s is %i h → %s / %s', (iso, zone, hour, greeting, farewell) => {
    const date = new Date(iso);
    expect(hourInTimeZone(date, zone)).toBe(hour);
    expect(timeOfDayGreeting(date, zone)).toBe(greeting);
    expect(farewellTimeOfDay(date, zone)).toBe(farewell);
  });

  test("does not depend on the machine's time zone", () => {
    const saved = process.env.TZ;
    try {
      process.env.TZ = 'Asia/Tokyo';
      expect(timeOfDayGreeting(new Date('2026-11-22T17:30:00Z'), MX)).toBe('Buenos días');
      process.env.TZ = 'UTC';
      expect(timeOfDayGreeting(new Date('2026-11-22T17:30:00Z'), MX)).toBe('Buenos días');
    } finally {
      process.env.TZ = saved;
    }
  });

  test('an unknown zone fails instead of greeting at the wrong hour', () => {
    expect(() => timeOfDayGreeting(new Date('2026-11-22T17:30:00Z'), 'America/Ciudad_Gotica')).toThrow(RangeError);
    expect(isValidTimeZone('America/Ciudad_Gotica')).toBe(false);
    expect(isValidTimeZone(MX)).toBe(true);
  });
});
