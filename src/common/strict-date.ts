import { ValidateBy, type ValidationOptions } from 'class-validator';

/**
 * The dates the API accepts: a calendar date `YYYY-MM-DD` (midnight UTC), or a date and time with seconds optional,
 * a fraction of up to 9 digits (kept to the millisecond) and an explicit `Z` or `±hh:mm` offset (RFC 3339 / ISO 8601).
 * A time without an offset is refused: it names no instant.
 */
const STRICT_DATE = /^(\d{4})-(\d{2})-(\d{2})(?:[Tt](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?([Zz]|([+-])(\d{2}):(\d{2})))?$/;

export const STRICT_DATE_FORMAT = 'YYYY-MM-DD, or YYYY-MM-DDThh:mm[:ss[.fff]] with Z or an offset such as +02:00';

function daysInMonth(year: number, month: number): number {
  if (month === 2) return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

/**
 * The instant a strict date names, or null when the text is not one: wrong shape, an impossible calendar date
 * (2026-02-30, 2026-13-01), an impossible time (24:00, 12:60, a leap second :60) or offset (+24:00), or year 0000.
 * Never rolls over into the next day or month as `new Date()` does.
 */
export function parseStrictDate(text: unknown): Date | null {
  if (typeof text !== 'string') return null;
  const match = STRICT_DATE.exec(text);
  if (!match) return null;
  const [, y, mo, d, h = '00', mi = '00', s = '00', fraction = '', , sign, offH = '00', offM = '00'] = match;
  const year = Number(y);
  const month = Number(mo);
  const day = Number(d);
  const hour = Number(h);
  const minute = Number(mi);
  const second = Number(s);
  const offsetHours = Number(offH);
  const offsetMinutes = Number(offM);
  if (year < 1 || month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return null;
  if (hour > 23 || minute > 59 || second > 59 || offsetHours > 23 || offsetMinutes > 59) return null;
  const millis = Number(fraction.padEnd(3, '0').slice(0, 3));
  const offset = (sign === '-' ? -1 : 1) * (offsetHours * 60 + offsetMinutes);
  // Date.UTC maps years 0-99 to 1900-1999; setUTCFullYear does not.
  const instant = new Date(Date.UTC(2000, month - 1, day, hour, minute, second, millis));
  instant.setUTCFullYear(year);
  return new Date(instant.getTime() - offset * 60_000);
}

/** class-validator decorator for a strict date string (see parseStrictDate); the message names the field. */
export function IsStrictDate(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isStrictDate',
      validator: {
        validate: (value: unknown) => parseStrictDate(value) !== null,
        defaultMessage: (args) => `${args?.property ?? 'value'} must be a real date (${STRICT_DATE_FORMAT})`,
      },
    },
    options,
  );
}
