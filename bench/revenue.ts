/**
 * npm run bench:revenue [-- contributors]
 *
 * On a fresh PostgreSQL database (on BENCH_DATABASE_URL's server, default postgres://postgres@127.0.0.1:5432/postgres),
 * a real app instance (its workers off) and the embedded LiteSVM ledger:
 *   1. split + ledger + outbox for one sale with 10,000 contributors: RevenueService.recordSale in a transaction
 *      (split arithmetic, 10,001 spl1 leaves and their Merkle root, split rows, the balanced sale entry, the job row),
 *      timed over several sales; the target is under 500 ms;
 *   2. a payout run paying those 10,000 contributors USDC: token-account setup transactions, payout transactions
 *      against the theoretical minimum ceil(N / per-transaction capacity), and the total time.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { getAddressDecoder } from '@solana/kit';
import pg from 'pg';
import { DataSource } from 'typeorm';
import { createApp } from '../src/app.factory.js';
import { LiteSvmLedger } from '../src/chain/litesvm.ledger.js';
import { SolanaLedger } from '../src/chain/solana-ledger.port.js';
import { loadConfig } from '../src/config/load-config.js';
import { openDatabase } from '../src/database/database-connection.js';
import { computeSplit } from '../src/revenue/split-calculator.js';
import { PayoutService, payoutMemo } from '../src/revenue/services/payout.service.js';
import { type PreparedSale, RevenueService } from '../src/revenue/services/revenue.service.js';

const CONTRIBUTORS = Number(process.argv[2] ?? 10_000);
const SALES = 7;
const GROSS = 1_000_000_000n; // 1,000 USDC
const STALE_ADDRESS_LOOKUP_TABLE_CAPACITY = 55; // ../shared/STACK-NOTES.md: plain transfers per v0 transaction with a lookup table

const ms = (start: number) => `${(performance.now() - start).toFixed(0)} ms`;
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

async function main(): Promise<void> {
  const server = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const name = `mkt_bench_revenue_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: server });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(server);
  url.pathname = `/${name}`;
  const dataDir = mkdtempSync(join(tmpdir(), 'mkt-bench-revenue-'));
  const config = loadConfig({
    DATABASE_URL: url.toString(),
    DATA_DIR: dataDir,
    LOG_LEVEL: 'silent',
    WORKER_CONCURRENCY: '0',
    JWT_SECRET: 'b'.repeat(64),
    PAYOUT_INTERVAL_MINUTES: '0',
    PAYOUT_THRESHOLD_USDC_BASE_UNITS: '1',
  });
  const database = await openDatabase(config);
  const app = await createApp(config, database);
  try {
    const revenue = app.get(RevenueService);
    const payouts = app.get(PayoutService);
    const ledger = app.get(LiteSvmLedger);
    const dataSource = app.get(DataSource);

    const contributors = Array.from({ length: CONTRIBUTORS }, () => ({ userId: randomUUID(), weight: BigInt(1 + Math.floor(Math.random() * 5_000_000)) }));
    const wallets = contributors.map(() => getAddressDecoder().decode(randomBytes(32)));
    // Half the contributors signed in with a wallet (their leaf names it), half are known by user id.
    const payees = Object.fromEntries(contributors.map((c, i) => [c.userId, i % 2 === 0 ? wallets[i] : c.userId]));
    const curatorId = randomUUID();
    const prepared: PreparedSale = {
      datasetId: randomUUID(),
      version: 1,
      platformFeeBps: 1500,
      curatorId,
      curatorBps: 500,
      contributors,
      payees: { ...payees, [curatorId]: curatorId },
      platformPayee: app.get(SolanaLedger).treasuryAddress,
    };

    console.log(`\n1. split + ledger + outbox for one sale with ${CONTRIBUTORS.toLocaleString()} contributors (target < 500 ms)`);
    let start = performance.now();
    computeSplit({ gross: GROSS, platformFeeBps: 1500, curatorBps: 500, contributors: contributors.map((c) => ({ id: c.userId, weight: c.weight })) });
    console.log(`   split arithmetic alone: ${ms(start)}`);
    const timings: number[] = [];
    for (let i = 0; i < SALES; i += 1) {
      const sale = { orderId: randomUUID(), datasetId: prepared.datasetId, version: 1, buyerId: randomUUID(), currency: 'USDC' as const, gross: GROSS, paymentReference: `bench-${i}` };
      start = performance.now();
      await dataSource.transaction((manager) => revenue.recordSale(manager, sale, prepared));
      timings.push(performance.now() - start);
    }
    console.log(`   recordSale, committed: ${timings.map((t) => t.toFixed(0)).join(', ')} ms; median ${median(timings).toFixed(0)} ms (first one warms up)`);

    console.log(`\n2. payout run for ${CONTRIBUTORS.toLocaleString()} contributors on LiteSVM`);
    await dataSource.query(
      `INSERT INTO revenue_payout_methods (user_id, kind, wallet) SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[])`,
      [contributors.map((c) => c.userId), contributors.map(() => 'usdc'), wallets],
    );
    await ledger.airdropUsdc(ledger.treasuryAddress, GROSS * BigInt(SALES));
    const capacity = ledger.usdcBatchCapacity(payoutMemo(randomUUID()).length);
    start = performance.now();
    const setupTransactions = await ledger.ensureTokenAccounts(wallets);
    const setupTime = ms(start);
    start = performance.now();
    const run = await payouts.run();
    const runTime = ms(start);
    const paid = run.payouts.filter((p) => p.status === 'paid').length;
    const minimum = Math.ceil(paid / capacity);
    console.log(`   token accounts created first: ${setupTransactions} transactions in ${setupTime} (once per new payee; none on later runs)`);
    console.log(`   payouts: ${paid} paid (${run.payouts.length - paid} not) in ${run.transactions} transactions, ${runTime}`);
    console.log(`   capacity without a lookup table: ${capacity} transfers per transaction (measured by compiling, memo + reference)`);
    console.log(`   theoretical minimum ceil(${paid} / ${capacity}) = ${minimum}: ${((run.transactions / minimum - 1) * 100).toFixed(1)}% above it`);
    console.log(`   with an address lookup table (${STALE_ADDRESS_LOOKUP_TABLE_CAPACITY} per transaction, STACK-NOTES) the floor would be ${Math.ceil(paid / STALE_ADDRESS_LOOKUP_TABLE_CAPACITY)}, not used (see README)`);
    const again = await payouts.run().then((result) => result.payouts.filter((p) => p.status !== 'held'));
    console.log(`   second run: ${again.length} payouts (balances already paid; the curator, who has no payout method, stays held)`);
  } finally {
    await app.close();
    await database.close();
    rmSync(dataDir, { recursive: true, force: true });
    const cleanup = new pg.Client({ connectionString: server });
    await cleanup.connect();
    await cleanup.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await cleanup.end();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
