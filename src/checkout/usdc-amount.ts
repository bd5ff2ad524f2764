import { USDC_DECIMALS } from '../chain/solana-ledger.port.js';

/** 1 USD cent in USDC base units (USDC has 6 decimals, a cent is 10^-2): 10^4. */
export const USDC_BASE_UNITS_PER_CENT = 10n ** BigInt(USDC_DECIMALS - 2);

function assertCents(cents: number): void {
  if (!Number.isSafeInteger(cents) || cents <= 0) throw new RangeError(`a price is a positive whole number of cents, got ${cents}`);
}

/** The USDC price of a USD price, 1 USDC = 1 USD, in base units: exact, integers only. */
export function centsToUsdcBaseUnits(cents: number): bigint {
  assertCents(cents);
  return BigInt(cents) * USDC_BASE_UNITS_PER_CENT;
}

/** Cents as an exact decimal string of dollars: 1234 -> "12.34", 5 -> "0.05". */
export function centsToDecimal(cents: number): string {
  assertCents(cents);
  const text = String(cents).padStart(3, '0');
  return `${text.slice(0, -2)}.${text.slice(-2)}`;
}

/**
 * The `amount` field of a Solana Pay URL for a price in cents. @solana/pay takes a JS number and turns it into base
 * units with `amount.toFixed(6)`, which is exact only while the base units stay below 2^53 (about 9 billion USDC);
 * a larger price is refused rather than charged wrongly.
 */
export function solanaPayAmount(cents: number): number {
  const amount = Number(centsToDecimal(cents));
  if (BigInt(amount.toFixed(USDC_DECIMALS).replace('.', '')) !== centsToUsdcBaseUnits(cents)) {
    throw new RangeError(`${cents} cents is too large for an exact Solana Pay amount`);
  }
  return amount;
}

/** Base units as a decimal string of USDC without trailing zeros: 12340000n -> "12.34". */
export function usdcBaseUnitsToDecimal(units: bigint): string {
  if (units < 0n) throw new RangeError(`negative amount ${units}`);
  const scale = 10n ** BigInt(USDC_DECIMALS);
  const fraction = (units % scale).toString().padStart(USDC_DECIMALS, '0').replace(/0+$/, '');
  return fraction ? `${units / scale}.${fraction}` : String(units / scale);
}
