import { randomBytes, randomUUID } from 'node:crypto';
import { execFile } from 'node:child_process';
import type { AddressInfo } from 'node:net';
import { promisify } from 'node:util';
import { expect, jest } from '@jest/globals';
import { type Address, getAddressDecoder } from '@solana/kit';
import { DataSource } from 'typeorm';
import type { DatasetResponse } from '../src/catalog/dto/dataset.response.js';
import type { ChainMemoResponse } from '../src/chain/dto/chain-memo.dto.js';
import { LiteSvmLedger } from '../src/chain/litesvm.ledger.js';
import type { OrderResponse } from '../src/checkout/dto/order.response.js';
import { hashFromHex, proofFromHex, verifyMerkleProof } from '../src/provenance/merkle-tree.js';
import { parseMemoRecord } from '../src/provenance/memo-record.js';
import type { PayoutRunResponse } from '../src/revenue/dto/payout-run.response.js';
import { ChainOutboxRepository } from '../src/revenue/repositories/chain-outbox.repository.js';
import type { EarningResponse, SplitProofResponse, SplitResponse } from '../src/revenue/dto/split.response.js';
import { RevenueService, type SaleFacts } from '../src/revenue/services/revenue.service.js';
import { StripeGateway } from '../src/stripe/stripe-gateway.port.js';
import { StripeSdkGateway } from '../src/stripe/stripe-sdk.gateway.js';
import { settled, uploadCapture } from './support/captures.js';
import { auth, logIn, signUp } from './support/checkout.js';
import { FakeStripe } from './support/fake-stripe.js';
import { csvTelemetry, nmeaLog } from './support/fixtures.js';
import { startTestApp, type TestApp } from './support/test-app.js';
import { waitFor } from './support/wait-for.js';
import { grantAll } from './support/consent.js';

const CARD_GROSS = 10_000n;
const USDC_GROSS = 25_000_000n;

/**
 * Revenue on the whole app, real PostgreSQL and the embedded LiteSVM ledger. Sales are recorded through
 * RevenueService the way checkout's payment transaction calls it (prepareSale before, recordSale inside).
 */
describe('revenue splits, ledger, on-chain records and payouts (e2e, LiteSVM)', () => {
  const stripe = new FakeStripe();
  let t: TestApp;
  let admin: string;
  let outsider: string;
  let revenue: RevenueService;
  let ledger: LiteSvmLedger;
  let dataSource: DataSource;
  const contributors: { token: string; id: string; wallet: Address }[] = [];
  let datasetId: string;
  let version: number;
  const orders = { card: randomUUID(), usdc: randomUUID() };
  let splitIds: { card: string; usdc: string };

  const newWallet = () => getAddressDecoder().decode(randomBytes(32));
  const me = async (token: string) => (await t.http().get('/v1/auth/me').set(auth(token)).expect(200)).body as { id: string };
  const sell = async (orderId: string, currency: 'USD' | 'USDC', gross: bigint): Promise<string> => {
    const prepared = await revenue.prepareSale(datasetId, version);
    const sale: SaleFacts = { orderId, datasetId, version, buyerId: randomUUID(), currency, gross, paymentReference: `pay-${orderId}` };
    return (await dataSource.transaction((manager) => revenue.recordSale(manager, sale, prepared))).splitId;
  };
  const splitOf = async (orderId: string, token = admin) =>
    (await t.http().get(`/v1/orders/${orderId}/split`).set(auth(token)).expect(200)).body as SplitResponse;
  const earningsOf = async (token: string) => (await t.http().get('/v1/me/earnings').set(auth(token)).expect(200)).body as EarningResponse[];
  const memoOf = async (signature: string | null) =>
    (
      (
        await t
          .http()
          .get(`/v1/chain/memos/${String(signature)}`)
          .expect(200)
      ).body as ChainMemoResponse
    ).memo;
  const runPayouts = async () => (await t.http().post('/v1/admin/payouts/run').set(auth(admin)).expect(200)).body as PayoutRunResponse;
  const orderOf = async (orderId: string, token: string) =>
    (await t.http().get(`/v1/orders/${orderId}`).set(auth(token)).expect(200)).body as OrderResponse;
  const sumOf = (rows: { amount: string }[]) => rows.reduce((sum, row) => sum + BigInt(row.amount), 0n);
  const splitWhenRecorded = (orderId: string) =>
    waitFor(async () => {
      const split = await splitOf(orderId);
      return split.txSignature ? split : undefined;
    }, `the split of ${orderId} to be recorded on-chain`);
  const payables = async () =>
    t.sql<{ owner_id: string; currency: string; balance: string }>(
      `SELECT owner_id, currency, sum(amount)::text AS balance FROM revenue_ledger_lines WHERE account = 'contributor_payable' GROUP BY 1, 2`,
    );

  beforeAll(async () => {
    const stripeApiUrl = await stripe.start();
    t = await startTestApp({
      STRIPE_SECRET_KEY: 'sk_test_marketplace',
      STRIPE_WEBHOOK_SECRET: stripe.webhookSecret,
      STRIPE_API_URL: stripeApiUrl,
      ADMIN_EMAIL: 'root@marketplace.test',
      ADMIN_PASSWORD: 'correct-horse-battery',
      AUTH_RATE_LIMIT: '1000',
      PAYOUT_INTERVAL_MINUTES: '0',
      PAYOUT_THRESHOLD_USD_CENTS: '1',
      PAYOUT_THRESHOLD_USDC_BASE_UNITS: '1',
    });
    revenue = t.app.get(RevenueService);
    ledger = t.app.get(LiteSvmLedger);
    dataSource = t.app.get(DataSource);
    admin = await logIn(t, 'root@marketplace.test', 'correct-horse-battery');
    outsider = await signUp(t, 'outsider@example.com', 'contributor');
    const captureIds: string[] = [];
    for (let i = 0; i < 5; i += 1) {
      const token = await signUp(t, `contributor-${i}@example.com`, 'contributor');
      const bytes = i % 2 === 0 ? nmeaLog(10 + 7 * i) : csvTelemetry(20 + 11 * i);
      const id = await uploadCapture(t, token, bytes, { filename: `capture-${i}.${i % 2 === 0 ? 'nmea' : 'csv'}` });
      expect((await settled(t, token, id)).status).toBe('ready');
      captureIds.push(id);
      contributors.push({ token, id: (await me(token)).id, wallet: newWallet() });
    }
    // One contributor signed in with a wallet: their leaf names the wallet instead of the user id.
    await t.sql(`UPDATE users SET wallet_address = $2 WHERE id = $1`, [contributors[0].id, contributors[0].wallet]);
    for (const c of contributors.slice(1)) {
      await t.http().put('/v1/me/payout-method').set(auth(c.token)).send({ kind: 'usdc', wallet: c.wallet }).expect(200);
    }
    const licence = ((await t.http().get('/v1/licences').expect(200)).body as { id: string; slug: string }[])[0];
    const draft = await t
      .http()
      .post('/v1/datasets')
      .set(auth(admin))
      .send({
        title: 'Five drivers',
        description: 'Captures from five contributors, curated by the platform.',
        captureIds,
        licenceTemplateId: licence.id,
        priceUsdCents: Number(CARD_GROSS),
        declarations: { ownsRights: true, identifiablePeople: false, piiRedacted: true, restrictedLocations: false },
      })
      .expect(201);
    datasetId = (draft.body as DatasetResponse).id;
    await grantAll(
      t,
      contributors.map((c) => c.token),
      datasetId,
    );
    await t.http().post(`/v1/datasets/${datasetId}/submit`).set(auth(admin)).expect(200);
    const approved = (await t.http().post(`/v1/admin/datasets/${datasetId}/approve`).set(auth(admin)).send({}).expect(200)).body as DatasetResponse;
    if (approved.latestVersion === null) throw new Error('the approval published no version');
    version = approved.latestVersion;
    // The sales here are recorded without checkout, so no buyer's USDC reached the treasury: fund it for the payouts.
    await ledger.airdropUsdc(ledger.treasuryAddress, 1_000n * 1_000_000n);
    splitIds = { card: await sell(orders.card, 'USD', CARD_GROSS), usdc: await sell(orders.usdc, 'USDC', USDC_GROSS) };
  }, 180_000);
  afterAll(async () => {
    await t.close();
    await stripe.stop();
  });

  it('splits each sale exactly: platform fee and five contributors, adding up to the gross', async () => {
    for (const [orderId, gross, currency] of [
      [orders.card, CARD_GROSS, 'USD'],
      [orders.usdc, USDC_GROSS, 'USDC'],
    ] as const) {
      const split = await splitOf(orderId);
      expect(split).toMatchObject({ orderId, currency, gross: gross.toString(), merkleRoot: expect.stringMatching(/^[0-9a-f]{64}$/) });
      expect(split.rows.map((r) => r.role).sort()).toEqual(['contributor', 'contributor', 'contributor', 'contributor', 'contributor', 'platform']);
      expect(sumOf(split.rows)).toBe(gross);
      expect(split.rows.find((r) => r.role === 'platform')).toEqual({
        payee: ledger.treasuryAddress,
        role: 'platform',
        amount: ((gross * 1500n) / 10_000n).toString(),
      });
      expect(split.rows.map((r) => r.payee)).toEqual(expect.arrayContaining([contributors[0].wallet, contributors[1].id]));
    }
    const entries = await t.sql<{ n: string }>(`SELECT count(*) AS n FROM revenue_ledger_entries WHERE kind = 'sale'`);
    expect(entries[0].n).toBe('2');
  });

  it('is idempotent per order: recording the same sale again answers the same split and posts nothing', async () => {
    expect(await sell(orders.card, 'USD', CARD_GROSS)).toBe(splitIds.card);
    expect((await t.sql<{ n: string }>(`SELECT count(*) AS n FROM revenue_splits`))[0].n).toBe('2');
    expect((await t.sql<{ n: string }>(`SELECT count(*) AS n FROM revenue_ledger_entries`))[0].n).toBe('2');
  });

  it('shows a contributor only their own row, and nothing to others', async () => {
    const mine = await splitOf(orders.card, contributors[2].token);
    expect(mine.rows).toEqual([{ payee: contributors[2].id, role: 'contributor', amount: expect.any(String) }]);
    await t.http().get(`/v1/orders/${orders.card}/split`).set(auth(outsider)).expect(404);
    await t.http().get(`/v1/orders/${orders.card}/split`).expect(401);
    await t.http().get(`/v1/splits/${splitIds.card}/proof?contributor=${contributors[3].id}`).set(auth(contributors[2].token)).expect(403);
    await t.http().get(`/v1/splits/${splitIds.card}/proof`).set(auth(outsider)).expect(404);
    await t.http().get(`/v1/splits/${splitIds.card}/proof?contributor=${contributors[3].id}`).set(auth(admin)).expect(200);
  });

  it('records each split root on-chain once; every proof verifies against the memo read back from the ledger', async () => {
    for (const [orderId, splitId] of [
      [orders.card, splitIds.card],
      [orders.usdc, splitIds.usdc],
    ]) {
      const split = await splitWhenRecorded(orderId);
      expect(parseMemoRecord(await memoOf(split.txSignature))).toEqual({ kind: 'split', splitId, root: split.merkleRoot });
      const signatures = await t.sql(`SELECT 1 FROM revenue_splits WHERE id = $1 AND status = 'confirmed' AND attempts = 1`, [splitId]);
      expect(signatures).toHaveLength(1);
    }
    for (const c of contributors) {
      const earnings = await earningsOf(c.token);
      expect(earnings).toHaveLength(2);
      for (const earning of earnings) {
        const root = hashFromHex(parseMemoRecord(await memoOf(earning.txSignature)).root);
        expect(verifyMerkleProof(Buffer.from(earning.leaf), proofFromHex(earning.proof), root)).toBe(true);
        expect(
          verifyMerkleProof(
            Buffer.from(earning.leaf.replace(/\|(\d+)$/, (_: string, n: string) => `|${BigInt(n) + 1n}`)),
            proofFromHex(earning.proof),
            root,
          ),
        ).toBe(false);
        expect(earning.leaf).toBe(
          `spl1|${earning.splitId}|${c === contributors[0] ? c.wallet : c.id}|contributor|${earning.currency}|${earning.amount}`,
        );
        expect(earning.paidOut).toBe(false);
        // The sale names its dataset by the title of the version sold, as the dashboard shows it.
        expect(earning).toMatchObject({ datasetId, datasetTitle: 'Five drivers', version: 1 });
      }
    }
  });

  it('lets one sender at a time hold an outbox row, and another take it within seconds of the first one dying', async () => {
    const outbox = t.app.get(ChainOutboxRepository);
    const lease = (token: string) => outbox.lease('revenue_splits', splitIds.card, token, 30);
    await splitWhenRecorded(orders.card);
    // Pending again for a moment, as if its transaction had not been sent: a row for senders to lease.
    await t.sql(`UPDATE revenue_splits SET status = 'pending' WHERE id = $1`, [splitIds.card]);
    const [first, second] = [randomUUID(), randomUUID()];
    expect(await lease(first)).toMatchObject({ id: splitIds.card });
    expect(await lease(second)).toBeNull();
    expect(await outbox.renewLease('revenue_splits', splitIds.card, first, 30)).toBe(true);
    // The first sender dies: nobody renews its lease, which runs out (the clock moves on), and the second takes the row.
    await t.sql(`UPDATE revenue_splits SET lease_until = now() - interval '1 second' WHERE id = $1`, [splitIds.card]);
    expect(await lease(second)).toMatchObject({ id: splitIds.card });
    // Had the first one only stalled, it could no longer send, renew or release.
    expect(await outbox.markSending('revenue_splits', splitIds.card, first)).toBe(false);
    expect(await outbox.renewLease('revenue_splits', splitIds.card, first, 30)).toBe(false);
    await outbox.release('revenue_splits', splitIds.card, first);
    expect(await lease(randomUUID())).toBeNull();
    expect(await outbox.markSending('revenue_splits', splitIds.card, second)).toBe(true);
    await outbox.release('revenue_splits', splitIds.card, second);
    const [row] = await t.sql<{ lease_until: Date | null; lease_token: string | null }>(
      `WITH confirmed AS (UPDATE revenue_splits SET status = 'confirmed' WHERE id = $1 RETURNING lease_until, lease_token) SELECT * FROM confirmed`,
      [splitIds.card],
    );
    expect(row).toEqual({ lease_until: null, lease_token: null });
  });

  it('checks a proof with the standalone verifier script against the memo served by the API', async () => {
    const server = t.app.getHttpServer();
    if (!server.listening) await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const proof = (await t.http().get(`/v1/splits/${splitIds.usdc}/proof`).set(auth(contributors[1].token)).expect(200)).body as SplitProofResponse;
    const run = (args: string[]) => promisify(execFile)('node', ['scripts/verify-split.mjs', ...args]);
    const ok = await run([
      `--api=http://127.0.0.1:${port}`,
      `--signature=${String(proof.txSignature)}`,
      `--leaf=${proof.leaf}`,
      `--proof=${proof.proof.join(',')}`,
    ]);
    expect(ok.stdout).toContain('OK');
    const forged = proof.leaf.replace(/\|\d+$/, '|999999999');
    await expect(
      run([`--api=http://127.0.0.1:${port}`, `--signature=${String(proof.txSignature)}`, `--leaf=${forged}`, `--proof=${proof.proof.join(',')}`]),
    ).rejects.toMatchObject({ code: 1 });
  });

  it("records the split inside checkout's payment transaction, paid by card and by USDC through HTTP; an admin refund reverses it", async () => {
    const buyer = await signUp(t, 'buyer@example.com', 'buyer');
    const card = (await t.http().post('/v1/orders').set(auth(buyer)).send({ datasetId, paymentMethod: 'card' }).expect(201)).body as OrderResponse;
    if (!card.stripe) throw new Error('a card order has a Checkout Session');
    const { payload } = stripe.event('checkout.session.completed', stripe.sessionObject(card.stripe.sessionId));
    await t
      .http()
      .post('/v1/webhooks/stripe')
      .set('Content-Type', 'application/json')
      .set('Stripe-Signature', stripe.sign(payload))
      .send(payload)
      .expect(200);
    // The same buyer buys the same version a second time, on purpose: one sale of each method.
    const usdc = (await t.http().post('/v1/orders').set(auth(buyer)).send({ datasetId, paymentMethod: 'solana', allowRepeat: true }).expect(201))
      .body as OrderResponse;
    if (!usdc.solanaPay) throw new Error('a USDC order has a Solana Pay request');
    await t.http().post('/v1/dev/solana/pay').send({ url: usdc.solanaPay.url }).expect(200);
    await t.http().post(`/v1/orders/${usdc.id}/confirm-solana`).set(auth(buyer)).send({}).expect(200);

    for (const [order, currency, gross] of [
      [card, 'USD', CARD_GROSS],
      [usdc, 'USDC', CARD_GROSS * 10_000n],
    ] as const) {
      expect((await orderOf(order.id, buyer)).status).toBe('paid');
      const split = await splitOf(order.id);
      expect(split).toMatchObject({ currency, gross: gross.toString(), refunded: false });
      expect(split.rows).toHaveLength(6);
      expect(sumOf(split.rows)).toBe(gross);
      await t.http().get(`/v1/orders/${order.id}/split`).set(auth(buyer)).expect(404);
      await splitWhenRecorded(order.id);
    }
    await t.http().post(`/v1/admin/orders/${card.id}/refund`).set(auth(admin)).send({ reason: 'buyer changed their mind' }).expect(200);
    expect((await splitOf(card.id)).refunded).toBe(true);
    const entries = await t.sql<{ kind: string }>(`SELECT kind FROM revenue_ledger_entries WHERE order_id = $1 ORDER BY kind DESC`, [card.id]);
    expect(entries.map((e) => e.kind)).toEqual(['sale', 'refund']);
  });

  it('keeps the ledger balanced in the database itself, and its lines append-only', async () => {
    const entry = randomUUID();
    await expect(
      dataSource.transaction(async (manager) => {
        await manager.query(`INSERT INTO revenue_ledger_entries (id, kind, order_id, description) VALUES ($1, 'sale', $2, 'bad')`, [
          entry,
          randomUUID(),
        ]);
        await manager.query(
          `INSERT INTO revenue_ledger_lines (entry_id, line, account, currency, amount) VALUES ($1, 0, 'buyer_payments', 'USD', -100), ($1, 1, 'platform_revenue', 'USD', 99)`,
          [entry],
        );
      }),
    ).rejects.toThrow(/does not sum to zero/);
    await expect(
      dataSource.transaction((manager) =>
        manager.query(`INSERT INTO revenue_ledger_entries (id, kind, order_id, description) VALUES ($1, 'sale', $2, 'no lines')`, [
          entry,
          randomUUID(),
        ]),
      ),
    ).rejects.toThrow(/fewer than two lines/);
    await expect(t.sql(`UPDATE revenue_ledger_lines SET amount = amount + 1`)).rejects.toThrow(/append-only/);
    await expect(t.sql(`DELETE FROM revenue_ledger_entries`)).rejects.toThrow(/append-only/);
    await expect(
      dataSource.transaction((manager) =>
        manager.query(
          `INSERT INTO revenue_ledger_lines (entry_id, line, account, currency, amount) VALUES ($1, 0, 'payouts', 'USD', 0 + 1), ($1, 1, 'treasury', 'USD', -1)`,
          [randomUUID()],
        ),
      ),
    ).rejects.toThrow(/must belong to an entry/);
    const [{ sum }] = await t.sql<{ sum: string }>(`SELECT sum(amount)::text AS sum FROM revenue_ledger_lines`);
    expect(sum).toBe('0');
  });

  it('refuses every way of unbalancing an entry, with the statement-level check on the lines a statement adds', async () => {
    const refused = (statements: (entry: string, other: string) => [string, unknown[]][]) => {
      const [entry, other] = [randomUUID(), randomUUID()];
      return dataSource.transaction(async (manager) => {
        for (const id of [entry, other]) {
          await manager.query(`INSERT INTO revenue_ledger_entries (id, kind, order_id, description) VALUES ($1, 'sale', $2, 'test')`, [
            id,
            randomUUID(),
          ]);
        }
        for (const [sql, parameters] of statements(entry, other)) await manager.query(sql, parameters);
      });
    };
    const lines = `INSERT INTO revenue_ledger_lines (entry_id, line, account, owner_id, currency, amount) VALUES `;
    // Balanced first, then a second statement that unbalances it: the entry as a whole must stay at zero.
    await expect(
      refused((entry, other) => [
        [`${lines}($1, 0, 'buyer_payments', NULL, 'USD', -100), ($1, 1, 'platform_revenue', NULL, 'USD', 100)`, [entry]],
        [`${lines}($1, 0, 'buyer_payments', NULL, 'USD', -1), ($1, 1, 'platform_revenue', NULL, 'USD', 1)`, [other]],
        [`${lines}($1, 2, 'platform_revenue', NULL, 'USD', 5)`, [entry]],
      ]),
    ).rejects.toThrow(/does not sum to zero/);
    // One statement whose lines sum to zero overall but not per entry.
    await expect(
      refused((entry, other) => [
        [
          `${lines}($1, 0, 'buyer_payments', NULL, 'USD', -100), ($1, 1, 'platform_revenue', NULL, 'USD', 99), ($2, 0, 'platform_revenue', NULL, 'USD', 1), ($2, 1, 'buyer_payments', NULL, 'USD', -1), ($2, 2, 'platform_revenue', NULL, 'USD', 1)`,
          [entry, other],
        ],
      ]),
    ).rejects.toThrow(/does not sum to zero/);
    // Zero overall but not per currency.
    await expect(
      refused((entry, other) => [
        [`${lines}($1, 0, 'buyer_payments', NULL, 'USD', -100), ($1, 1, 'platform_revenue', NULL, 'USDC', 100)`, [entry]],
        [`${lines}($1, 0, 'buyer_payments', NULL, 'USD', -1), ($1, 1, 'platform_revenue', NULL, 'USD', 1)`, [other]],
      ]),
    ).rejects.toThrow(/does not sum to zero/);
    // A 10,001-line entry (one INSERT … SELECT, as a sale with 10,000 contributors) off by one unit in its last line.
    await expect(
      refused((entry, other) => [
        [
          `INSERT INTO revenue_ledger_lines (entry_id, line, account, owner_id, currency, amount)
        SELECT $1::uuid, 0, 'buyer_payments', NULL::uuid, 'USDC', -100000
        UNION ALL SELECT $1, i, 'platform_revenue', NULL, 'USDC', CASE WHEN i = 10000 THEN 11 ELSE 10 END FROM generate_series(1, 10000) i`,
          [entry],
        ],
        [`${lines}($1, 0, 'buyer_payments', NULL, 'USD', -1), ($1, 1, 'platform_revenue', NULL, 'USD', 1)`, [other]],
      ]),
    ).rejects.toThrow(/does not sum to zero/);
    // The same entry balanced goes in, checked by the same triggers at commit.
    await expect(
      refused((entry, other) => [
        [
          `INSERT INTO revenue_ledger_lines (entry_id, line, account, owner_id, currency, amount)
        SELECT $1::uuid, 0, 'buyer_payments', NULL::uuid, 'USDC', -100000
        UNION ALL SELECT $1, i, 'platform_revenue', NULL, 'USDC', 10 FROM generate_series(1, 10000) i`,
          [entry],
        ],
        [`${lines}($1, 0, 'buyer_payments', NULL, 'USD', -1), ($1, 1, 'platform_revenue', NULL, 'USD', 1)`, [other]],
      ]),
    ).resolves.toBeUndefined();
    // An entry left with no lines is still caught at commit.
    await expect(
      refused((entry) => [[`${lines}($1, 0, 'buyer_payments', NULL, 'USD', -1), ($1, 1, 'platform_revenue', NULL, 'USD', 1)`, [entry]]]),
    ).rejects.toThrow(/fewer than two lines/);
    // A leaf field the encoding refuses, found while the sale's entry is already in flight: nothing of the sale stays.
    const prepared = await revenue.prepareSale(datasetId, version);
    const tampered = { ...prepared, payees: { ...prepared.payees, [contributors[0].id]: 'forged|payee' } };
    const orderId = randomUUID();
    const sale: SaleFacts = { orderId, datasetId, version, buyerId: randomUUID(), currency: 'USD', gross: 500n, paymentReference: 'pay-forged' };
    await expect(dataSource.transaction((manager) => revenue.recordSale(manager, sale, tampered))).rejects.toThrow(/payee must be/);
    expect(
      await t.sql(`SELECT 1 FROM revenue_ledger_entries WHERE order_id = $1 UNION ALL SELECT 1 FROM revenue_splits WHERE order_id = $1`, [orderId]),
    ).toEqual([]);
    const [{ sum }] = await t.sql<{ sum: string }>(`SELECT sum(amount)::text AS sum FROM revenue_ledger_lines`);
    expect(sum).toBe('0');
  });

  it('reverses a refunded sale in the ledger, once', async () => {
    const refunded = randomUUID();
    // Sold twice at once (two transactions): one split and one sale entry, both calls answer the same split.
    const [first, second] = await Promise.all([sell(refunded, 'USD', 777n), sell(refunded, 'USD', 777n)]);
    expect(second).toBe(first);
    expect((await t.sql(`SELECT 1 FROM revenue_splits WHERE order_id = $1`, [refunded])).length).toBe(1);
    expect((await t.sql(`SELECT 1 FROM revenue_ledger_entries WHERE order_id = $1 AND kind = 'sale'`, [refunded])).length).toBe(1);
    const before = await payables();
    for (let i = 0; i < 2; i += 1) await dataSource.transaction((manager) => revenue.recordRefund(manager, { orderId: refunded, reference: 're_1' }));
    expect((await t.sql(`SELECT 1 FROM revenue_ledger_entries WHERE order_id = $1 AND kind = 'refund'`, [refunded])).length).toBe(1);
    const after = await payables();
    const [sale] = await t.sql<{ id: string }>(`SELECT id FROM revenue_splits WHERE order_id = $1`, [refunded]);
    const rows = await t.sql<{ user_id: string; amount: string }>(
      `SELECT user_id, amount::text FROM revenue_split_rows WHERE split_id = $1 AND role = 'contributor'`,
      [sale.id],
    );
    for (const row of rows) {
      const of = (list: typeof before) => BigInt(list.find((b) => b.owner_id === row.user_id && b.currency === 'USD')?.balance ?? '0');
      expect(of(before) - of(after)).toBe(BigInt(row.amount));
    }
    const [{ refunds }] = await t.sql<{ refunds: string }>(
      `SELECT sum(l.amount)::text AS refunds FROM revenue_ledger_lines l JOIN revenue_ledger_entries e ON e.id = l.entry_id WHERE e.order_id = $1 AND l.account = 'refunds'`,
      [refunded],
    );
    expect(refunds).toBe('777');
    expect((await splitOf(refunded)).refunded).toBe(true);
  });

  it('pays every contributor once in batched transactions; a second run pays nobody', async () => {
    const owed = new Map((await payables()).map((b) => [`${b.owner_id}|${b.currency}`, BigInt(b.balance)]));
    const expected = (id: string) => (owed.get(`${id}|USD`) ?? 0n) * 10_000n + (owed.get(`${id}|USDC`) ?? 0n);
    const before = await Promise.all(contributors.map((c) => ledger.usdcBalance(c.wallet)));

    const run = await runPayouts();
    expect(run.payouts.filter((p) => p.status !== 'paid')).toEqual([]);
    expect(run.payouts).toHaveLength(10);
    expect(run.transactions).toBe(1);
    for (const [i, c] of contributors.entries()) {
      expect((await ledger.usdcBalance(c.wallet)) - before[i]).toBe(expected(c.id));
    }
    expect((await payables()).filter((b) => BigInt(b.balance) !== 0n)).toEqual([]);
    const earnings = await earningsOf(contributors[4].token);
    expect(earnings.filter((e) => !e.refunded).every((e) => e.paidOut)).toBe(true);

    const again = await runPayouts();
    expect(again).toEqual({ payouts: [], transactions: 0 });
    for (const [i, c] of contributors.entries()) expect((await ledger.usdcBalance(c.wallet)) - before[i]).toBe(expected(c.id));
    await t.http().post('/v1/admin/payouts/run').set(auth(contributors[0].token)).expect(403);
  });

  it('recovers a crash between "transaction sent" and "ledger updated" without paying twice', async () => {
    await sell(randomUUID(), 'USDC', 3_000_000n);
    const before = await Promise.all(contributors.map((c) => ledger.usdcBalance(c.wallet)));
    const owed = new Map((await payables()).filter((b) => b.currency === 'USDC').map((b) => [b.owner_id, BigInt(b.balance)]));
    // The ledger double lands the transaction, then the process "dies" before the payouts are booked.
    const send = jest.spyOn(ledger, 'transferUsdcBatch').mockImplementationOnce(async (...args) => {
      await LiteSvmLedger.prototype.transferUsdcBatch.apply(ledger, args);
      throw new Error('crashed after sending');
    });
    const crashed = await runPayouts();
    expect(crashed.transactions).toBe(0);
    expect(crashed.payouts.every((p) => p.status === 'sending')).toBe(true);
    for (const [i, c] of contributors.entries()) expect((await ledger.usdcBalance(c.wallet)) - before[i]).toBe(owed.get(c.id));
    expect((await payables()).filter((b) => BigInt(b.balance) > 0n)).toHaveLength(5);

    // The next run (or the batch's job) finds the transaction by its reference and books it; nothing is sent again.
    const recovered = await runPayouts();
    expect(recovered).toEqual({ payouts: [], transactions: 0 });
    expect(send).toHaveBeenCalledTimes(1);
    send.mockRestore();
    for (const [i, c] of contributors.entries()) expect((await ledger.usdcBalance(c.wallet)) - before[i]).toBe(owed.get(c.id));
    expect((await payables()).filter((b) => BigInt(b.balance) !== 0n)).toEqual([]);
    const [{ paid }] = await t.sql<{ paid: string }>(`SELECT count(*) AS paid FROM revenue_payouts WHERE status = 'paid'`);
    expect(paid).toBe('15');
    const [{ sum }] = await t.sql<{ sum: string }>(`SELECT sum(amount)::text AS sum FROM revenue_ledger_lines`);
    expect(sum).toBe('0');
  });
  it('pays a Stripe Connect contributor one transfer per sale, transfer_group = the order id, and never twice', async () => {
    const payee = contributors[2];
    const account = 'acct_test5contributor';
    await t.http().put('/v1/me/payout-method').set(auth(payee.token)).send({ kind: 'stripe', account }).expect(200);
    const sales = [randomUUID(), randomUUID()];
    for (const orderId of sales) await sell(orderId, 'USD', 7_001n);
    const owed = await Promise.all(
      sales.map(async (orderId) => {
        const row = (await splitOf(orderId)).rows.find((r) => r.payee === payee.id);
        if (!row) throw new Error(`no row of ${payee.id} in the split of ${orderId}`);
        return BigInt(row.amount);
      }),
    );
    const before = stripe.transfers.length;
    // The first attempt dies after the first transfer; the parts are fixed, so the retry sends only the second.
    const gateway = t.app.get(StripeGateway);
    const create = jest.spyOn(gateway, 'createTransfer');
    create.mockImplementationOnce(async (request) => {
      await StripeSdkGateway.prototype.createTransfer.call(gateway, request);
      throw new Error('crashed after the first transfer');
    });
    const crashed = await runPayouts();
    expect(crashed.payouts.find((p) => p.payee === payee.id)).toMatchObject({ status: 'sending', currency: 'USD' });
    expect(stripe.transfers).toHaveLength(before + 1);
    const laterSale = randomUUID();
    await sell(laterSale, 'USD', 5_000n); // a later sale does not move this payout's parts
    await t.http().post('/v1/admin/payouts/run').set(auth(admin)).expect(200);
    create.mockRestore();
    const sent = stripe.transfers.slice(before).filter((transfer) => transfer.destination === account);
    expect(sent.map((transfer) => [transfer.transfer_group, BigInt(transfer.amount)])).toEqual(sales.map((orderId, i) => [orderId, owed[i]]));
    const [payout] = await t.sql<{ id: string; status: string; tx_signature: string; amount: string }>(
      `SELECT id, status, tx_signature, amount::text FROM revenue_payouts WHERE payee_id = $1 AND method = 'stripe' ORDER BY created_at LIMIT 1`,
      [payee.id],
    );
    expect(payout).toMatchObject({ status: 'paid', tx_signature: sent.map((transfer) => transfer.id).join(','), amount: String(owed[0] + owed[1]) });
    for (const [i, transfer] of sent.entries()) expect(transfer.metadata).toEqual({ payout_id: payout.id, order_id: sales[i] });
    const keys = stripe
      .requestsTo('/v1/transfers')
      .filter((r) => r.method === 'POST' && r.form.destination === account)
      .map((r) => r.idempotencyKey);
    expect(keys).toEqual(sales.map((orderId) => `payout:${payout.id}:${orderId}`));
    // The later sale is paid by the next payout, in its own group (this run or the next).
    await t.http().post('/v1/admin/payouts/run').set(auth(admin)).expect(200);
    const all = stripe.transfers.slice(before).filter((transfer) => transfer.destination === account);
    expect(all.map((transfer) => transfer.transfer_group)).toEqual([...sales, laterSale]);
    expect((await payables()).filter((b) => b.owner_id === payee.id && BigInt(b.balance) !== 0n)).toEqual([]);
  });
});
