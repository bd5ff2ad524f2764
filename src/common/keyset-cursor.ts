import { CommonErrorCode, CommonException } from './errors/common.exception.js';
import { isUuid } from './uuid.js';

/** Position in a list ordered by (created_at, id), handed to clients as an opaque cursor. */
export interface KeysetPosition {
  createdAt: Date;
  id: string;
}

// Date#toISOString's form, or PostgreSQL's own text form of a timestamptz (`2026-12-04 10:11:12.123456+00`).
const TIMESTAMP = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2}):(\d{2})(\.\d{1,6})?(Z|[+-]\d{2}(:?\d{2})?)$/;
const DECIMAL_INTEGER = /^(0|[1-9]\d{0,18})$/;
const DECIMAL_NUMBER = /^-?(\d+(\.\d*)?|\.\d+)(e[+-]?\d+)?$/i;
const BIGINT_MAX = 9_223_372_036_854_775_807n;
// PostgreSQL's `real` refuses values outside these magnitudes (overflow and underflow), except 0.
const REAL_MIN = 1.2e-38;
const REAL_MAX = 3.4e38;

function invalidCursor(): CommonException {
  return new CommonException(CommonErrorCode.VALIDATION_FAILED, 'cursor is not one this API handed out');
}

/**
 * Cursors are opaque, so anything a client sends back may have been made up. These checks hold each decoded part to
 * what the database accepts for its column type, so a forged cursor is a 400 instead of a failed query.
 */
export const cursorValues = {
  isUuid,
  /** A `timestamptz` as Date#toISOString or PostgreSQL writes it: a real calendar date and time, in years 1 to 9999. */
  isTimestamp: (text: string): boolean => {
    const match = TIMESTAMP.exec(text);
    if (!match) return false;
    const [year, month, day, hour, minute, second] = match.slice(1, 7).map(Number);
    const date = new Date(0);
    date.setUTCFullYear(year, month - 1, day);
    return year >= 1 && date.getUTCMonth() === month - 1 && date.getUTCDate() === day && hour < 24 && minute < 60 && second < 60;
  },
  /** A non-negative `bigint`. */
  isBigint: (text: string): boolean => DECIMAL_INTEGER.test(text) && BigInt(text) <= BIGINT_MAX,
  /** A finite `real` (float4) the database can read back without overflow or underflow. */
  isReal: (text: string): boolean => {
    if (!DECIMAL_NUMBER.test(text)) return false;
    const magnitude = Math.abs(Number(text));
    return magnitude === 0 || (magnitude >= REAL_MIN && magnitude <= REAL_MAX);
  },
};

export function encodeCursor(position: KeysetPosition): string {
  return Buffer.from(`${position.createdAt.toISOString()}|${position.id}`).toString('base64url');
}

export function decodeCursor(cursor: string): KeysetPosition {
  const parts = Buffer.from(cursor, 'base64url').toString('utf8').split('|');
  if (parts.length !== 2) throw invalidCursor();
  const [createdAt, id] = parts;
  if (!cursorValues.isTimestamp(createdAt) || !cursorValues.isUuid(id)) throw invalidCursor();
  const position = new Date(createdAt);
  // Only the form encodeCursor writes.
  if (position.toISOString() !== createdAt) throw invalidCursor();
  return { createdAt: position, id };
}

/** Splits a page fetched with limit + 1 rows into the items and the cursor of the next page. */
export function pageOf<T extends KeysetPosition>(rows: T[], limit: number): { items: T[]; nextCursor: string | null } {
  const items = rows.slice(0, limit);
  const last = items.at(-1);
  return { items, nextCursor: rows.length > limit && last ? encodeCursor(last) : null };
}
