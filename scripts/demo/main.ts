/**
 * `npm run demo`: builds the service (`npm run build`), runs this demo from its TypeScript sources through the tests'
 * loader (scripts/ts-source-register.mjs), starts dist/src/main.js on the embedded defaults (PGlite, local storage, the
 * LiteSVM ledger) in a fresh DATA_DIR with a local Stripe stand-in, tells the whole story over HTTP (story.ts) and always stops the service.
 *
 *   npm run demo [-- --keep]        keep the temporary DATA_DIR afterwards
 *   DEMO_DATA_DIR=<dir> npm run demo  use (and keep) that new or empty folder instead
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { FakeStripe } from '../../test/support/fake-stripe.js';
import { repoRoot } from './samples.js';
import { freePort, stopService, waitHealthy } from './service.js';
import { browseInstructions } from './browse.js';
import { StepFailed, Steps } from './steps.js';
import { money, runStory } from './story.js';

const ADMIN = { email: 'admin@demo.example', password: 'demo-admin-password' };

async function main(): Promise<number> {
  const root = repoRoot();
  const keep = process.argv.includes('--keep') || !!process.env.DEMO_DATA_DIR;
  const entry = join(root, 'dist/src/main.js');
  if (!existsSync(entry)) {
    console.error(`${entry} is missing: run the demo with \`npm run demo\`, which builds the service first`);
    return 1;
  }
  const dataDir = process.env.DEMO_DATA_DIR ? resolve(process.env.DEMO_DATA_DIR) : mkdtempSync(join(tmpdir(), 'marketplace-demo-'));
  // The story registers its accounts and network afresh, so it needs a service that has never run in this folder.
  if (existsSync(dataDir) && readdirSync(dataDir).length > 0) {
    console.error(`DEMO_DATA_DIR=${dataDir} is not empty: name a new or empty folder`);
    return 1;
  }
  mkdirSync(dataDir, { recursive: true });
  const logPath = join(dataDir, 'service.log');
  console.log(
    `Marketplace demo on Node.js ${process.version}: embedded PostgreSQL (PGlite), local object storage and the LiteSVM ledger in DATA_DIR=${dataDir}`,
  );
  console.log(`(${keep ? 'kept afterwards' : 'deleted afterwards; run with --keep or DEMO_DATA_DIR=<dir> to keep it'}; service log: ${logPath})`);

  const steps = new Steps((line) => {
    console.log(line);
  });
  const stripe = new FakeStripe('whsec_demo_webhook_secret');
  let service: ChildProcess | undefined;
  // Set once the Stripe stand-in listens: from then on it must be stopped.
  let stripeUrl: string | undefined;
  let code = 0;
  // The service's environment, kept to tell how to start it again on the kept data.
  let serviceEnv: Record<string, string> = {};
  try {
    const api = await steps.run('start the service (node dist/src/main.js) with a local Stripe stand-in', async (say) => {
      stripeUrl = await stripe.start();
      const port = await freePort();
      const api = `http://127.0.0.1:${port}`;
      // Only what the demo sets: nothing from the caller's environment may point the service elsewhere (DATABASE_URL, S3, a cluster).
      serviceEnv = {
        PATH: process.env.PATH ?? '',
        HOME: process.env.HOME ?? dataDir,
        PORT: String(port),
        HOST: '127.0.0.1',
        PUBLIC_URL: api,
        DATA_DIR: dataDir,
        LOG_LEVEL: 'warn',
        ADMIN_EMAIL: ADMIN.email,
        ADMIN_PASSWORD: ADMIN.password,
        STRIPE_SECRET_KEY: 'sk_test_marketplace_demo',
        STRIPE_WEBHOOK_SECRET: stripe.webhookSecret,
        STRIPE_API_URL: stripeUrl,
      };
      const log = createWriteStream(logPath);
      service = spawn(process.execPath, [entry], { cwd: root, env: serviceEnv, stdio: ['ignore', 'pipe', 'pipe'] });
      service.stdout?.pipe(log);
      service.stderr?.pipe(log);
      await waitHealthy(api, service, 90_000);
      say(`listening on ${api} (pid ${service.pid}); Stripe stand-in on ${stripeUrl}`);
      return api;
    });

    const summary = await runStory({ api, dataDir, admin: ADMIN, stripe }, steps);

    console.log('\nSummary');
    for (const { title, seconds } of steps.timings) console.log(`  ${seconds.toFixed(2).padStart(7)} s  ${title}`);
    console.log(`  dataset ${summary.datasetId} version ${summary.version}: ${summary.captures} captures, Merkle root ${summary.merkleRoot}`);
    console.log(`  anchor transaction         ${summary.anchorSignature}`);
    console.log(`  USDC order ${summary.usdcOrder.id}: payment ${summary.usdcOrder.paymentSignature}, split ${summary.usdcOrder.splitSignature}`);
    console.log(`  card order ${summary.cardOrder.id}: session ${summary.cardOrder.checkoutSession}, split ${summary.cardOrder.splitSignature}`);
    console.log(`  verified shares: ${summary.verifiedShares.map((s) => money(s.amount, s.currency)).join(', ')}`);
    const paid = new Map<string, bigint>();
    for (const p of summary.payouts)
      paid.set(`${p.destination}|${p.currency}`, (paid.get(`${p.destination}|${p.currency}`) ?? 0n) + BigInt(p.amount));
    const sums = [...paid].map(([key, amount]) => `${money(amount.toString(), key.split('|')[1])} to ${key.split('|')[0]}`);
    console.log(`  payouts: ${sums.join(', ')}`);
    console.log(`  total ${steps.totalSeconds.toFixed(1)} s`);
    if (keep) for (const line of browseInstructions({ dataDir, serviceEnv, summary }).lines) console.log(line);
  } catch (error) {
    code = 1;
    const cause = error instanceof StepFailed ? error.cause : error;
    console.error(
      `\nDEMO FAILED${error instanceof StepFailed ? ` at ${error.step}` : ''}\n  ${cause instanceof Error ? cause.stack : String(cause)}`,
    );
    if (existsSync(logPath)) {
      const tail = readFileSync(logPath, 'utf8').trimEnd().split('\n').slice(-30).join('\n');
      if (tail) console.error(`\nlast lines of ${logPath}:\n${tail}`);
    }
  } finally {
    if (service) await stopService(service);
    if (stripeUrl !== undefined) await stripe.stop();
    if (!keep) rmSync(dataDir, { recursive: true, force: true });
    else console.log(`data kept in ${dataDir}`);
  }
  return code;
}

process.exitCode = await main();
