/**
 * TypeORM transformer for bigint columns read as JavaScript numbers: pg answers bigints as strings. Only for values
 * that stay below 2^53 (byte sizes, cents, counts); USDC sums that may not are kept as bigint instead.
 */
export const bigintAsNumber = {
  to: (value: number | null | undefined) => value,
  from: (value: string | null) => (value === null ? null : Number(value)),
};
