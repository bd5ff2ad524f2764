/**
 * npm run bench:slice-split [-- contributors]   (BENCH_ORDERS slice orders timed after one warm-up, default 8)
 *
 * Issue 13: "the split of a slice touching 5,000 contributors < 500 ms". On a fresh PostgreSQL database (on
 * BENCH_DATABASE_URL's server, default postgres://postgres@127.0.0.1:5432/postgres) and a real app instance (its
 * workers off, the embedded LiteSVM ledger):
 *   - one listed dataset of 10,000 real street drives in Munich (bench/listed-drives.ts, as bench:quote seeds it),
 *     owned by 5,000 contributors with drives in 2026 and one more whose drives are all in 2025;
 *   - per repetition, a fresh buyer quotes the slice "Munich x 2026, per km" (every capture of the 5,000, none of the
 *     2025 contributor's), orders it by USDC, and the order's payment is settled as the payment confirmation settles
 *     it: OrderSettlementService.prepare (the slice's files, delivered weights, wallets, consent), then settlePayment
 *     in its transaction (payment row, entitlement with its signed certificate, the files' sale record, the split's
 *     rows, the balanced sale entry, the on-chain split record's job), committed;
 *   - timed: the split computation alone (delivered weights per contributor, largest remainder, leaves and Merkle
 *     root), the split as the settlement records it (RevenueService.recordSale inside the transaction: the split, its
 *     rows and Merkle root, the sale entry, the job), prepare, the settlement transaction with its statements, and the
 *     whole; p50 / p95 / max over the orders after the first (the first sale of the files also creates their
 *     licensed_files rows);
 *   - the floor beside it, in the same run: the whole-version sale's recordSale for the same dataset (what
 *     bench:revenue measures, here for 5,001 contributors), and raw INSERTs of the same number of split rows and
 *     ledger lines into empty copies of their tables;
 *   - checked: each slice split adds up exactly to the order's gross, pays exactly the 5,000 contributors of the
 *     slice, and gives the 2025 contributor nothing (no split row, no ledger line).
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { getAddressDecoder } from '@solana/kit';
import pg from 'pg';
import { DataSource } from 'typeorm';
import type { AuthUser } from '../src/auth/auth-user.js';
import { Role } from '../src/auth/role.js';
import { ConsentGrantSetService } from '../src/consent/services/consent-grant-set.service.js';
import { deliveredWeights } from '../src/checkout/order-slice.js';
import { OrderRepository } from '../src/checkout/repositories/order.repository.js';
import { OrderFilesService } from '../src/checkout/services/order-files.service.js';
import { OrderSettlementService } from '../src/checkout/services/order-settlement.service.js';
import { OrderService } from '../src/checkout/services/order.service.js';
import { toHex } from '../src/provenance/merkle-tree.js';
import { QuotesService } from '../src/quotes/services/quotes.service.js';
import { computeSplit } from '../src/revenue/split-calculator.js';
import { orderSplitLeaves, splitMerkleRoot } from '../src/revenue/split-tree.js';
import { RevenueService } from '../src/revenue/services/revenue.service.js';
import { startBenchApp, timeStatements } from './bench-app.js';
import { DAY_MS, MUNICH, YEAR_START, seedListedDrives } from './listed-drives.js';

const CONTRIBUTORS = Number(process.argv[2] ?? 5_000);
const CAPTURES = 10_000;
/** The last captures: the outside contributor's, a year before the slice's window. */
const OUTSIDE_CAPTURES = 10;
const ORDERS = Number(process.env.BENCH_ORDERS ?? 8);
const TARGET_MS = 500;

const sorted = (values: number[]) => [...values].sort((a, b) => a - b);
const p = (values: number[], q: number) => sorted(values)[Math.min(values.length - 1, Math.ceil(q * values.length) - 1)];
const summary = (values: number[]) =>
  `p50 ${p(values, 0.5).toFixed(0).padStart(5)}, p95 ${p(values, 0.95).toFixed(0).padStart(5)}, max ${Math.max(...values)
    .toFixed(0)
    .padStart(5)} ms`;

function check(condition: boolean, what: string): void {
  if (!condition) throw new Error(`check failed: ${what}`);
}

async function main(): Promise<void> {
  const { app, config, url, close } = await startBenchApp('slice-split');
  const client = new pg.Client({ connectionString: url });
  try {
    await client.connect();
    const dataSource = app.get(DataSource);
    const createQueryRunner = dataSource.createQueryRunner.bind(dataSource);
    const breakdown = new Map<string, number[]>();
    const adminId = randomUUID();
    await client.query(`INSERT INTO users (id, email, password_hash, role) VALUES ($1, 'admin@bench.test', 'x', 'admin')`, [adminId]);
    const curatorId = randomUUID();
    const contributors = Array.from({ length: CONTRIBUTORS }, () => randomUUID());
    const outsider = randomUUID();
    console.log(
      `Seeding one listed dataset of ${CAPTURES.toLocaleString()} drives in Munich: ${CONTRIBUTORS.toLocaleString()} contributors in 2026, one more in 2025`,
    );
    const datasetId = await seedListedDrives(client, adminId, {
      captures: CAPTURES,
      ownerIds: [curatorId, ...contributors, outsider],
      place: (i, next) => {
        const t0 = YEAR_START + Math.floor(next() * 360 * DAY_MS);
        return i >= CAPTURES - OUTSIDE_CAPTURES ? { ownerId: outsider, t0: t0 - 365 * DAY_MS } : { ownerId: contributors[i % CONTRIBUTORS], t0 };
      },
    });

    const [size] = (
      await client.query<{ footprint: string; row: string }>(
        `SELECT pg_size_pretty(sum(pg_column_size(footprint))) AS footprint, pg_size_pretty(sum(pg_column_size(f.*))) AS row FROM dataset_version_files f`,
      )
    ).rows;
    console.log(`  version files: ${size.row} in all, of which footprints ${size.footprint}`);
    const quotes = app.get(QuotesService);
    const orderService = app.get(OrderService);
    const orders = app.get(OrderRepository);
    const orderFiles = app.get(OrderFilesService);
    const settlement = app.get(OrderSettlementService);
    const revenue = app.get(RevenueService);
    const grantSets = app.get(ConsentGrantSetService);
    const slice = {
      datasetId,
      area: { bbox: [MUNICH[0] - 0.5, MUNICH[1] - 0.5, MUNICH[0] + 0.5, MUNICH[1] + 0.5] },
      from: new Date(YEAR_START).toISOString(),
      to: new Date(YEAR_START + 365 * DAY_MS).toISOString(),
      unit: 'km' as const,
    };

    const times = {
      record: [] as number[],
      files: [] as number[],
      prepareSale: [] as number[],
      consent: [] as number[],
      split: [] as number[],
      leaves: [] as number[],
      prepare: [] as number[],
      settle: [] as number[],
      whole: [] as number[],
    };
    console.log(
      `\nSlice orders (Munich x 2026, per km), a warm-up and ${ORDERS} fresh orders paid in USDC, each settled as the payment confirmation does:`,
    );
    // The split inside the settlement, timed where the settlement calls it (until the floor below).
    const recordSale = revenue.recordSale.bind(revenue);
    revenue.recordSale = async (...args) => {
      const t = performance.now();
      try {
        return await recordSale(...args);
      } finally {
        times.record.push(performance.now() - t);
      }
    };
    for (let i = 0; i <= ORDERS; i += 1) {
      const buyer: AuthUser = { id: randomUUID(), role: Role.BUYER, email: `buyer-${i}@bench.test`, walletAddress: null, via: 'jwt' };
      await client.query(`INSERT INTO users (id, email, password_hash, role) VALUES ($1, $2, 'x', 'buyer')`, [buyer.id, buyer.email]);
      const quote = await quotes.create(buyer, slice);
      const placed = await orderService.create(buyer, { datasetId, quoteId: quote.id, paymentMethod: 'solana' });
      const order = await orders.findById(placed.id);
      if (!order) throw new Error(`order ${placed.id} not found`);

      // What prepare reads, call by call (the same calls it makes), then the split computation alone on those files.
      let start = performance.now();
      const { files } = await orderFiles.filesOf(order);
      times.files.push(performance.now() - start);
      start = performance.now();
      await revenue.prepareSale(datasetId, 1, { unit: 'km', delivered: deliveredWeights(files, 'km') });
      times.prepareSale.push(performance.now() - start);
      start = performance.now();
      await grantSets.ofVersion(datasetId, 1);
      times.consent.push(performance.now() - start);
      start = performance.now();
      const delivered = deliveredWeights(files, 'km');
      const shares = computeSplit({
        gross: BigInt(order.amountMinor),
        platformFeeBps: config.PLATFORM_FEE_BPS,
        curatorBps: 0,
        contributors: delivered.map((c) => ({ id: c.contributorId, weight: c.weight })),
      });
      times.split.push(performance.now() - start);
      start = performance.now();
      const { leaves } = orderSplitLeaves(randomUUID(), 'USDC', [
        { role: 'platform', payee: 'treasury', userId: null, amount: shares.platform },
        ...shares.contributors.map(({ id, amount }) => ({ role: 'contributor' as const, payee: id, userId: id, amount })),
      ]);
      toHex(splitMerkleRoot(leaves));
      times.leaves.push(performance.now() - start);

      // The settlement, as PaymentConfirmationService.lookFor runs it for a validated USDC payment.
      const payment = {
        method: 'solana' as const,
        reference: getAddressDecoder().decode(randomBytes(32)) + getAddressDecoder().decode(randomBytes(32)),
        amountMinor: order.amountMinor,
        currency: 'USDC' as const,
        payer: getAddressDecoder().decode(randomBytes(32)),
      };
      start = performance.now();
      const inputs = await settlement.prepare(order);
      const prepared = performance.now();
      // The transaction's statements are timed on its query runner: the rest is JavaScript and the driver.
      const statements = new Map<string, number>();
      dataSource.createQueryRunner = (mode) => {
        const runner = createQueryRunner(mode);
        timeStatements(runner, statements);
        return runner;
      };
      const settled = await settlement
        .transaction((manager) => settlement.settlePayment(manager, order.id, payment, inputs))
        .finally(() => (dataSource.createQueryRunner = createQueryRunner));
      const done = performance.now();
      let inDatabase = 0;
      for (const [label, value] of statements) {
        breakdown.set(label, [...(breakdown.get(label) ?? []), value]);
        inDatabase += value;
      }
      const outside = '(JavaScript and driver, outside statements)';
      breakdown.set(outside, [...(breakdown.get(outside) ?? []), done - prepared - inDatabase]);
      check(settled.outcome === 'paid', `order ${i} paid (${settled.outcome})`);
      times.prepare.push(prepared - start);
      times.settle.push(done - prepared);
      times.whole.push(done - start);

      const [split] = (
        await client.query<{ id: string; gross: string; rows: number; contributors: number; paid: string; outsider: number }>(
          `SELECT s.id, s.gross::text,
                  (SELECT count(*)::int FROM revenue_split_rows r WHERE r.split_id = s.id) AS rows,
                  (SELECT count(*)::int FROM revenue_split_rows r WHERE r.split_id = s.id AND r.role = 'contributor') AS contributors,
                  (SELECT sum(amount)::text FROM revenue_split_rows r WHERE r.split_id = s.id) AS paid,
                  (SELECT count(*)::int FROM revenue_split_rows r WHERE r.split_id = s.id AND r.user_id = $2)
                  + (SELECT count(*)::int FROM revenue_ledger_lines l JOIN revenue_ledger_entries e ON e.id = l.entry_id
                     WHERE e.order_id = $1 AND l.owner_id = $2) AS outsider
           FROM revenue_splits s WHERE s.order_id = $1`,
          [order.id, outsider],
        )
      ).rows;
      const [{ sum: ledgerSum, credited }] = (
        await client.query<{ sum: string; credited: string }>(
          `SELECT sum(l.amount)::text AS sum, sum(l.amount) FILTER (WHERE l.amount > 0)::text AS credited
           FROM revenue_ledger_lines l JOIN revenue_ledger_entries e ON e.id = l.entry_id WHERE e.order_id = $1`,
          [order.id],
        )
      ).rows;
      const [{ jobs }] = (
        await client.query<{ jobs: number }>(`SELECT count(*)::int AS jobs FROM pgboss.job WHERE data->>'splitId' = $1`, [split.id])
      ).rows;
      check(quote.totals.captures === CAPTURES - OUTSIDE_CAPTURES, `the slice holds every 2026 capture (${quote.totals.captures})`);
      check(
        split.gross === String(order.amountMinor) && split.paid === split.gross,
        `split rows add up to the gross (${split.paid} of ${split.gross})`,
      );
      check(ledgerSum === '0' && credited === split.gross, `the sale entry balances and credits the gross (${credited})`);
      check(split.contributors === CONTRIBUTORS, `exactly the ${CONTRIBUTORS} slice contributors are paid (${split.contributors})`);
      check(split.outsider === 0, 'the 2025 contributor gets nothing');
      check(jobs === 1, `the on-chain split record is queued (${jobs})`);
      console.log(
        `  order ${i + 1}: ${order.amountMinor.toLocaleString()} USDC base units over ${split.contributors} contributors (${split.rows} split rows): ` +
          `split ${times.split[i].toFixed(0)} ms, leaves + root ${times.leaves[i].toFixed(0)} ms, prepare ${times.prepare[i].toFixed(0)} ms, ` +
          `settlement transaction ${times.settle[i].toFixed(0)} ms (of which the split recorded ${times.record[i].toFixed(0)} ms)${i === 0 ? ', warm-up' : ''}`,
      );
    }

    revenue.recordSale = recordSale;
    // The floor: the whole version's sale (bench:revenue's figure, same dataset), and raw INSERTs of as many rows.
    const floor = { wholeSale: [] as number[], rawInserts: [] as number[] };
    const wholePrepared = await revenue.prepareSale(datasetId, 1);
    await client.query(`CREATE TABLE bench_split_rows (LIKE revenue_split_rows INCLUDING ALL)`);
    await client.query(`CREATE TABLE bench_ledger_lines (LIKE revenue_ledger_lines INCLUDING ALL)`);
    const rowCount = CONTRIBUTORS + 1;
    for (let i = 0; i <= ORDERS; i += 1) {
      let start = performance.now();
      await dataSource.transaction((manager) =>
        revenue.recordSale(
          manager,
          {
            orderId: randomUUID(),
            datasetId,
            version: 1,
            buyerId: randomUUID(),
            currency: 'USDC',
            gross: 100_000_000n,
            paymentReference: `floor-${i}`,
          },
          wholePrepared,
        ),
      );
      floor.wholeSale.push(performance.now() - start);
      const splitId = randomUUID();
      const entryId = randomUUID();
      const ids = [...contributors.slice(0, rowCount - 1), outsider];
      start = performance.now();
      await client.query('BEGIN');
      await client.query(
        `INSERT INTO bench_split_rows (split_id, leaf_index, payee, role, user_id, amount)
         SELECT $1, * FROM unnest($2::int[], $3::text[], $4::text[], $5::uuid[], $6::bigint[])`,
        [splitId, ids.map((_, n) => n), ids, ids.map(() => 'contributor'), ids, ids.map((_, n) => n + 1)],
      );
      await client.query(
        `INSERT INTO bench_ledger_lines (entry_id, line, account, owner_id, currency, amount)
         SELECT $1, * FROM unnest($2::int[], $3::text[], $4::uuid[], $5::text[], $6::bigint[])`,
        [entryId, ids.map((_, n) => n), ids.map(() => 'contributor_payable'), ids, ids.map(() => 'USDC'), ids.map((_, n) => n + 1)],
      );
      await client.query('COMMIT');
      floor.rawInserts.push(performance.now() - start);
    }

    const t = (values: number[]) => summary(values.slice(1));
    const row = (label: string, values: number[]) => {
      console.log(`  ${label.padEnd(68)}${t(values)}`);
    };
    console.log(`\nSlice of ${CONTRIBUTORS.toLocaleString()} contributors, ${ORDERS} orders after the warm-up:`);
    row('split computation alone (delivered weights, largest remainder)', times.split);
    row('leaves + Merkle root alone', times.leaves);
    row('the split recorded (RevenueService.recordSale in the settlement)', times.record);
    row('prepare (files, weights, wallets, consent; before the transaction)', times.prepare);
    row("  of which: the slice's files (OrderFilesService.filesOf)", times.files);
    row('            weights + wallets (RevenueService.prepareSale)', times.prepareSale);
    row('            consent grant set of the version', times.consent);
    row('settlement transaction, committed', times.settle);
    for (const [label, values] of [...breakdown].sort((a, b) => p(b[1].slice(1), 0.5) - p(a[1].slice(1), 0.5)).slice(0, 8)) {
      row(`  ${label}`, values);
    }
    row('whole settlement (prepare + transaction)', times.whole);
    console.log(`Floor, same run:`);
    row(`whole-version sale, recordSale for ${wholePrepared.contributors.length.toLocaleString()} contributors`, floor.wholeSale);
    row(`raw INSERTs of ${rowCount.toLocaleString()} split rows + ${rowCount.toLocaleString()} ledger lines`, floor.rawInserts);
    const verdict = (values: number[]) => {
      const p95 = p(values.slice(1), 0.95);
      return `p95 ${p95.toFixed(0)} ms, ${p95 < TARGET_MS ? 'met' : 'NOT met'}`;
    };
    console.log(`Target (issue 13): the split of a slice touching ${CONTRIBUTORS.toLocaleString()} contributors < ${TARGET_MS} ms:`);
    console.log(`  the split recorded ${verdict(times.record)}; the whole settlement ${verdict(times.whole)}`);
    console.log(
      'Checked on every order: split rows sum to the gross, the sale entry balances, exactly the slice contributors are paid, the 2025 one gets nothing, one split-record job.',
    );
  } finally {
    await client.end().catch(() => undefined);
    await close();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
