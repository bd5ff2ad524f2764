import { ProvenanceError, ProvenanceErrorCode } from './provenance-error.js';
import { ID_PATTERN } from './provenance-fields.js';

/**
 * Leaf encoding of one row of a sale's revenue split (documented in README.md as well).
 *
 * The leaf bytes are the UTF-8 (here: pure ASCII) encoding of exactly this string, with no trailing newline:
 *
 *   spl1|<splitId>|<payee>|<role>|<currency>|<amount>
 *
 *   byte(s)     field      rule
 *   "spl1"      tag        4 ASCII bytes 73 70 6c 31: leaf kind and encoding version (never equal to "dsv1")
 *   "|"         separator  one byte 0x7c between every two fields
 *   splitId     ASCII      1-64 of [A-Za-z0-9_-] (the split's UUID)
 *   payee       ASCII      1-64 of [A-Za-z0-9_-]: a base58 Solana wallet, a Stripe account id or a user id
 *   role        ASCII      platform | curator | contributor
 *   currency    ASCII      USD | USDC (the unit of amount: USD cents, or USDC base units of 10^-6)
 *   amount      ASCII      integer minor units as a decimal: 0 or 1-30 digits without a leading zero or sign
 *
 * Every field has a fixed alphabet without "|", so the string splits back into exactly one row. The currency is in
 * the leaf because the same number means 10,000 times more as USD cents than as USDC base units.
 */
export const SPLIT_LEAF_TAG = 'spl1';
export const SPLIT_ROLES = ['platform', 'curator', 'contributor'] as const;
export const SPLIT_CURRENCIES = ['USD', 'USDC'] as const;
export type SplitRole = (typeof SPLIT_ROLES)[number];
export type SplitCurrency = (typeof SPLIT_CURRENCIES)[number];

export interface SplitRow {
  splitId: string;
  payee: string;
  role: SplitRole;
  currency: SplitCurrency;
  /** Integer minor units as a canonical decimal string ("0", "1250"). */
  amount: string;
}

const AMOUNT = /^(0|[1-9][0-9]{0,29})$/;

function invalid(message: string): ProvenanceError {
  return new ProvenanceError(ProvenanceErrorCode.INVALID_SPLIT_ROW, message);
}

export function assertSplitRow(row: SplitRow): void {
  if (typeof row.splitId !== 'string' || !ID_PATTERN.test(row.splitId)) throw invalid('splitId must be 1-64 characters of [A-Za-z0-9_-]');
  if (typeof row.payee !== 'string' || !ID_PATTERN.test(row.payee)) throw invalid('payee must be 1-64 characters of [A-Za-z0-9_-]');
  if (!(SPLIT_ROLES as readonly unknown[]).includes(row.role)) throw invalid(`role must be one of ${SPLIT_ROLES.join(', ')}`);
  if (!(SPLIT_CURRENCIES as readonly unknown[]).includes(row.currency)) throw invalid(`currency must be one of ${SPLIT_CURRENCIES.join(', ')}`);
  if (typeof row.amount !== 'string' || !AMOUNT.test(row.amount)) {
    throw invalid('amount must be integer minor units as a decimal string without sign or leading zeros');
  }
}

export function splitLeafString(row: SplitRow): string {
  assertSplitRow(row);
  return [SPLIT_LEAF_TAG, row.splitId, row.payee, row.role, row.currency, row.amount].join('|');
}

export function encodeSplitLeaf(row: SplitRow): Buffer {
  return Buffer.from(splitLeafString(row), 'utf8');
}

/** Inverse of encodeSplitLeaf; throws on any bytes encodeSplitLeaf could not have produced. */
export function decodeSplitLeaf(bytes: Uint8Array): SplitRow {
  const text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
  const fields = text.split('|');
  if (fields.length !== 6 || fields[0] !== SPLIT_LEAF_TAG) throw invalid('not a spl1 split leaf');
  const [, splitId, payee, role, currency, amount] = fields;
  const row = { splitId, payee, role, currency, amount } as SplitRow;
  assertSplitRow(row);
  return row;
}

/**
 * The canonical leaf order of a split: rows sorted by their leaf bytes, so the root does not depend on row order.
 * All rows share one splitId and one currency; a payee appears at most once per role.
 */
export function splitLeaves(rows: readonly SplitRow[]): { rows: SplitRow[]; leaves: Buffer[] } {
  const encoded = rows.map((row) => ({ row, leaf: encodeSplitLeaf(row) }));
  encoded.sort((a, b) => Buffer.compare(a.leaf, b.leaf));
  const seen = new Set<string>();
  for (const { row } of encoded) {
    if (row.splitId !== encoded[0].row.splitId || row.currency !== encoded[0].row.currency) {
      throw invalid('all rows of a split must share its splitId and currency');
    }
    const key = `${row.role}|${row.payee}`;
    if (seen.has(key)) throw invalid(`payee ${row.payee} appears twice as ${row.role}`);
    seen.add(key);
  }
  return { rows: encoded.map((e) => e.row), leaves: encoded.map((e) => e.leaf) };
}
