const MINUTES_PER_HOUR = 60;
const MINUTES_PER_DAY = 24 * MINUTES_PER_HOUR;

/**
 * A pg-boss schedule expression for "every `minutes` minutes", in slots counted from the Unix epoch (UTC), so every
 * instance agrees on the slots whenever it started. A cron expression where one says it (intervals that divide an
 * hour or a day), else a recurrence rule, which pg-boss anchors on the epoch (DTSTART 1970-01-01T00:00 in the
 * schedule's zone, UTC here).
 */
export function everyMinutes(minutes: number): string {
  if (!Number.isInteger(minutes) || minutes < 1) throw new RangeError(`an interval of whole minutes (at least 1) is needed, not ${minutes}`);
  if (minutes === 1) return '* * * * *';
  if (MINUTES_PER_HOUR % minutes === 0) return `*/${minutes} * * * *`;
  if (minutes % MINUTES_PER_HOUR === 0 && MINUTES_PER_DAY % minutes === 0) {
    const hours = minutes / MINUTES_PER_HOUR;
    return hours === 24 ? '0 0 * * *' : `0 */${hours} * * *`;
  }
  return `FREQ=MINUTELY;INTERVAL=${minutes}`;
}
