import tzLookup from '@photostructure/tz-lookup';

/**
 * Local wall-clock times (DJI SRT, loggers without a zone) to UTC, from the position: the IANA zone comes from
 * @photostructure/tz-lookup (time-zone boundaries shipped inside the package, no network, no native code; at sea it
 * answers the nautical zone, e.g. Etc/GMT+1), and its offset at an instant from the ICU data Node carries, through
 * Intl. Nothing here reads the server's own time zone.
 */

/** The IANA time zone at a WGS84 position, or undefined when the position is not valid. */
export function timeZoneAt(lat: number, lon: number): string | undefined {
  if (!Number.isFinite(lat) || !Number.isFinite(lon) || Math.abs(lat) > 90 || Math.abs(lon) > 180) return undefined;
  try {
    return tzLookup(lat, lon);
  } catch {
    return undefined;
  }
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(zone: string): Intl.DateTimeFormat {
  let f = formatters.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      era: 'short',
    });
    formatters.set(zone, f);
  }
  return f;
}

/** Minutes `zone` is ahead of UTC at the UTC instant `utcMs` (e.g. +120 for Europe/Madrid in summer). */
export function zoneOffsetMinutes(zone: string, utcMs: number): number {
  const whole = Math.floor(utcMs / 1000) * 1000;
  const parts: Partial<Record<Intl.DateTimeFormatPartTypes, string>> = {};
  for (const part of formatter(zone).formatToParts(new Date(whole))) parts[part.type] = part.value;
  const year = Number(parts.year) * (parts.era === 'BC' || parts.era === 'B' ? -1 : 1);
  const wall = Date.UTC(year, Number(parts.month) - 1, Number(parts.day), Number(parts.hour), Number(parts.minute), Number(parts.second));
  return Math.round((wall - whole) / 60_000);
}

/**
 * A wall-clock reading in `zone` (given as the epoch ms that reading would have in UTC) to the UTC instant. A reading
 * that occurs twice (the hour repeated when clocks go back) is taken at its first occurrence; one that never occurs
 * (skipped when clocks go forward) with the offset in force before the change.
 */
export function zonedToUtcMs(localMs: number, zone: string): number {
  // Around a change the offset is the one of the day before or the one of the day after; a candidate is valid when
  // the zone's offset at the instant it gives is the one it assumed.
  const before = zoneOffsetMinutes(zone, localMs - 86_400_000);
  const after = zoneOffsetMinutes(zone, localMs + 86_400_000);
  const valid = [before, after].map((offset) => localMs - offset * 60_000).filter((utc) => utc + zoneOffsetMinutes(zone, utc) * 60_000 === localMs);
  return valid.length > 0 ? Math.min(...valid) : localMs - before * 60_000;
}

/** `+02:00`, `-07:00`, `+05:45` for an offset in minutes. */
export function formatOffset(minutes: number): string {
  const sign = minutes < 0 ? '-' : '+';
  const abs = Math.abs(minutes);
  return `${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
}
