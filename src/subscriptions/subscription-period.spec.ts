import { describe, expect, it } from '@jest/globals';
import { periodEnd, periodOf, periodStart, previousPeriod } from './subscription-period.js';

describe('subscription billing periods (calendar months, UTC)', () => {
  it('names the month of an instant in UTC, not local time', () => {
    expect(periodOf(new Date('2026-12-31T23:59:59.999Z'))).toBe('2026-12');
    expect(periodOf(new Date('2027-01-01T00:00:00.000Z'))).toBe('2027-01');
  });

  it('bills the month before the run: January bills December of the year before', () => {
    expect(previousPeriod(new Date('2027-01-01T00:00:00Z'))).toBe('2026-12');
    expect(previousPeriod(new Date('2026-03-01T00:00:30Z'))).toBe('2026-02');
  });

  it('ends a period at the first instant of the next month', () => {
    expect(periodEnd('2026-12').toISOString()).toBe('2027-01-01T00:00:00.000Z');
    expect(periodEnd('2026-02').toISOString()).toBe('2026-03-01T00:00:00.000Z');
  });

  it('takes only YYYY-MM with a real month', () => {
    expect(periodStart('2026-12')).toBe('2026-12-01');
    expect(periodStart('2026-13')).toBeNull();
    expect(periodStart('2026-1')).toBeNull();
    expect(periodStart('2026-12-01')).toBeNull();
  });
});
