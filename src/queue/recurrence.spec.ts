import { PgBoss } from 'pg-boss';
import { everyMinutes } from './recurrence.js';

describe('everyMinutes', () => {
  it('uses cron where cron says it, and a recurrence rule elsewhere', () => {
    expect(everyMinutes(1)).toBe('* * * * *');
    expect(everyMinutes(15)).toBe('*/15 * * * *');
    expect(everyMinutes(120)).toBe('0 */2 * * *');
    expect(everyMinutes(24 * 60)).toBe('0 0 * * *');
    expect(everyMinutes(90)).toBe('FREQ=MINUTELY;INTERVAL=90');
    expect(everyMinutes(7 * 24 * 60)).toBe('FREQ=MINUTELY;INTERVAL=10080');
  });

  it('refuses an interval that is not a positive whole number of minutes', () => {
    expect(() => everyMinutes(0)).toThrow(RangeError);
    expect(() => everyMinutes(1.5)).toThrow(RangeError);
  });

  // previewSchedule evaluates an expression the way pg-boss's cron pass does, without a database.
  const boss = new PgBoss({ connectionString: 'postgres://unused@127.0.0.1:1/unused' });
  const slotsOf = (minutes: number, from: Date) => boss.previewSchedule(everyMinutes(minutes), { from, count: 3 }).map((date) => date.getTime());

  it.each([1, 7, 15, 90, 120, 24 * 60, 7 * 24 * 60, 31 * 24 * 60])('recurs every %i minutes on slots of the epoch', (minutes) => {
    const from = new Date(Date.UTC(2026, 4, 17, 13, 41, 30));
    const slot = minutes * 60_000;
    const first = (Math.floor(from.getTime() / slot) + 1) * slot;
    expect(slotsOf(minutes, from)).toEqual([first, first + slot, first + 2 * slot]);
  });
});
