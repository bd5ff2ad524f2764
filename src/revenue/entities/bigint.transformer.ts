import type { ValueTransformer } from 'typeorm';

/** pg hands bigint columns back as strings; amounts stay exact as bigint (USDC sums can pass 2^53). */
export const bigintColumn: ValueTransformer = {
  to: (value: bigint | null | undefined) => (value === null || value === undefined ? value : value.toString()),
  from: (value: string | null) => (value === null ? null : BigInt(value)),
};
