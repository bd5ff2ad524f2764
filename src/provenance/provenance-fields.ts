/**
 * Field rules shared by the leaf encodings and the memo records. Identifiers are restricted to a small ASCII
 * alphabet that contains neither `|` (the leaf separator) nor `:` (the memo separator), so every encoding that
 * joins them is unambiguous: UUIDs, base58 wallet addresses and Stripe account ids (`acct_...`) all fit.
 */
export const ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;

/** Canonical decimal of a positive integer: no sign, no leading zeros, at most Number.MAX_SAFE_INTEGER. */
export function isPositiveSafeInteger(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 1;
}

export function isNonNegativeSafeInteger(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}

export const CANONICAL_POSITIVE_DECIMAL = /^[1-9][0-9]{0,15}$/;
