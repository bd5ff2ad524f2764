import type { ObjectLiteral, SelectQueryBuilder } from 'typeorm';
import { CommonErrorCode, CommonException } from './errors/common.exception.js';
import { isUuid } from './uuid.js';

/**
 * Position in a list ordered by (created_at, id), handed to clients as an opaque cursor. `createdAt` is the column's
 * exact value as text in UTC with all six fraction digits (`2026-12-04T10:11:12.123456Z`): a JavaScript Date keeps
 * only milliseconds, and a cursor rounded to them skips or repeats rows whose timestamps differ in microseconds.
 */
export interface KeysetPosition {
  createdAt: string;
  id: string;
}

export interface KeysetPage<T> {
  items: T[];
  nextCursor: string | null;
}

// Date#toISOString's form, or PostgreSQL's own text form of a timestamptz (`2026-12-04 10:11:12.123456+00`).
const CURSOR_TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/;
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
  return Buffer.from(`${position.createdAt}|${position.id}`).toString('base64url');
}

export function decodeCursor(cursor: string): KeysetPosition {
  const parts = Buffer.from(cursor, 'base64url').toString('utf8').split('|');
  if (parts.length !== 2) throw invalidCursor();
  const [createdAt, id] = parts;
  // Only the form keysetPage writes.
  if (!CURSOR_TIMESTAMP.test(createdAt) || !cursorValues.isTimestamp(createdAt) || !cursorValues.isUuid(id)) throw invalidCursor();
  return { createdAt, id };
}

/**
 * One page of `query` in (created_at, id) order, starting after `after`, with the cursor of the next page. The
 * cursor carries the last row's created_at to the microsecond as PostgreSQL holds it, so the comparison of the next
 * page is exact. `query` selects one entity (alias.created_at and alias.id columns) without joins that repeat rows.
 */
export async function keysetPage<T extends ObjectLiteral & { id: string }>(
  query: SelectQueryBuilder<T>,
  direction: 'ASC' | 'DESC',
  limit: number,
  after?: KeysetPosition,
): Promise<KeysetPage<T>> {
  const alias = query.alias;
  query
    .addSelect(`to_char(${alias}.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`, 'keyset_created_at')
    .orderBy(`${alias}.created_at`, direction)
    .addOrderBy(`${alias}.id`, direction)
    .limit(limit + 1);
  if (after) {
    query.andWhere(
      `(${alias}.created_at, ${alias}.id) ${direction === 'ASC' ? '>' : '<'} (CAST(:keysetCreatedAt AS timestamptz), CAST(:keysetId AS uuid))`,
      { keysetCreatedAt: after.createdAt, keysetId: after.id },
    );
  }
  const { entities, raw } = await query.getRawAndEntities<Record<string, unknown>>();
  const items = entities.slice(0, limit);
  const last = items.at(-1);
  if (entities.length <= limit || !last) return { items, nextCursor: null };
  const lastRow = raw.find((row) => row[`${alias}_id`] === last.id);
  const createdAt = lastRow?.keyset_created_at;
  if (typeof createdAt !== 'string') throw new Error(`keyset page of ${alias}: no created_at text for row ${last.id}`);
  return { items, nextCursor: encodeCursor({ createdAt, id: last.id }) };
}
