/**
 * Time-of-day phrases for the attention protocol (seed 002, «Saludo» and «Despedida»).
 *
 * The hour is read in the configured IANA time zone with `Intl`, never in the machine's zone: the servers may run
 * in UTC while the help desk works on Mexico City time.
 */

/** The protocol greeting for the hour of the day. */
export type TimeOfDayGreeting = 'Buenos días' | 'Buenas tardes' | 'Buenas noches';

/** The protocol closing wish for the hour of the day. */
export type FarewellTimeOfDay = 'que tenga buen día' | 'que tenga buena tarde' | 'que tenga buena noche';

type DayPart = 'morning' | 'afternoon' | 'night';

const GREETINGS: Readonly<Record<DayPart, TimeOfDayGreeting>> = {
  morning: 'Buenos días',
  afternoon: 'Buenas tardes',
  night: 'Buenas noches',
};

const FAREWELLS: Readonly<Record<DayPart, FarewellTimeOfDay>> = {
  morning: 'que tenga buen día',
  afternoon: 'que tenga buena tarde',
  night: 'que tenga buena noche',
};

/**
 * The hour (0–23) of `date` on the wall clock of `timeZone`.
 *
 * @throws RangeError when `timeZone` is not a valid IANA zone name (fail fast instead of greeting at a wrong hour).
 */
export function hourInTimeZone(date: Date, timeZone: string): number {
  // hourCycle h23 avoids the "24" some engines print for midnight with hour12: false.
  const parts = new Intl.DateTimeFormat('en-US', { timeZone, hour: 'numeric', hourCycle: 'h23' }).formatToParts(date);
  const hour = parts.find((part) => part.type === 'hour');
  if (hour === undefined) {
    throw new Error(`hourInTimeZone(): no hour for time zone "${timeZone}"`);
  }
  return Number.parseInt(hour.value, 10) % 24;
}

function dayPart(date: Date, timeZone: string): DayPart {
  const hour = hourInTimeZone(date, timeZone);
  if (hour >= 5 && hour < 12) {
    return 'morning';
  }
  if (hour >= 12 && hour < 19) {
    return 'afternoon';
  }
  return 'night';
}

/** «Buenos días» 05:00–11:59, «Buenas tardes» 12:00–18:59, «Buenas noches» otherwise, in `timeZone`. */
export function timeOfDayGreeting(date: Date, timeZone: string): TimeOfDayGreeting {
  return GREETINGS[dayPart(date, timeZone)];
}

/** «que tenga buen día / buena tarde / buena noche», with the same hour ranges as {@link timeOfDayGreeting}. */
export function farewellTimeOfDay(date: Date, timeZone: string): FarewellTimeOfDay {
  return FAREWELLS[dayPart(date, timeZone)];
}

/** True when `timeZone` is an IANA zone name that `Intl` understands. */
export function isValidTimeZone(timeZone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone });
    return true;
  } catch {
    return false;
  }
}
