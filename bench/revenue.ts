/**
 * npm run bench:revenue [-- [split] [contributors]]   (`split`: part 1 only; BENCH_SALES sales in part 1, default 20)
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
import { performance } from 'node:perf_hooks';
import { getAddressDecoder } from '@solana/kit';
import { DataSource } from 'typeorm';
import { LiteSvmLedger } from '../src/chain/litesvm.ledger.js';
import { SolanaLedger } from '../src/chain/solana-ledger.port.js';
import { computeSplit } from '../src/revenue/split-calculator.js';
import { buildSplitRecord } from '../src/revenue/split-tree.js';
import { LedgerRepository } from '../src/revenue/repositories/ledger.repository.js';
import { PayoutService, payoutMemo } from '../src/revenue/services/payout.service.js';
import { type PreparedSale, RevenueService } from '../src/revenue/services/revenue.service.js';
import { startBenchApp, timeStatements } from './bench-app.js';

const ARGS = process.argv.slice(2);
const SPLIT_ONLY = ARGS.includes('split');
const CONTRIBUTORS = Number(ARGS.find((arg) => /^[0-9]+$/.test(arg)) ?? 10_000);
const SALES = Number(process.env.BENCH_SALES ?? 20);
const GROSS = 1_000_000_000n; // 1,000 USDC

const ms = (start: number) => `${(performance.now() - start).toFixed(0)} ms`;
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const percentile = (values: number[], p: number) =>
  [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.ceil((p / 100) * values.length) - 1)];

async function main(): Promise<void> {
  const { app, close } = await startBenchApp('revenue', { PAYOUT_THRESHOLD_USDC_BASE_UNITS: '1' });
  try {
    const revenue = app.get(RevenueService);
    const payouts = app.get(PayoutService);
    const ledger = app.get(LiteSvmLedger);
    const dataSource = app.get(DataSource);

    const contributors = Array.from({ length: CONTRIBUTORS }, () => ({
      userId: randomUUID(),
      weight: BigInt(1 + Math.floor(Math.random() * 5_000_000)),
    }));
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
      basis: null,
    };

    console.log(`\n1. split + ledger + outbox for one sale with ${CONTRIBUTORS.toLocaleString()} contributors (target < 500 ms)`);
    let start = performance.now();
    const shares = computeSplit({
      gross: GROSS,
      platformFeeBps: 1500,
      curatorBps: 500,
      contributors: contributors.map((c) => ({ id: c.userId, weight: c.weight })),
    });
    console.log(`   split arithmetic alone: ${ms(start)}`);
    start = performance.now();
    buildSplitRecord(
      randomUUID(),
      'USDC',
      shares.contributors.map(({ id, amount }) => ({ role: 'contributor' as const, payee: payees[id], userId: id, amount })),
    );
    console.log(`   leaves + Merkle root alone: ${ms(start)}`);
    // Each sale in its own transaction on one query runner whose statements are timed: the rest of the time is
    // JavaScript (split arithmetic, leaves, Merkle tree, parameter arrays) and the driver.
    const timings: number[] = [];
    const breakdown = new Map<string, number[]>();
    const add = (label: string, value: number) => breakdown.set(label, [...(breakdown.get(label) ?? []), value]);
    for (let i = 0; i < SALES; i += 1) {
      const sale = {
        orderId: randomUUID(),
        datasetId: prepared.datasetId,
        version: 1,
        buyerId: randomUUID(),
        currency: 'USDC' as const,
        gross: GROSS,
        paymentReference: `bench-${i}`,
      };
      const runner = dataSource.createQueryRunner();
      await runner.connect();
      const statements = new Map<string, number>();
      timeStatements(runner, statements);
      const cpu = process.cpuUsage();
      start = performance.now();
      try {
        await runner.startTransaction();
        await revenue.recordSale(runner.manager, sale, prepared);
        await runner.commitTransaction();
      } finally {
        await runner.release();
      }
      const total = performance.now() - start;
      timings.push(total);
      let inDatabase = 0;
      for (const [label, value] of statements) {
        add(label, value);
        inDatabase += value;
      }
      add('(JavaScript and driver, outside statements)', total - inDatabase);
      const used = process.cpuUsage(cpu);
      add('(CPU time of this process meanwhile, all threads)', (used.user + used.system) / 1000);
    }
    const summary = (values: number[]) =>
      `p50 ${median(values).toFixed(0)}, p95 ${percentile(values, 95).toFixed(0)}, max ${Math.max(...values).toFixed(0)} ms`;
    console.log(`   recordSale, committed: ${timings.map((t) => t.toFixed(0)).join(', ')} ms`);
    console.log(`   over ${SALES} sales: ${summary(timings)} (the first one warms up)`);
    console.log('   breakdown (per sale, same percentiles; the Merkle root is computed while the ledger statement runs):');
    for (const [label, values] of [...breakdown].sort((a, b) => median(b[1]) - median(a[1]))) {
      console.log(
        `     ${label.padEnd(50)} p50 ${median(values).toFixed(1).padStart(6)}, p95 ${percentile(values, 95).toFixed(1).padStart(6)}, max ${Math.max(
          ...values,
        )
          .toFixed(1)
          .padStart(6)} ms`,
      );
    }
    if (SPLIT_ONLY) return;

    console.log(`\n2. payout run for ${CONTRIBUTORS.toLocaleString()} contributors on LiteSVM`);
    await dataSource.query(`INSERT INTO revenue_payout_methods (user_id, kind, wallet) SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[])`, [
      contributors.map((c) => c.userId),
      contributors.map(() => 'usdc'),
      wallets,
    ]);
    await ledger.airdropUsdc(ledger.treasuryAddress, GROSS * BigInt(SALES));
    const memoBytes = payoutMemo(randomUUID()).length;
    const plainCapacity = ledger.usdcBatchCapacity(memoBytes);
    const tableCapacity = ledger.usdcBatchCapacity(memoBytes, true);
    start = performance.now();
    const setupTransactions = await ledger.ensureTokenAccounts(wallets);
    const setupTime = ms(start);
    start = performance.now();
    const run = await payouts.run();
    const runTime = ms(start);
    const paid = run.payouts.filter((p) => p.status === 'paid').length;
    const target = Math.ceil(paid / 55);
    console.log(`   token accounts created first: ${setupTransactions} transactions in ${setupTime} (once per new payee; none on later runs)`);
    console.log(
      `   capacity (measured by compiling, memo + reference): ${plainCapacity} transfers per transaction without a lookup table, ${tableCapacity} with one`,
    );
    console.log(
      `   payouts: ${paid} paid (${run.payouts.length - paid} not) in ${run.transactions} payout transactions + ${run.lookupTableTransactions} lookup-table setup transactions, ${runTime} in all`,
    );
    const off = (run.transactions / target - 1) * 100;
    console.log(
      `   against ceil(${paid} / 55) = ${target}: ${Math.abs(off).toFixed(1)}% ${off > 0 ? 'above' : 'below'} it (without tables: ceil(${paid} / ${plainCapacity}) = ${Math.ceil(paid / plainCapacity)})`,
    );
    const again = await payouts.run().then((result) => result.payouts.filter((p) => p.status !== 'held'));
    console.log(`   second run: ${again.length} payouts (balances already paid; the curator, who has no payout method, stays held)`);
    // New earnings for the same payees: the lookup tables recorded by the first run are reused, no setup.
    const owed = 1_000_000n;
    await dataSource.transaction((manager) =>
      app.get(LedgerRepository).post(manager, [
        {
          id: randomUUID(),
          kind: 'sale',
          orderId: randomUUID(),
          description: 'bench: more earnings for every contributor',
          lines: [
            { account: 'buyer_payments', ownerId: null, currency: 'USDC', amount: -owed * BigInt(contributors.length) },
            ...contributors.map((c) => ({ account: 'contributor_payable' as const, ownerId: c.userId, currency: 'USDC' as const, amount: owed })),
          ],
        },
      ]),
    );
    await ledger.airdropUsdc(ledger.treasuryAddress, owed * BigInt(contributors.length));
    start = performance.now();
    const later = await payouts.run();
    console.log(
      `   a later run for the same ${later.payouts.filter((p) => p.status === 'paid').length} payees: ${later.transactions} payout transactions + ` +
        `${later.lookupTableTransactions} lookup-table setup transactions (tables reused), ${ms(start)}`,
    );
  } finally {
    await close();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
