import { randomBytes, randomUUID } from 'node:crypto';
import { jest } from '@jest/globals';
import { type Address, getAddressDecoder } from '@solana/kit';
import { DataSource } from 'typeorm';
import { LiteSvmLedger } from '../src/chain/litesvm.ledger.js';
import { LedgerRepository } from '../src/revenue/repositories/ledger.repository.js';
import { PayoutRepository } from '../src/revenue/repositories/payout.repository.js';
import { PayoutService, STRIPE_NOT_CONFIGURED, payoutMemo, stripeTransferGroup } from '../src/revenue/services/payout.service.js';
import { StripeGateway } from '../src/stripe/stripe-gateway.port.js';
import { FakeStripe } from './support/fake-stripe.js';
import { startTestApp, type TestApp } from './support/test-app.js';

/**
 * Payout runs at scale on the whole app (real PostgreSQL, LiteSVM, the real stripe SDK against a local fake
 * api.stripe.com): USDC through address lookup tables, and Stripe Connect transfers. Payable balances come from
 * sale entries posted through the ledger repository, as RevenueService posts them.
 */
describe('payout runs: lookup tables and Stripe Connect (e2e, LiteSVM)', () => {
  const stripe = new FakeStripe();
  let t: TestApp;
  let payouts: PayoutService;
  let ledger: LiteSvmLedger;
  let dataSource: DataSource;

  const newWallet = () => getAddressDecoder().decode(randomBytes(32));

  /** A sale that owes each payee its amount (contributor_payable), with payout methods set. */
  async function owe(currency: 'USD' | 'USDC', payees: { id: string; amount: bigint }[]): Promise<void> {
    const gross = payees.reduce((sum, p) => sum + p.amount, 0n);
    await dataSource.transaction((manager) =>
      t.app.get(LedgerRepository).post(manager, [
        {
          id: randomUUID(),
          kind: 'sale',
          orderId: randomUUID(),
          description: 'test sale',
          lines: [
            { account: 'buyer_payments', ownerId: null, currency, amount: -gross },
            ...payees.map((p) => ({ account: 'contributor_payable' as const, ownerId: p.id, currency, amount: p.amount })),
          ],
        },
      ]),
    );
  }

  async function usdcPayees(count: number): Promise<{ id: string; wallet: Address; amount: bigint }[]> {
    const payees = Array.from({ length: count }, (_, i) => ({ id: randomUUID(), wallet: newWallet(), amount: 1_000_000n + BigInt(i) }));
    await t.sql(`INSERT INTO revenue_payout_methods (user_id, kind, wallet) SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[])`, [
      payees.map((p) => p.id),
      payees.map(() => 'usdc'),
      payees.map((p) => p.wallet),
    ]);
    await owe('USDC', payees);
    return payees;
  }

  const payableLeft = async (ids: string[]) =>
    (
      await t.sql<{ balance: string }>(
        `SELECT coalesce(sum(amount), 0)::text AS balance FROM revenue_ledger_lines WHERE account = 'contributor_payable' AND owner_id = ANY($1::uuid[])`,
        [ids],
      )
    )[0].balance;

  beforeAll(async () => {
    const stripeApiUrl = await stripe.start();
    t = await startTestApp({
      STRIPE_SECRET_KEY: 'sk_test_marketplace',
      STRIPE_WEBHOOK_SECRET: stripe.webhookSecret,
      STRIPE_API_URL: stripeApiUrl,
      PAYOUT_INTERVAL_MINUTES: '0',
      PAYOUT_THRESHOLD_USD_CENTS: '1',
      PAYOUT_THRESHOLD_USDC_BASE_UNITS: '1',
    });
    payouts = t.app.get(PayoutService);
    ledger = t.app.get(LiteSvmLedger);
    dataSource = t.app.get(DataSource);
    await ledger.airdropUsdc(ledger.treasuryAddress, 1_000_000n * 1_000_000n);
  }, 120_000);
  afterAll(async () => {
    await t.close();
    await stripe.stop();
  });

  it('pays 120 payees in ceil(120 / capacity) transactions through one lookup table; a second run pays nobody', async () => {
    const payees = await usdcPayees(120);
    const capacity = ledger.usdcBatchCapacity(payoutMemo(randomUUID()).length, true);
    expect(capacity).toBeGreaterThanOrEqual(55);

    const run = await payouts.run();
    expect(run.payouts.filter((p) => p.status !== 'paid')).toEqual([]);
    expect(run.payouts).toHaveLength(120);
    expect(run.transactions).toBe(Math.ceil(120 / capacity));
    // One table (treasury token account + 120): one create and ceil(121 / 30) = 5 extensions.
    expect(run.lookupTableTransactions).toBe(6);
    const batches = await t.sql<{ lookup_table: string | null }>(`SELECT DISTINCT lookup_table FROM revenue_payout_batches WHERE run_id = $1`, [
      run.runId,
    ]);
    expect(batches).toHaveLength(1);
    expect(batches[0].lookup_table).not.toBeNull();
    for (const p of payees) expect(await ledger.usdcBalance(p.wallet)).toBe(p.amount);
    expect(await payableLeft(payees.map((p) => p.id))).toBe('0');

    const again = await payouts.run();
    expect(again.payouts.filter((p) => p.status !== 'held')).toEqual([]);
    expect(again.transactions).toBe(0);
    for (const p of payees) expect(await ledger.usdcBalance(p.wallet)).toBe(p.amount);

    // New earnings for the same payees: the recorded table is reused, no setup transaction.
    await owe('USDC', payees);
    const later = await payouts.run();
    expect(later.payouts.filter((p) => p.status === 'paid')).toHaveLength(120);
    expect(later.transactions).toBe(Math.ceil(120 / capacity));
    expect(later.lookupTableTransactions).toBe(0);
    const reused = await t.sql<{ lookup_table: string | null }>(`SELECT DISTINCT lookup_table FROM revenue_payout_batches WHERE run_id = $1`, [
      later.runId,
    ]);
    expect(reused).toEqual(batches);
    for (const p of payees) expect(await ledger.usdcBalance(p.wallet)).toBe(2n * p.amount);
  }, 120_000);

  it('recovers a crash between "transaction sent" and "ledger updated" of a lookup-table batch without paying twice', async () => {
    const payees = await usdcPayees(120);
    const send = jest.spyOn(ledger, 'transferUsdcBatch').mockImplementationOnce(async (...args) => {
      await LiteSvmLedger.prototype.transferUsdcBatch.apply(ledger, args);
      throw new Error('crashed after sending');
    });
    const crashed = await payouts.run();
    const batchCount = (await t.sql(`SELECT id FROM revenue_payout_batches WHERE run_id = $1`, [crashed.runId])).length;
    expect(crashed.payouts.filter((p) => p.status === 'sending').length).toBeGreaterThan(0);
    expect(crashed.transactions).toBe(batchCount - 1);
    // Everyone got the money once already: the crashed batch landed.
    for (const p of payees) expect(await ledger.usdcBalance(p.wallet)).toBe(p.amount);

    // The next run finds the landed transaction by its reference (read back through the table) and books it.
    const recovered = await payouts.run();
    expect(recovered.payouts.filter((p) => p.status !== 'held')).toEqual([]);
    expect(send).toHaveBeenCalledTimes(batchCount);
    send.mockRestore();
    for (const p of payees) expect(await ledger.usdcBalance(p.wallet)).toBe(p.amount);
    expect(await payableLeft(payees.map((p) => p.id))).toBe('0');
    const [{ paid }] = await t.sql<{ paid: string }>(
      `SELECT count(*) AS paid FROM revenue_payouts WHERE status = 'paid' AND payee_id = ANY($1::uuid[])`,
      [payees.map((p) => p.id)],
    );
    expect(paid).toBe('120');
  }, 120_000);

  it('keeps small runs on plain transactions (no table)', async () => {
    const payees = await usdcPayees(5);
    const run = await payouts.run();
    expect(run.transactions).toBe(1);
    expect(run.lookupTableTransactions).toBe(0);
    for (const p of payees) expect(await ledger.usdcBalance(p.wallet)).toBe(p.amount);
  });

  describe('Stripe Connect', () => {
    const stripePayees = async (count: number) => {
      const payees = Array.from({ length: count }, (_, i) => ({
        id: randomUUID(),
        account: `acct_test${randomBytes(6).toString('hex')}`,
        amount: 1_500n + BigInt(i),
      }));
      await t.sql(`INSERT INTO revenue_payout_methods (user_id, kind, account) SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[])`, [
        payees.map((p) => p.id),
        payees.map(() => 'stripe'),
        payees.map((p) => p.account),
      ]);
      await owe('USD', payees);
      return payees;
    };

    it('sends one transfer per payout (usd, destination, transfer_group, idempotency key = payout id) and books it once', async () => {
      const payees = await stripePayees(3);
      const before = stripe.transfers.length;
      const run = await payouts.run();
      expect(run.payouts.map((p) => p.status)).toEqual(['paid', 'paid', 'paid']);
      const rows = await t.sql<{ id: string; payee_id: string; tx_signature: string }>(
        `SELECT id, payee_id, tx_signature FROM revenue_payouts WHERE run_id = $1`,
        [run.runId],
      );
      const sent = stripe.transfers.slice(before);
      expect(sent).toHaveLength(3);
      for (const payee of payees) {
        const row = rows.find((r) => r.payee_id === payee.id);
        const transfer = sent.find((tr) => tr.destination === payee.account);
        if (!row || !transfer) throw new Error(`no payout or transfer for ${payee.id}`);
        expect(transfer).toMatchObject({
          amount: Number(payee.amount),
          currency: 'usd',
          transfer_group: stripeTransferGroup(run.runId),
          metadata: { payout_id: row.id },
        });
        expect(row.tx_signature).toBe(transfer.id);
        const request = stripe.requestsTo('/v1/transfers').find((r) => r.method === 'POST' && r.form.destination === payee.account);
        expect(request?.idempotencyKey).toBe(`payout:${row.id}`);
      }
      expect(await payableLeft(payees.map((p) => p.id))).toBe('0');
      const again = await payouts.run();
      expect(again.payouts.filter((p) => p.status !== 'held')).toEqual([]);
      expect(stripe.transfers).toHaveLength(before + 3);
    });

    it('recovers a crash between "transfer sent" and "ledger updated" without a second transfer', async () => {
      const [payee] = await stripePayees(1);
      const before = stripe.transfers.length;
      const repository = t.app.get(PayoutRepository);
      const book = jest.spyOn(repository, 'markPaid').mockRejectedValueOnce(new Error('crashed after sending'));
      const crashed = await payouts.run();
      expect(crashed.payouts.map((p) => p.status)).toEqual(['sending']);
      expect(stripe.transfers).toHaveLength(before + 1);
      expect(await payableLeft([payee.id])).toBe(String(payee.amount));

      // Recovery through the idempotency key alone (as if the lookup missed it): Stripe answers the same transfer.
      const gateway = t.app.get(StripeGateway);
      const find = jest.spyOn(gateway, 'findTransfer').mockResolvedValueOnce(null);
      const recovered = await payouts.run();
      expect(recovered.payouts.filter((p) => p.status !== 'held')).toEqual([]);
      expect(stripe.transfers).toHaveLength(before + 1);
      const [row] = await t.sql<{ id: string; status: string; tx_signature: string }>(
        `SELECT id, status, tx_signature FROM revenue_payouts WHERE payee_id = $1`,
        [payee.id],
      );
      expect(row).toMatchObject({ status: 'paid', tx_signature: stripe.transfers[before].id });
      const keys = stripe
        .requestsTo('/v1/transfers')
        .filter((r) => r.method === 'POST' && r.form.destination === payee.account)
        .map((r) => r.idempotencyKey);
      expect(keys).toEqual([`payout:${row.id}`, `payout:${row.id}`]);
      expect(await payableLeft([payee.id])).toBe('0');
      book.mockRestore();
      find.mockRestore();
    });

    it('keeps Stripe payouts pending with a reason while Stripe is not configured, and sends them once it is', async () => {
      const gateway = t.app.get(StripeGateway);
      const [payee] = await stripePayees(1);
      const before = stripe.transfers.length;
      const unconfigured = jest.replaceProperty(gateway, 'configured', false);
      const run = await payouts.run();
      expect(run.payouts).toEqual([expect.objectContaining({ payeeId: payee.id, status: 'pending', reason: STRIPE_NOT_CONFIGURED })]);
      expect(stripe.transfers).toHaveLength(before);
      unconfigured.restore();

      await payouts.run();
      expect(stripe.transfers).toHaveLength(before + 1);
      expect(await payableLeft([payee.id])).toBe('0');
    });
  });
});
