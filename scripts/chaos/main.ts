/**
 * `npm run chaos`: two service instances (`src/main`) on one PostgreSQL database, the S3 test server
 * (s3rver), the shared ledger server (`npm run ledger`) and the Stripe stand-in, under a load of uploads, network
 * batches, orders paid by USDC and card (webhooks delivered more than once), refunds and payout runs, while a
 * random instance is killed with SIGKILL every few seconds and restarted. Then a quiet period, and the invariants
 * (checks.ts) are checked until they hold or the settle time is up. Prints the counts; exits 1 naming every
 * violation.
 *
 * Settings (environment): CHAOS_SECONDS (300), CHAOS_KILL_EVERY_SECONDS (5), CHAOS_QUIET_SECONDS (30),
 * CHAOS_SETTLE_SECONDS (300), DATABASE_URL (a PostgreSQL server; default postgres://postgres@127.0.0.1:5432/postgres,
 * where the run creates and drops a database of its own), CHAOS_SAMPLES_DIR (default ../shared/samples when it
 * exists; `none`: test/fixtures only), CHAOS_KEEP=1 keeps the database and the work folder (logs, data dirs), CHAOS_REPORT_FILE
 * (a path: the outcome as JSON, {passed, counts, violations}, for test/chaos.e2e-spec.ts).
 *
 * It runs from the TypeScript sources through the loader the tests use (scripts/ts-source-register.mjs), as do the
 * processes it starts: no build, and dist/ untouched.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { type Address, createKeyPairSignerFromBytes, createSolanaRpc, getBase58Decoder } from '@solana/kit';
import { TOKEN_PROGRAM_ADDRESS, findAssociatedTokenPda } from '@solana-program/token';
import pg from 'pg';
import { FakeStripe } from '../../test/support/fake-stripe.js';
import { startS3rver } from '../../test/support/s3rver.js';
import { repoRoot } from '../demo/samples.js';
import { freePort } from '../demo/service.js';
import { runChecks } from './checks.js';
import { ChaosClient } from './client.js';
import { type EntryPoint, LedgerProcess, ServiceInstance } from './processes.js';
import { type SampleFile, Workload } from './workload.js';

const ADMIN = { email: 'admin@chaos.test', password: 'chaos-admin-password' };
/** Sample files up to this size are uploaded (bigger ones would make the run about upload bandwidth). */
const MAX_SAMPLE_BYTES = 1_500_000;

const seconds = (name: string, fallback: number): number => {
  const value = process.env[name];
  if (value === undefined || value === '') return fallback;
  if (!/^\d+$/.test(value)) throw new Error(`${name} must be a whole number of seconds, got ${value}`);
  return Number(value);
};
const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));
const started = Date.now();
const say = (line: string) => {
  console.log(`[${((Date.now() - started) / 1000).toFixed(1).padStart(6)} s] ${line}`);
};

/** How the run's processes start: from their TypeScript sources, through the same loader as this script. */
function entryPoint(root: string): EntryPoint {
  return (module) => ['--import', join(root, 'scripts/ts-source-register.mjs'), join(root, `${module}.ts`)];
}

function sampleFiles(root: string): SampleFile[] {
  const files: SampleFile[] = [];
  const fixtures = join(root, 'test/fixtures');
  for (const folder of readdirSync(fixtures)) {
    for (const name of readdirSync(join(fixtures, folder))) {
      if (!name.endsWith('.md')) files.push({ filename: name, bytes: readFileSync(join(fixtures, folder, name)) });
    }
  }
  const shared = process.env.CHAOS_SAMPLES_DIR ?? resolve(root, '../shared/samples');
  if (shared !== 'none' && existsSync(shared)) {
    for (const name of readdirSync(shared)) {
      const path = join(shared, name);
      if (statSync(path).isFile() && statSync(path).size <= MAX_SAMPLE_BYTES && !/\.(txt|yaml)$/.test(name))
        files.push({ filename: basename(name), bytes: readFileSync(path) });
    }
  }
  return files;
}

async function main(): Promise<number> {
  const root = repoRoot();
  const settings = {
    seconds: seconds('CHAOS_SECONDS', 300),
    killEvery: seconds('CHAOS_KILL_EVERY_SECONDS', 5),
    quiet: seconds('CHAOS_QUIET_SECONDS', 30),
    settle: seconds('CHAOS_SETTLE_SECONDS', 300),
    keep: process.env.CHAOS_KEEP === '1',
  };
  const entry = entryPoint(root);
  entry('src/main');
  const workDir = mkdtempSync(join(tmpdir(), 'marketplace-chaos-'));
  const serverUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const dbName = `mkt_chaos_${randomBytes(5).toString('hex')}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${dbName}`);
  const dbUrl = new URL(serverUrl);
  dbUrl.pathname = `/${dbName}`;
  const db = new pg.Client({ connectionString: dbUrl.toString() });
  say(
    `chaos run on Node.js ${process.version}: ${settings.seconds} s of load, a kill every ~${settings.killEvery} s, then ${settings.quiet} s quiet and up to ${settings.settle} s to settle`,
  );
  say(`work folder ${workDir} (logs, data dirs), database ${dbName}`);

  const stripe = new FakeStripe('whsec_chaos_webhook_secret');
  const s3 = await startS3rver('marketplace-chaos');
  const ledger = new LedgerProcess(
    root,
    entry,
    join(workDir, 'ledger'),
    { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? workDir },
    workDir,
  );
  const instances: ServiceInstance[] = [];
  let code = 1;
  try {
    const stripeUrl = await stripe.start();
    const chain = await ledger.start();
    say(`ledger server on ${chain.SOLANA_RPC_URL} (pid ${ledger.process?.pid}), s3rver on ${s3.endpoint}, Stripe stand-in on ${stripeUrl}`);
    const env = {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? workDir,
      DATABASE_URL: dbUrl.toString(),
      DATABASE_POOL_SIZE: '5',
      LOG_LEVEL: 'warn',
      JWT_SECRET: randomBytes(32).toString('hex'),
      PLATFORM_SIGNING_KEY: getBase58Decoder().decode(randomBytes(32)),
      ADMIN_EMAIL: ADMIN.email,
      ADMIN_PASSWORD: ADMIN.password,
      AUTH_RATE_LIMIT: '100000',
      STRIPE_SECRET_KEY: 'sk_test_marketplace_chaos',
      STRIPE_WEBHOOK_SECRET: stripe.webhookSecret,
      STRIPE_API_URL: stripeUrl,
      PAYOUT_INTERVAL_MINUTES: '1',
      PAYOUT_THRESHOLD_USD_CENTS: '1',
      PAYOUT_THRESHOLD_USDC_BASE_UNITS: '1',
      ...s3.env,
      ...chain,
      // The ledger server lands a transaction as it answers: a send cut off by a kill is adopted (or sent again) within
      // seconds, not after a cluster's blockhash lifetime (180 s, the default), and the checks count it exactly once.
      SOLANA_LANDING_WINDOW_SECONDS: '5',
    };
    for (let i = 0; i < 2; i += 1) {
      instances.push(new ServiceInstance(root, entry, i, await freePort(), { ...env, DATA_DIR: join(workDir, `instance-${i}`) }, workDir));
    }
    // Started together, as a deployment would: one runs the migrations, the other waits on their lock.
    await Promise.all(
      instances.map(async (instance) => {
        await instance.start();
        say(`${instance.name} up on ${instance.url} (pid ${instance.process?.pid})`);
      }),
    );
    await db.connect();

    const treasury = (await createKeyPairSignerFromBytes(new Uint8Array(JSON.parse(readFileSync(chain.TREASURY_KEY_FILE, 'utf8')) as number[])))
      .address;
    const usdcMint = chain.SOLANA_USDC_MINT as Address;
    const [treasuryAccount] = await findAssociatedTokenPda({ owner: treasury, mint: usdcMint, tokenProgram: TOKEN_PROGRAM_ADDRESS });
    const treasuryStart = BigInt((await createSolanaRpc(chain.SOLANA_RPC_URL).getTokenAccountBalance(treasuryAccount).send()).value.amount);
    const client = new ChaosClient(() => {
      const up = instances.filter((instance) => instance.running).map((instance) => instance.url);
      return up.length ? up : instances.map((instance) => instance.url);
    });
    const samples = sampleFiles(root);
    const workload = new Workload({
      client,
      stripe,
      ledgerUrl: chain.SOLANA_RPC_URL,
      treasury,
      s3: { endpoint: s3.endpoint, bucket: s3.bucket },
      admin: ADMIN,
      samples,
    });
    await workload.prepare();
    say(
      `prepared: accounts, payout methods, network dimo, treasury funded, ${workload.record.datasets.size} datasets on sale; ${samples.length} sample files`,
    );

    let kills = 0;
    const killUntil = Date.now() + settings.seconds * 1000;
    const restarts: Promise<void>[] = [];
    const killing = (async () => {
      for (;;) {
        await sleep(settings.killEvery * 1000 * (0.5 + Math.random()));
        if (Date.now() >= killUntil) return;
        // Kill only while every instance is up, so one always serves (a rolling crash, not an outage).
        const victims = instances.filter((instance) => instance.healthy);
        if (victims.length < instances.length) continue;
        const victim = victims[Math.floor(Math.random() * victims.length)];
        await victim.kill9();
        kills += 1;
        say(`kill -9 ${victim.name} (kill ${kills})`);
        const killedAt = Date.now();
        restarts.push(
          victim.start().then(
            () => {
              say(`${victim.name} back up after ${((Date.now() - killedAt) / 1000).toFixed(1)} s`);
            },
            (error: unknown) => {
              say(`${victim.name} did not come back: ${(error as Error).message}`);
            },
          ),
        );
      }
    })();
    const loops = [
      workload.loop(1_500, () => workload.upload()),
      workload.loop(6_000, () => workload.networkBatch()),
      workload.loop(20_000, () => workload.publishDataset()),
      workload.loop(1_000, () => workload.buy()),
      workload.loop(1_000, () => workload.buy()),
      workload.loop(8_000, () => workload.refund()),
      workload.loop(15_000, () => workload.payoutRun()),
    ];
    const progress = setInterval(() => {
      const r = workload.record;
      say(
        `load: ${r.captures.size} captures, ${r.orders.size} orders, ${r.paid.size} paid, ${r.refunded.size} refunded, ${r.payoutRuns} payout runs, ${kills} kills`,
      );
    }, 30_000);
    await sleep(settings.seconds * 1000);
    workload.stop();
    await Promise.all(loops);
    await killing;
    clearInterval(progress);
    await Promise.all(restarts);
    for (const instance of instances) if (!instance.running) await instance.start();
    say(`load stopped after ${kills} kills; both instances up; quiet for ${settings.quiet} s`);
    await sleep(settings.quiet * 1000);

    const context = { db, ledgerUrl: chain.SOLANA_RPC_URL, treasury, usdcMint, treasuryStart, record: workload.record };
    let outcome = await runChecks(context);
    for (const deadline = Date.now() + settings.settle * 1000; outcome.violations.length > 0 && Date.now() < deadline;) {
      say(`${outcome.violations.length} violations still open (first: ${outcome.violations[0]}); checking again in 10 s`);
      await sleep(10_000);
      outcome = await runChecks(context);
    }

    console.log('\nCounts');
    const counts = {
      ...outcome.counts,
      kills,
      'client failovers': client.failovers,
      'webhooks delivered': workload.record.webhooksSent,
      'network batches sent': workload.record.batchesSent,
      'payout runs requested': workload.record.payoutRuns,
      ...Object.fromEntries([...workload.record.extraPayments].map(([kind, count]) => [`USDC buyers who paid ${kind}`, count])),
    };
    if (process.env.CHAOS_REPORT_FILE) {
      writeFileSync(
        process.env.CHAOS_REPORT_FILE,
        JSON.stringify({ passed: outcome.violations.length === 0, counts, violations: outcome.violations }),
      );
    }
    for (const [name, value] of Object.entries(counts)) console.log(`  ${name.padEnd(32)} ${value}`);
    if (workload.record.surprises.size) {
      console.log('\nAnswers the load did not expect (each retried or recorded, not failures by themselves)');
      for (const [what, count] of workload.record.surprises) console.log(`  ${String(count).padStart(5)} x ${what}`);
    }
    if (outcome.violations.length === 0) {
      console.log('\nCHAOS RUN PASSED: nothing lost, nothing twice, nothing stuck.');
      code = 0;
    } else {
      console.log(`\nCHAOS RUN FAILED: ${outcome.violations.length} violations`);
      for (const violation of outcome.violations) console.log(`  - ${violation}`);
    }
  } catch (error) {
    console.error(`\nCHAOS RUN ERROR: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    for (const instance of instances) console.error(`\nlast lines of ${instance.logPath}:\n${instance.tail()}`);
  } finally {
    for (const instance of instances) await instance.stop();
    await ledger.stop();
    await s3.close();
    await stripe.stop().catch(() => undefined);
    await db.end().catch(() => undefined);
    if (settings.keep || code !== 0) say(`kept: database ${dbName}, work folder ${workDir}`);
    else {
      await admin.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
      rmSync(workDir, { recursive: true, force: true });
    }
    await admin.end();
  }
  return code;
}

process.exitCode = await main();
