import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { type Address, getAddressDecoder } from '@solana/kit';
import { DataSource } from 'typeorm';
import type { AuthUser } from '../src/auth/auth-user.js';
import { Role } from '../src/auth/role.js';
import { PaymentConfirmationService } from '../src/checkout/services/payment-confirmation.service.js';
import { OrderService } from '../src/checkout/services/order.service.js';
import { RefundService } from '../src/checkout/services/refund.service.js';
import { PayoutMethodRequest } from '../src/revenue/dto/payout-method.dto.js';
import { LedgerRepository } from '../src/revenue/repositories/ledger.repository.js';
import { PayoutMethodService } from '../src/revenue/services/payout-method.service.js';
import { PayoutService, type PayoutRunResult } from '../src/revenue/services/payout.service.js';
import { RevenueService } from '../src/revenue/services/revenue.service.js';
import { SplitViewService } from '../src/revenue/services/split-view.service.js';
import { type CheckoutServices, newFileHash, orderRequest, startCheckoutServices } from './support/checkout-services.js';
import { FakeStripe } from './support/fake-stripe.js';

/** 5 USDC and 5 dollars: balances below these wait for the next sale. */
const USDC_THRESHOLD = 5_000_000n;
const USD_THRESHOLD = 500n;

interface Payee {
  user: AuthUser;
  wallet: Address;
}

/**
 * Revenue, service by service on a real database (no HTTP): sales split by the largest remainder into the ledger,
 * balances per payee and currency, refunds reversing sales, and payout runs (thresholds, two runs racing, a failed
 * batch retried). Sales are recorded through RevenueService as checkout's payment transaction records them; one
 * sale and its refund go through checkout itself. The catalog is checkout-services' in-memory one.
 */
describe('revenue: splits, ledger, refunds and payouts (services on a real database)', () => {
  const stripe = new FakeStripe();
  let services: CheckoutServices;
  let dataSource: DataSource;
  let admin: AuthUser;

  const revenue = () => services.get(RevenueService);
  const payouts = () => services.get(PayoutService);
  const wallet = (): Address => getAddressDecoder().decode(randomBytes(32));

  /** A contributor paid in USDC to a wallet of their own, set through the payout-method service. */
  const payee = async (): Promise<Payee> => {
    const user = await services.user(Role.CONTRIBUTOR);
    const to = wallet();
    await services.get(PayoutMethodService).set(user, Object.assign(new PayoutMethodRequest(), { kind: 'usdc', wallet: to }));
    return { user, wallet: to };
  };
  /** Version 1 of a dataset curated by `curator`, its net shared by these weights. */
  const dataset = (curator: Payee, weights: [Payee, number][], curatorBps?: number) =>
    services.catalog.publish(curator.user.id, {
      title: 'Split test drives',
      priceUsdCents: 1_999,
      exclusive: false,
      files: [newFileHash()],
      contributors: weights.map(([p, weight]) => ({ contributorId: p.user.id, weight })),
      curatorBps,
    });
  /** A sale recorded as checkout's payment transaction records it: prepared before, recorded inside. */
  const sell = async (datasetId: string, currency: 'USD' | 'USDC', gross: bigint, orderId: string = randomUUID()) => {
    const prepared = await revenue().prepareSale(datasetId, 1);
    const sale = { orderId, datasetId, version: 1, buyerId: randomUUID(), currency, gross, paymentReference: `pay-${orderId}` };
    await dataSource.transaction((manager) => revenue().recordSale(manager, sale, prepared));
    return orderId;
  };
  const refund = (orderId: string) => dataSource.transaction((manager) => revenue().recordRefund(manager, { orderId, reference: `re-${orderId}` }));
  /** The split's rows as an admin reads them, keyed by payee (a user id here: none of them signed in with a wallet). */
  const splitOf = async (orderId: string) => {
    const split = await services.get(SplitViewService).forOrder(orderId, admin);
    return { gross: split.gross, refunded: split.refunded, rows: Object.fromEntries(split.rows.map((row) => [row.payee, [row.role, row.amount]])) };
  };
  /** The sum of an owner's lines on one account and currency, from the ledger's own balances. */
  const balance = async (account: string, ownerId: string | null, currency: 'USD' | 'USDC') =>
    (await services.get(LedgerRepository).balances()).find((b) => b.account === account && b.ownerId === ownerId && b.currency === currency)
      ?.balance ?? 0n;
  const linesOf = (orderId: string, kind: 'sale' | 'refund') =>
    services.sql<{ account: string; owner_id: string | null; currency: string; amount: string }>(
      `SELECT l.account, l.owner_id, l.currency, l.amount::text FROM revenue_ledger_lines l JOIN revenue_ledger_entries e ON e.id = l.entry_id
        WHERE e.order_id = $1 AND e.kind = $2 ORDER BY l.line`,
      [orderId, kind],
    );
  /** The payout rows of these payees, oldest first. */
  const payoutRows = (payees: Payee[]) =>
    services.sql<{ payee_id: string; batch_id: string | null; status: string; amount: string; pay_amount: string; destination: string }>(
      `SELECT payee_id, batch_id, status, amount::text, pay_amount::text, destination FROM revenue_payouts WHERE payee_id = ANY($1::uuid[])
        ORDER BY created_at, payee_id`,
      [payees.map((p) => p.user.id)],
    );
  const payoutLines = (p: Payee) =>
    services.sql<{ account: string; owner_id: string | null; currency: string; amount: string }>(
      `SELECT l.account, l.owner_id, l.currency, l.amount::text FROM revenue_ledger_lines l JOIN revenue_ledger_entries e ON e.id = l.entry_id
        JOIN revenue_payouts p ON p.id = e.payout_id WHERE e.kind = 'payout' AND p.payee_id = $1 ORDER BY p.created_at, l.line`,
      [p.user.id],
    );
  const onChain = (p: Payee) => services.ledger.usdcBalance(p.wallet);
  const paidIn = (run: PayoutRunResult, p: Payee) => run.payouts.filter((o) => o.payeeId === p.user.id);

  beforeAll(async () => {
    services = await startCheckoutServices(stripe, {
      PLATFORM_FEE_BPS: '1500',
      PAYOUT_THRESHOLD_USDC_BASE_UNITS: String(USDC_THRESHOLD),
      PAYOUT_THRESHOLD_USD_CENTS: String(USD_THRESHOLD),
      PAYOUT_INTERVAL_MINUTES: '0',
    });
    dataSource = services.get(DataSource);
    admin = await services.user(Role.ADMIN);
    // Sales recorded without checkout bring no USDC to the treasury: fund it for their payouts.
    await services.ledger.airdropUsdc(services.ledger.treasuryAddress, 10_000n * 1_000_000n);
  }, 120_000);
  afterAll(() => services.close());
  afterEach(() => {
    jest.restoreAllMocks();
    stripe.failWith = null;
  });

  describe('splits and the ledger', () => {
    it('splits an odd gross by the largest remainder: exact rows and sale lines, adding up to the gross', async () => {
      const [curator, heavy, lightA, lightB] = [await payee(), await payee(), await payee(), await payee()];
      const datasetId = dataset(
        curator,
        [
          [heavy, 3],
          [lightA, 2],
          [lightB, 2],
        ],
        1_000,
      );
      // 1001 cents: platform 150.15, curator 10% of the net 85.085, contributors 765.765 by 3:2:2 = 328.185, 218.79, 218.79.
      // Floors add up to 999; the two units left go to the two largest remainders (.79, .79).
      const orderId = await sell(datasetId, 'USD', 1_001n);
      expect(await splitOf(orderId)).toEqual({
        gross: '1001',
        refunded: false,
        rows: {
          [services.ledger.treasuryAddress]: ['platform', '150'],
          [curator.user.id]: ['curator', '85'],
          [heavy.user.id]: ['contributor', '328'],
          [lightA.user.id]: ['contributor', '219'],
          [lightB.user.id]: ['contributor', '219'],
        },
      });
      const lines = await linesOf(orderId, 'sale');
      expect(lines.map((l) => [l.account, l.owner_id, l.currency, l.amount]).sort()).toEqual(
        [
          ['buyer_payments', null, 'USD', '-1001'],
          ['platform_revenue', null, 'USD', '150'],
          ['curator_payable', curator.user.id, 'USD', '85'],
          ['contributor_payable', heavy.user.id, 'USD', '328'],
          ['contributor_payable', lightA.user.id, 'USD', '219'],
          ['contributor_payable', lightB.user.id, 'USD', '219'],
        ].sort(),
      );
    });

    it('breaks equal remainders by contributor id, and leaves out a curator row when the policy gives none', async () => {
      const curator = await payee();
      const three = [await payee(), await payee(), await payee()].sort((a, b) => (a.user.id < b.user.id ? -1 : 1));
      const datasetId = dataset(
        curator,
        three.map((p) => [p, 1]),
      );
      // 1001 base units: platform 150.15, each contributor 283.616...: floors 999, the two units left go to the two lowest ids.
      const orderId = await sell(datasetId, 'USDC', 1_001n);
      expect(await splitOf(orderId)).toEqual({
        gross: '1001',
        refunded: false,
        rows: {
          [services.ledger.treasuryAddress]: ['platform', '150'],
          [three[0].user.id]: ['contributor', '284'],
          [three[1].user.id]: ['contributor', '284'],
          [three[2].user.id]: ['contributor', '283'],
        },
      });
      expect(await balance('curator_payable', curator.user.id, 'USDC')).toBe(0n);
    });

    it('keeps one balance per payee and currency over several sales; recording a sale again changes nothing', async () => {
      const [owner, other] = [await payee(), await payee()];
      const datasetId = dataset(owner, [
        [owner, 1],
        [other, 3],
      ]);
      // 999 cents: platform 149.85 -> 150 (largest remainder), net 849.15 by 1:3 = 212.2875 -> 212, 636.8625 -> 637.
      const first = await sell(datasetId, 'USD', 999n);
      await sell(datasetId, 'USD', 2_000n); // platform 300, 425 and 1275 exactly
      await sell(datasetId, 'USDC', 3_000_001n); // platform 450,000.15, 637,500.2125 -> 637,500, 1,912,500.6375 -> 1,912,501
      await sell(datasetId, 'USD', 999n, first);
      expect(await balance('contributor_payable', owner.user.id, 'USD')).toBe(212n + 425n);
      expect(await balance('contributor_payable', other.user.id, 'USD')).toBe(637n + 1_275n);
      expect(await balance('contributor_payable', owner.user.id, 'USDC')).toBe(637_500n);
      expect(await balance('contributor_payable', other.user.id, 'USDC')).toBe(1_912_501n);
      expect(await linesOf(first, 'sale')).toHaveLength(4);
    });
  });

  describe('refunds', () => {
    it('reverses a sale refunded through checkout: every line negated, the payables back, the buyer money in refunds', async () => {
      const [seller, helper] = [await payee(), await payee()];
      const buyer = await services.user(Role.BUYER);
      const datasetId = dataset(seller, [
        [seller, 1],
        [helper, 2],
      ]);
      const order = await services.get(OrderService).create(buyer, orderRequest(datasetId, 'solana'));
      if (!order.solanaPay) throw new Error('no Solana Pay request');
      await services.ledger.payWithDemoWallet(order.solanaPay.url);
      expect((await services.get(PaymentConfirmationService).confirmForHolder(buyer, order.id, 'solana')).status).toBe('paid');
      // 19.99 USDC = 19,990,000 base units: platform 2,998,500, net 16,991,500 by 1:2 = 5,663,833.33 -> 5,663,833, 11,327,666.67 -> 11,327,667.
      expect(await splitOf(order.id)).toMatchObject({
        gross: '19990000',
        rows: { [seller.user.id]: ['contributor', '5663833'], [helper.user.id]: ['contributor', '11327667'] },
      });
      expect(await balance('contributor_payable', helper.user.id, 'USDC')).toBe(11_327_667n);
      const refundsBefore = await balance('refunds', null, 'USDC');

      expect((await services.get(RefundService).refund(order.id, 'Wrong region')).status).toBe('refunded');
      const sale = await linesOf(order.id, 'sale');
      const reversal = await linesOf(order.id, 'refund');
      expect(reversal).toEqual(
        sale.map((l) => ({ ...l, account: l.account === 'buyer_payments' ? 'refunds' : l.account, amount: String(-BigInt(l.amount)) })),
      );
      expect(reversal.find((l) => l.account === 'refunds')?.amount).toBe('19990000');
      expect(await balance('contributor_payable', seller.user.id, 'USDC')).toBe(0n);
      expect(await balance('contributor_payable', helper.user.id, 'USDC')).toBe(0n);
      expect((await balance('refunds', null, 'USDC')) - refundsBefore).toBe(19_990_000n);
      expect((await splitOf(order.id)).refunded).toBe(true);

      await refund(order.id); // checkout asking again (a retried job) posts nothing
      expect(await linesOf(order.id, 'refund')).toHaveLength(4);
    });

    it('leaves a payee paid before the refund owing it: runs pay nothing until new earnings cover it, then the difference', async () => {
      const owner = await payee();
      const datasetId = dataset(owner, [[owner, 1]]);
      const sold = await sell(datasetId, 'USDC', 10_000_000n); // 8,500,000 after the 15% fee
      expect(paidIn(await payouts().run(), owner)).toEqual([expect.objectContaining({ status: 'paid', amount: 8_500_000n })]);
      await refund(sold);
      expect(await balance('contributor_payable', owner.user.id, 'USDC')).toBe(-8_500_000n);
      expect(paidIn(await payouts().run(), owner)).toEqual([]);
      await sell(datasetId, 'USDC', 20_000_000n); // 17,000,000, of which 8,500,000 is owed back
      expect(paidIn(await payouts().run(), owner)).toEqual([expect.objectContaining({ status: 'paid', amount: 8_500_000n })]);
      expect(await onChain(owner)).toBe(17_000_000n);
      expect(await balance('contributor_payable', owner.user.id, 'USDC')).toBe(0n);
      expect((await payoutRows([owner])).map((r) => [r.status, r.amount])).toEqual([
        ['paid', '8500000'],
        ['paid', '8500000'],
      ]);
    });
  });

  describe('payout runs', () => {
    it('pays a balance that reaches the threshold and holds one below it, unreported, until a later sale lifts it', async () => {
      const [rich, poor] = [await payee(), await payee()];
      const richSet = dataset(rich, [[rich, 1]]);
      const poorSet = dataset(poor, [[poor, 1]]);
      await sell(richSet, 'USDC', 5_882_353n); // 5,000,000.05 -> 5,000,000 after the fee: exactly the threshold
      await sell(poorSet, 'USDC', 5_882_352n); // 4,999,999.2 -> 4,999,999: one unit short
      const run = await payouts().run();
      expect(paidIn(run, rich)).toEqual([
        {
          payeeId: rich.user.id,
          destination: rich.wallet,
          amount: 5_000_000n,
          currency: 'USDC',
          status: 'paid',
          txSignature: expect.any(String),
          reason: null,
        },
      ]);
      expect(paidIn(run, poor)).toEqual([]);
      expect(await onChain(rich)).toBe(5_000_000n);
      expect(await onChain(poor)).toBe(0n);
      expect(await balance('contributor_payable', poor.user.id, 'USDC')).toBe(4_999_999n);
      expect(await payoutRows([poor])).toEqual([]);

      await sell(poorSet, 'USDC', 2n); // 1.7 -> 2 (largest remainder beats the fee's 0.3)
      expect(paidIn(await payouts().run(), poor)).toEqual([expect.objectContaining({ status: 'paid', amount: 5_000_001n })]);
      expect(await onChain(poor)).toBe(5_000_001n);
      expect(await balance('contributor_payable', poor.user.id, 'USDC')).toBe(0n);
    });

    it('books a payout as one balanced entry; USD earnings are paid in USDC at par through the treasury', async () => {
      const p = await payee();
      const datasetId = dataset(p, [[p, 1]]);
      await sell(datasetId, 'USD', 1_000n); // 850 cents
      await sell(datasetId, 'USDC', 7_000_000n); // 5,950,000 base units
      const treasuryUsd = await balance('treasury', null, 'USD');
      const run = await payouts().run();
      // A run reports what it sent: both payables went out as USDC.
      expect(paidIn(run, p).map((o) => [o.currency, o.amount, o.status])).toEqual([
        ['USDC', 8_500_000n, 'paid'],
        ['USDC', 5_950_000n, 'paid'],
      ]);
      expect(await onChain(p)).toBe(8_500_000n + 5_950_000n);
      expect((await payoutLines(p)).map((l) => [l.account, l.owner_id, l.currency, l.amount]).sort()).toEqual(
        [
          ['contributor_payable', p.user.id, 'USD', '-850'],
          ['treasury', null, 'USD', '850'],
          ['treasury', null, 'USDC', '-8500000'],
          ['payouts', null, 'USDC', '8500000'],
          ['contributor_payable', p.user.id, 'USDC', '-5950000'],
          ['payouts', null, 'USDC', '5950000'],
        ].sort(),
      );
      expect((await balance('treasury', null, 'USD')) - treasuryUsd).toBe(850n);
      expect(await balance('contributor_payable', p.user.id, 'USD')).toBe(0n);
      expect(await balance('contributor_payable', p.user.id, 'USDC')).toBe(0n);
    });

    it('pays each payee exactly once when two runs race on the same database', async () => {
      const team = [await payee(), await payee(), await payee()];
      const datasetId = dataset(team[0], [
        [team[0], 1],
        [team[1], 1],
        [team[2], 2],
      ]);
      await sell(datasetId, 'USDC', 40_000_000n); // net 34,000,000: 8,500,000, 8,500,000, 17,000,000
      const send = jest.spyOn(services.ledger, 'transferUsdcBatch');
      const runs = await Promise.all([payouts().run(), payouts().run()]);

      // One run planned each payout; either run may have sent the batch, so the planner's answer may still say sending.
      for (const p of team) expect(runs.flatMap((run) => paidIn(run, p))).toHaveLength(1);
      const rows = await payoutRows(team);
      expect(rows.map((r) => [r.payee_id, r.status, r.amount]).sort()).toEqual(
        [
          [team[0].user.id, 'paid', '8500000'],
          [team[1].user.id, 'paid', '8500000'],
          [team[2].user.id, 'paid', '17000000'],
        ].sort(),
      );
      expect(new Set(rows.map((r) => r.batch_id)).size).toBe(1);
      const ours = new Set(team.map((p) => p.wallet as string));
      const sends = send.mock.calls.filter(([transfers]) => transfers.some((t) => ours.has(t.to)));
      expect(sends).toHaveLength(1);
      expect([await onChain(team[0]), await onChain(team[1]), await onChain(team[2])]).toEqual([8_500_000n, 8_500_000n, 17_000_000n]);
      for (const p of team) expect(await payoutLines(p)).toHaveLength(2);
    });

    it('keeps a failed batch open with its error and the balance reserved; the retry pays it once', async () => {
      const p = await payee();
      const datasetId = dataset(p, [[p, 1]]);
      await sell(datasetId, 'USDC', 8_000_000n); // 6,800,000
      const send = jest.spyOn(services.ledger, 'transferUsdcBatch').mockRejectedValueOnce(new Error('cluster unavailable'));
      expect(paidIn(await payouts().run(), p)).toEqual([expect.objectContaining({ status: 'sending', amount: 6_800_000n, txSignature: null })]);
      const [row] = await payoutRows([p]);
      if (!row.batch_id) throw new Error('a USDC payout has a batch');
      const batch = () =>
        services.sql<{ status: string; attempts: number; last_error: string | null }>(
          `SELECT status, attempts, last_error FROM revenue_payout_batches WHERE id = $1`,
          [row.batch_id],
        );
      expect(await batch()).toEqual([{ status: 'pending', attempts: 1, last_error: 'cluster unavailable' }]);
      expect(await onChain(p)).toBe(0n);
      expect(await balance('contributor_payable', p.user.id, 'USDC')).toBe(6_800_000n);
      expect(await payoutLines(p)).toEqual([]);

      // The batch's job retries it; the payee's open payout keeps a run in between from planning a second one.
      expect(await services.get(LedgerRepository).payableWithoutOpenPayout(dataSource.manager)).not.toContainEqual(
        expect.objectContaining({ ownerId: p.user.id }),
      );
      expect(await payouts().sendBatch(row.batch_id)).toBe('confirmed');
      expect(await payouts().sendBatch(row.batch_id)).toBe('already-confirmed');
      expect(send).toHaveBeenCalledTimes(2);
      expect(await batch()).toEqual([{ status: 'confirmed', attempts: 2, last_error: null }]);
      expect((await payoutRows([p])).map((r) => [r.status, r.amount])).toEqual([['paid', '6800000']]);
      expect(await onChain(p)).toBe(6_800_000n);
      expect(await balance('contributor_payable', p.user.id, 'USDC')).toBe(0n);
      expect(await payoutLines(p)).toHaveLength(2);
    });
  });

  it('keeps a Stripe Connect payout open through an outage; the next run sends one transfer per sale, once', async () => {
    const user = await services.user(Role.CONTRIBUTOR);
    const account = `acct_test${randomBytes(6).toString('hex')}`;
    await services.get(PayoutMethodService).set(user, Object.assign(new PayoutMethodRequest(), { kind: 'stripe', account }));
    const p = { user, wallet: wallet() };
    const datasetId = dataset(p, [[p, 1]]);
    const sales = [await sell(datasetId, 'USD', 1_000n), await sell(datasetId, 'USD', 1_001n)]; // 850 and 851 (150.15 -> 150)
    const sent = () => stripe.transfers.filter((t) => t.destination === account).map((t) => [t.transfer_group, t.amount]);

    stripe.failWith = 503;
    expect(paidIn(await payouts().run(), p)).toEqual([expect.objectContaining({ currency: 'USD', amount: 1_701n, status: 'sending' })]);
    expect(sent()).toEqual([]);
    expect(await balance('contributor_payable', p.user.id, 'USD')).toBe(1_701n);
    expect(await payoutLines(p)).toEqual([]);

    stripe.failWith = null;
    await payouts().run();
    expect(sent()).toEqual([
      [sales[0], 850],
      [sales[1], 851],
    ]);
    expect((await payoutRows([p])).map((r) => [r.status, r.amount, r.destination])).toEqual([['paid', '1701', account]]);
    expect((await payoutLines(p)).map((l) => [l.account, l.currency, l.amount])).toEqual([
      ['contributor_payable', 'USD', '-1701'],
      ['payouts', 'USD', '1701'],
    ]);
    await payouts().run();
    expect(sent()).toHaveLength(2);
  });

  it('leaves every ledger entry summing to zero in each currency, and each sale entry paying out exactly its gross', async () => {
    const unbalanced = await services.sql(`SELECT entry_id, currency FROM revenue_ledger_lines GROUP BY entry_id, currency HAVING sum(amount) <> 0`);
    expect(unbalanced).toEqual([]);
    const sales = await services.sql<{ gross: string; shared: string; paid: string }>(
      `SELECT s.gross::text, sum(l.amount) FILTER (WHERE l.amount > 0)::text AS shared, (-sum(l.amount) FILTER (WHERE l.account = 'buyer_payments'))::text AS paid
         FROM revenue_splits s JOIN revenue_ledger_entries e ON e.order_id = s.order_id AND e.kind = 'sale'
         JOIN revenue_ledger_lines l ON l.entry_id = e.id GROUP BY s.id, s.gross`,
    );
    expect(sales.length).toBeGreaterThan(0);
    for (const sale of sales) expect([sale.shared, sale.paid]).toEqual([sale.gross, sale.gross]);
  });
});
