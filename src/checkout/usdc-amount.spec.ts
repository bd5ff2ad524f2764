import fc from 'fast-check';
import { centsToDecimal, centsToUsdcBaseUnits, solanaPayAmount, usdcBaseUnitsToDecimal } from './usdc-amount.js';

describe('USD / USDC amounts', () => {
  it('converts cents to USDC base units exactly (1 cent = 10^4 base units)', () => {
    expect(centsToUsdcBaseUnits(1)).toBe(10_000n);
    expect(centsToUsdcBaseUnits(1234)).toBe(12_340_000n);
    expect(centsToUsdcBaseUnits(Number.MAX_SAFE_INTEGER)).toBe(BigInt(Number.MAX_SAFE_INTEGER) * 10_000n);
  });

  it('writes cents as an exact dollar decimal', () => {
    expect(centsToDecimal(5)).toBe('0.05');
    expect(centsToDecimal(70)).toBe('0.70');
    expect(centsToDecimal(1234)).toBe('12.34');
    expect(centsToDecimal(100_000)).toBe('1000.00');
  });

  it('gives Solana Pay a number that @solana/pay turns into the exact base units, for any price up to 1 billion USD', () => {
    expect(solanaPayAmount(1999)).toBe(19.99);
    expect(solanaPayAmount(10)).toBe(0.1);
    // The conversion @solana/pay makes: toFixed with the mint's decimals.
    const baseUnitsOf = (amount: number) => BigInt(amount.toFixed(6).replace('.', ''));
    fc.assert(fc.property(fc.integer({ min: 1, max: 10 ** 11 }), (cents) => baseUnitsOf(solanaPayAmount(cents)) === centsToUsdcBaseUnits(cents)));
    // Beyond that a price is either still exact or refused, never charged wrongly.
    fc.assert(
      fc.property(fc.integer({ min: 10 ** 11, max: Number.MAX_SAFE_INTEGER }), (cents) => {
        try {
          return baseUnitsOf(solanaPayAmount(cents)) === centsToUsdcBaseUnits(cents);
        } catch (error) {
          return error instanceof RangeError;
        }
      }),
    );
  });

  it('prints base units as USDC without trailing zeros', () => {
    expect(usdcBaseUnitsToDecimal(12_340_000n)).toBe('12.34');
    expect(usdcBaseUnitsToDecimal(1n)).toBe('0.000001');
    expect(usdcBaseUnitsToDecimal(5_000_000n)).toBe('5');
    expect(usdcBaseUnitsToDecimal(0n)).toBe('0');
  });

  it('refuses fractions, zero and negative prices', () => {
    expect(() => centsToUsdcBaseUnits(12.5)).toThrow(RangeError);
    expect(() => centsToUsdcBaseUnits(0)).toThrow(RangeError);
    expect(() => centsToDecimal(-1)).toThrow(RangeError);
    expect(() => usdcBaseUnitsToDecimal(-1n)).toThrow(RangeError);
    // 749,877,929,687.60 USD: toFixed(6) would print 749877929687.599976 and charge the wrong amount.
    expect(() => solanaPayAmount(74_987_792_968_760)).toThrow(RangeError);
  });
});
