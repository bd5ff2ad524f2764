import { generateKeyPairSigner, getAddressDecoder } from '@solana/kit';
import { MAX_TRANSACTION_BYTES, packInto, transactionSize, usdcBatchInstructions, usdcTransfersPerTransaction } from './usdc-batch.js';

const addressOf = (n: number) => getAddressDecoder().decode(Uint8Array.from({ length: 32 }, (_, i) => (i === 0 ? n : i === 31 ? 7 : 0)));

describe('USDC payout batches (transaction packing)', () => {
  it('fits as many plain transfers as the 1,232-byte limit allows, with the payout memo and a reference', async () => {
    const treasury = await generateKeyPairSigner();
    const memo = `payout:${'0'.repeat(36)}`;
    const capacity = usdcTransfersPerTransaction(treasury, memo.length);
    // Each extra payee costs its token account key (32 bytes) and a 12-byte instruction: 1,232 bytes hold about 20.
    expect(capacity).toBeGreaterThanOrEqual(18);
    const transfers = (count: number) =>
      Array.from({ length: count }, (_, i) => ({ source: addressOf(250), destination: addressOf(i), amount: 10n ** 12n }));
    const size = (count: number) => transactionSize(treasury, usdcBatchInstructions(treasury, transfers(count), { memo, reference: addressOf(251) }));
    expect(size(capacity)).toBeLessThanOrEqual(MAX_TRANSACTION_BYTES);
    expect(size(capacity + 1)).toBeGreaterThan(MAX_TRANSACTION_BYTES);
    expect(usdcTransfersPerTransaction(treasury, 200)).toBeLessThan(capacity);
  });

  it('fits about three times as many transfers with a lookup table holding the token accounts (measured by compiling)', async () => {
    const treasury = await generateKeyPairSigner();
    const memoBytes = `payout:${'0'.repeat(36)}`.length;
    const plain = usdcTransfersPerTransaction(treasury, memoBytes);
    const withTable = usdcTransfersPerTransaction(treasury, memoBytes, true);
    // Each payee costs its 1-byte table index and a 12-byte instruction instead of a 32-byte key: 55 fit (STACK-NOTES).
    expect(plain).toBe(19);
    expect(withTable).toBeGreaterThanOrEqual(55);
    const source = addressOf(250);
    const table = addressOf(252);
    const transfers = (count: number) => Array.from({ length: count }, (_, i) => ({ source, destination: addressOf(i), amount: 10n ** 12n }));
    const size = (count: number) =>
      transactionSize(treasury, usdcBatchInstructions(treasury, transfers(count), { memo: 'x'.repeat(memoBytes), reference: addressOf(251) }), {
        [table]: [source, ...transfers(count).map((t) => t.destination)],
      });
    expect(size(withTable)).toBeLessThanOrEqual(MAX_TRANSACTION_BYTES);
    expect(size(withTable + 1)).toBeGreaterThan(MAX_TRANSACTION_BYTES);
  });

  it('puts the memo first and the reference on the first transfer only', async () => {
    const treasury = await generateKeyPairSigner();
    const [memo, first, second] = usdcBatchInstructions(
      treasury,
      [
        { source: addressOf(1), destination: addressOf(2), amount: 5n },
        { source: addressOf(1), destination: addressOf(3), amount: 6n },
      ],
      { memo: 'payout:x', reference: addressOf(9) },
    );
    expect(Buffer.from(memo.data ?? new Uint8Array()).toString()).toBe('payout:x');
    expect((first.accounts ?? []).map((a) => a.address)).toContain(addressOf(9));
    expect((second.accounts ?? []).map((a) => a.address)).not.toContain(addressOf(9));
  });

  it('packs N payouts into ceil(N / capacity) groups, in order', () => {
    const items = Array.from({ length: 10_000 }, (_, i) => i);
    const groups = packInto(items, 19);
    expect(groups).toHaveLength(Math.ceil(10_000 / 19));
    expect(groups.flat()).toEqual(items);
    expect(groups.every((g) => g.length <= 19)).toBe(true);
    expect(() => packInto(items, 0)).toThrow(RangeError);
  });
});
