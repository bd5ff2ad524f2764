import { execFile } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { type Address, generateKeyPairSigner, getAddressDecoder } from '@solana/kit';
import { DataSource } from 'typeorm';
import { LedgerServer } from '../src/chain/ledger-server/ledger-server.js';
import { RpcSolanaLedger } from '../src/chain/rpc.ledger.js';
import { SolanaLedger } from '../src/chain/solana-ledger.port.js';
import type { OrderResponse } from '../src/checkout/dto/order.response.js';
import type { DatabaseConnection } from '../src/database/database-connection.js';
import type { ProvenanceResponse } from '../src/catalog/dto/provenance.response.js';
import { parseMemoRecord } from '../src/provenance/memo-record.js';
import type { EarningResponse, SplitResponse } from '../src/revenue/dto/split.response.js';
import { LedgerRepository } from '../src/revenue/repositories/ledger.repository.js';
import { PayoutService, payoutMemo } from '../src/revenue/services/payout.service.js';
import { type PublishedDataset, auth, logIn, publishDataset, signUp } from './support/checkout.js';
import { type TestS3, startS3rver } from './support/s3rver.js';
import { startTestApp, type TestApp } from './support/test-app.js';
import { createTestDatabase } from './support/test-database.js';

const PRICE_CENTS = 1999;
const PRICE_BASE_UNITS = 19_990_000n;
const ADMIN = { email: 'root@marketplace.test', password: 'correct-horse-battery' };

/** Polls `read` until it answers something, or fails naming `what`. */
async function eventually<T>(what: string, read: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  for (const deadline = Date.now() + timeoutMs; ;) {
    const value = await read();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs / 1000} s`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/**
 * The production path: two service instances on one database and one object store (s3rver), both pointed at the ledger server (npm run ledger)
 * through SOLANA_RPC_URL, so every chain call goes through RpcSolanaLedger (@solana/kit's createSolanaRpc and
 * websocket confirmations) and @solana/pay over real JSON-RPC. The same sale, anchor, split and payout checks as the
 * LiteSVM-backed specs (checkout-solana, provenance, revenue, payouts).
 */
describe('the RPC adapter over real JSON-RPC: two instances sharing the ledger server (e2e)', () => {
  let ledgerDir: string;
  let server: LedgerServer;
  let database: DatabaseConnection;
  let s3: TestS3;
  let a: TestApp;
  let b: TestApp;
  let admin: string;
  let alice: string;
  let buyer: string;
  let dataset: PublishedDataset;

  const pay = async (url: string): Promise<string> => {
    const response = await fetch(`${server.connection.SOLANA_RPC_URL}/dev/pay`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ url }),
    });
    const body = (await response.json()) as { signature: string };
    expect(response.status).toBe(200);
    return body.signature;
  };
  const mintToTreasury = async (amount: bigint) => {
    const response = await fetch(`${server.connection.SOLANA_RPC_URL}/dev/mint-usdc`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ owner: server.chain.treasury.address, amount: amount.toString() }),
    });
    expect(response.status).toBe(200);
  };
  const chainOf = (t: TestApp) => t.app.get(SolanaLedger);

  beforeAll(async () => {
    ledgerDir = mkdtempSync(join(tmpdir(), 'ledger-rpc-'));
    server = await LedgerServer.start({ dataDir: ledgerDir, port: 0, slotMs: 100 });
    database = await createTestDatabase();
    s3 = await startS3rver();
    const env = {
      ...server.connection,
      ...s3.env,
      // Instances behind one balancer share their secrets.
      JWT_SECRET: randomBytes(32).toString('hex'),
      ADMIN_EMAIL: ADMIN.email,
      ADMIN_PASSWORD: ADMIN.password,
      AUTH_RATE_LIMIT: '1000',
      PAYOUT_INTERVAL_MINUTES: '0',
      PAYOUT_THRESHOLD_USD_CENTS: '1',
      PAYOUT_THRESHOLD_USDC_BASE_UNITS: '1',
    };
    a = await startTestApp(env, database);
    b = await startTestApp(env, database);
    admin = await logIn(a, ADMIN.email, ADMIN.password);
    alice = await signUp(a, 'alice@example.com', 'contributor');
    buyer = await signUp(b, 'buyer@example.com', 'buyer');
    dataset = await publishDataset(
      a,
      { contributor: alice, admin },
      { title: 'GNSS drives', licenceSlug: 'commercial-ai-training', priceUsdCents: PRICE_CENTS, seed: 3 },
    );
  }, 180_000);
  afterAll(async () => {
    await a.close();
    await b.close();
    await database.close();
    await s3.close();
    await server.close();
    rmSync(ledgerDir, { recursive: true, force: true });
  });

  it('uses RpcSolanaLedger on the ledger server in both instances', () => {
    for (const t of [a, b]) {
      const ledger = chainOf(t);
      expect(ledger).toBeInstanceOf(RpcSolanaLedger);
      expect(ledger.cluster).toBe('localnet');
      expect(ledger.treasuryAddress).toBe(server.chain.treasury.address);
      expect(ledger.usdcMint).toBe(server.chain.usdcMint);
    }
  });

  it('anchors the published version on the ledger server: confirmed, and its memo read back by the other instance', async () => {
    const anchor = await eventually('the anchor', async () => {
      const provenance = (await b.http().get(`/v1/datasets/${dataset.datasetId}/provenance`).expect(200)).body as ProvenanceResponse;
      const found = provenance.versions.find((v) => v.version === dataset.version)?.anchor;
      return found?.status === 'confirmed' ? found : undefined;
    });
    expect(anchor).toMatchObject({ cluster: 'localnet', signature: expect.any(String) as unknown });
    expect(anchor.memo).toBe(`mkt:v1:anchor:${dataset.datasetId}:${dataset.version}:${dataset.merkleRoot}`);
    const memo = (await b.http().get(`/v1/chain/memos/${anchor.signature}`).expect(200)).body as { cluster: string; memo: string };
    expect(memo).toEqual({ cluster: 'localnet', signature: anchor.signature, memo: anchor.memo });
  });

  it('sells by Solana Pay over JSON-RPC: ordered on one instance, paid from a wallet, confirmed on the other; the split memo lands once', async () => {
    const order = (await a.http().post('/v1/orders').set(auth(buyer)).send({ datasetId: dataset.datasetId, paymentMethod: 'solana' }).expect(201))
      .body as OrderResponse;
    expect(order.solanaPay).toMatchObject({ recipient: server.chain.treasury.address, splToken: server.chain.usdcMint, amount: '19.99' });
    const early = await b.http().post(`/v1/orders/${order.id}/confirm-solana`).set(auth(buyer)).send({}).expect(409);
    expect(early.body).toMatchObject({ code: 'CHECKOUT_PAYMENT_NOT_FOUND' });

    const treasuryBefore = await chainOf(a).usdcBalance(server.chain.treasury.address);
    const signature = await pay(order.solanaPay?.url ?? '');
    const paid = (await b.http().post(`/v1/orders/${order.id}/confirm-solana`).set(auth(buyer)).send({}).expect(200)).body as OrderResponse;
    expect(paid).toMatchObject({
      status: 'paid',
      payments: [{ kind: 'charge', amount: { minor: Number(PRICE_BASE_UNITS), currency: 'USDC' }, reference: signature }],
    });
    expect(await chainOf(b).usdcBalance(server.chain.treasury.address)).toBe(treasuryBefore + PRICE_BASE_UNITS);
    // Confirming again on the first instance changes nothing.
    expect(
      ((await a.http().post(`/v1/orders/${order.id}/confirm-solana`).set(auth(buyer)).send({}).expect(200)).body as OrderResponse).payments,
    ).toHaveLength(1);
    await a.http().get(`/v1/orders/${order.id}/downloads`).set(auth(buyer)).expect(200);

    const split = await eventually('the split memo', async () => {
      const found = (await b.http().get(`/v1/orders/${order.id}/split`).set(auth(admin)).expect(200)).body as SplitResponse;
      return found.txSignature ? found : undefined;
    });
    const memo = await chainOf(a).findMemo(split.txSignature as never);
    expect(parseMemoRecord(memo ?? '')).toEqual({ kind: 'split', splitId: split.id, root: split.merkleRoot });
    const [{ attempts }] = await a.sql<{ attempts: number }>(`SELECT attempts FROM revenue_splits WHERE id = $1 AND status = 'confirmed'`, [
      split.id,
    ]);
    expect(attempts).toBe(1);

    // The standalone verifier reads the memo straight from the ledger server (getTransaction, jsonParsed).
    const earning = ((await a.http().get('/v1/me/earnings').set(auth(alice)).expect(200)).body as EarningResponse[]).find(
      (e) => e.splitId === split.id,
    );
    const run = promisify(execFile);
    const verified = await run(process.execPath, [
      'scripts/verify-split.mjs',
      '--rpc',
      server.connection.SOLANA_RPC_URL,
      '--signature',
      split.txSignature ?? '',
      '--leaf',
      earning?.leaf ?? '',
      '--proof',
      (earning?.proof ?? []).join(','),
    ]);
    expect(verified.stdout).toContain('OK');
  }, 90_000);

  it('pays 120 payees in batches through one lookup table over JSON-RPC; the other instance then pays nobody', async () => {
    const dataSource = a.app.get(DataSource);
    const payees = Array.from({ length: 120 }, (_, i) => ({
      id: randomUUID(),
      wallet: getAddressDecoder().decode(randomBytes(32)),
      amount: 1_000_000n + BigInt(i),
    }));
    await a.sql(`INSERT INTO revenue_payout_methods (user_id, kind, wallet) SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[])`, [
      payees.map((p) => p.id),
      payees.map(() => 'usdc'),
      payees.map((p) => p.wallet),
    ]);
    const gross = payees.reduce((sum, p) => sum + p.amount, 0n);
    await dataSource.transaction((manager) =>
      a.app.get(LedgerRepository).post(manager, [
        {
          id: randomUUID(),
          kind: 'sale',
          orderId: randomUUID(),
          description: 'test sale',
          lines: [
            { account: 'buyer_payments', ownerId: null, currency: 'USDC', amount: -gross },
            ...payees.map((p) => ({ account: 'contributor_payable' as const, ownerId: p.id, currency: 'USDC' as const, amount: p.amount })),
          ],
        },
      ]),
    );
    await mintToTreasury(gross);

    const ledger = chainOf(a);
    const capacity = ledger.usdcBatchCapacity(payoutMemo(randomUUID()).length, true);
    expect(capacity).toBeGreaterThanOrEqual(55);
    const run = await a.app.get(PayoutService).run();
    const paid = run.payouts.filter((p) => payees.some((payee) => payee.wallet === p.destination));
    expect(paid.filter((p) => p.status !== 'paid')).toEqual([]);
    expect(paid).toHaveLength(120);
    expect(run.transactions).toBe(Math.ceil(120 / capacity));
    expect(run.lookupTableTransactions).toBe(6);
    const tables = await a.sql<{ lookup_table: string | null }>(`SELECT DISTINCT lookup_table FROM revenue_payout_batches WHERE run_id = $1`, [
      run.runId,
    ]);
    expect(tables).toHaveLength(1);
    expect((await ledger.lookupTableAddresses(tables[0].lookup_table as Address)).length).toBe(121);
    for (const p of payees) expect(await chainOf(b).usdcBalance(p.wallet)).toBe(p.amount);

    const again = await b.app.get(PayoutService).run();
    expect(again.transactions).toBe(0);
    for (const p of payees.slice(0, 5)) expect(await chainOf(b).usdcBalance(p.wallet)).toBe(p.amount);
  }, 120_000);

  it("finds each other's transactions: a memo recorded through one instance is found by reference through the other", async () => {
    const reference = (await generateKeyPairSigner()).address;
    const receipt = await chainOf(a).recordMemo('recorded by instance A', { reference });
    await expect(chainOf(b).findByReference(reference)).resolves.toEqual(receipt);
    await expect(chainOf(b).findMemo(receipt.signature)).resolves.toBe('recorded by instance A');
  });
});
