import { CommonErrorCode, CommonException } from './errors/common.exception.js';

/** Position in a list ordered by (created_at, id), handed to clients as an opaque cursor. */
export interface KeysetPosition {
  createdAt: Date;
  id: string;
}

const CURSOR = /^(\d{4}-\d{2}-\d{2}T[\d:.]+Z)\|([0-9a-f-]{36})$/;

export function encodeCursor(position: KeysetPosition): string {
  return Buffer.from(`${position.createdAt.toISOString()}|${position.id}`).toString('base64url');
}

export function decodeCursor(cursor: string): KeysetPosition {
  const match = CURSOR.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  if (!match) throw new CommonException(CommonErrorCode.VALIDATION_FAILED, 'cursor is not one this API handed out');
  return { createdAt: new Date(match[1]), id: match[2] };
}

/** Splits a page fetched with limit + 1 rows into the items and the cursor of the next page. */
export function pageOf<T extends KeysetPosition>(rows: T[], limit: number): { items: T[]; nextCursor: string | null } {
  const items = rows.slice(0, limit);
  const last = items.at(-1);
  return { items, nextCursor: rows.length > limit && last ? encodeCursor(last) : null };
}
