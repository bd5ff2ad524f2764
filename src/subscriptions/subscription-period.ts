/**
 * Billing periods are calendar months in UTC, named 'YYYY-MM' in the API and stored as their first day. The scheduled
 * run on the first of a month bills the month that just ended.
 */
const PERIOD = /^(\d{4})-(0[1-9]|1[0-2])$/;

/** 'YYYY-MM' -> the month's first day 'YYYY-MM-01', or null when it is not a month. */
export function periodStart(period: string): string | null {
  const match = PERIOD.exec(period);
  return match ? `${match[1]}-${match[2]}-01` : null;
}

/** The month (UTC) that holds the instant, as 'YYYY-MM'. */
export function periodOf(at: Date): string {
  return at.toISOString().slice(0, 7);
}

/** The month before the one that holds the instant (what the run on the 1st bills). */
export function previousPeriod(at: Date): string {
  return periodOf(new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth() - 1, 1)));
}

/** The first instant after the period (its end, exclusive). */
export function periodEnd(period: string): Date {
  const [year, month] = period.split('-').map(Number);
  return new Date(Date.UTC(year, month, 1));
}

/** The scheduled run: 00:00 UTC on the first of every month. */
export const MONTHLY_BILLING_CRON = '0 0 1 * *';
