/** JSON.rawJSON (V8, Node.js 21+) is not in TypeScript's ES2023 library yet. */
const rawJSON = (text: string): unknown => (JSON as unknown as { rawJSON: (text: string) => unknown }).rawJSON(text);

/**
 * JSON text with every bigint written as a plain number literal, as a validator writes u64 values (lamports,
 * slots, `rentEpoch` = 2^64 - 1): @solana/kit reads numbers past 2^53 back into bigints exactly.
 */
export function stringifyJsonWithBigInts(value: unknown): string {
  return JSON.stringify(value, (_key, item: unknown) => (typeof item === 'bigint' ? rawJSON(item.toString()) : item));
}
