import fc from 'fast-check';
import { allocatePayout } from './payout-allocation.js';

describe('allocatePayout', () => {
  const earnings = [
    { orderId: 'a', amount: 100n },
    { orderId: 'b', amount: 50n },
    { orderId: 'b', amount: 25n },
    { orderId: 'c', amount: 200n },
  ];

  it('pays the oldest earnings first, one part per sale', () => {
    expect(allocatePayout(earnings, 0n, 375n)).toEqual([
      { orderId: 'a', amount: 100n },
      { orderId: 'b', amount: 75n },
      { orderId: 'c', amount: 200n },
    ]);
  });

  it('starts where the earlier payouts stopped, inside a sale if need be', () => {
    expect(allocatePayout(earnings, 120n, 100n)).toEqual([
      { orderId: 'b', amount: 55n },
      { orderId: 'c', amount: 45n },
    ]);
  });

  it('leaves what no sale covers (ledger adjustments) to one part without a sale', () => {
    expect(allocatePayout(earnings, 300n, 100n)).toEqual([
      { orderId: 'c', amount: 75n },
      { orderId: null, amount: 25n },
    ]);
    expect(allocatePayout([], 0n, 42n)).toEqual([{ orderId: null, amount: 42n }]);
  });

  it('refuses an amount that is not positive', () => {
    expect(() => allocatePayout(earnings, 0n, 0n)).toThrow(RangeError);
  });

  it('always answers positive parts that add up to the amount, never beyond the earnings window (10,000 cases)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ orderId: fc.constantFrom('a', 'b', 'c', 'd', 'e'), amount: fc.bigInt({ min: 1n, max: 10_000n }) }), { maxLength: 30 }),
        fc.bigInt({ min: 0n, max: 200_000n }),
        fc.bigInt({ min: 1n, max: 200_000n }),
        (rows, before, amount) => {
          const parts = allocatePayout(rows, before, amount);
          expect(parts.reduce((sum, part) => sum + part.amount, 0n)).toBe(amount);
          expect(parts.every((part) => part.amount > 0n)).toBe(true);
          const total = rows.reduce((sum, row) => sum + row.amount, 0n);
          const traced = parts.filter((part) => part.orderId !== null).reduce((sum, part) => sum + part.amount, 0n);
          const window = total > before ? total - before : 0n;
          expect(traced).toBe(window < amount ? window : amount);
        },
      ),
      { numRuns: 10_000 },
    );
  });
});
