import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AuthTokenResponse } from '../src/auth/dto/user.response.js';
import type { DatasetSearchPage } from '../src/catalog/dto/dataset.response.js';
import type { OrderResponse } from '../src/checkout/dto/order.response.js';
import type { DatabaseConnection } from '../src/database/database-connection.js';
import { browseInstructions } from '../scripts/demo/browse.js';
import { repoRoot } from '../scripts/demo/samples.js';
import { freePort, startOnReservedPort, stopService, waitHealthy } from '../scripts/demo/service.js';
import { Steps } from '../scripts/demo/steps.js';
import { type DemoSummary, runStory } from '../scripts/demo/story.js';
import { FakeStripe } from './support/fake-stripe.js';
import { startTestApp, type TestApp } from './support/test-app.js';
import { createTestDatabase } from './support/test-database.js';

const ADMIN = { email: 'admin@demo.example', password: 'demo-admin-password' };

/** `npm run demo` tells this same story against the built service; here it runs on the test app so it cannot rot unseen. */
describe('the demo story (npm run demo) over HTTP (e2e)', () => {
  const stripe = new FakeStripe();
  // Kept after the story, as `npm run demo -- --keep` keeps it, for the plain start of the last test.
  const dataDir = mkdtempSync(join(tmpdir(), 'mkt-demo-kept-'));
  let serviceEnv: Record<string, string>;
  let database: DatabaseConnection;
  let t: TestApp | undefined;
  let api: string;
  let summary: DemoSummary | undefined;

  beforeAll(async () => {
    const stripeUrl = await stripe.start();
    database = await createTestDatabase();
    const { port, started } = await startOnReservedPort(
      (reserved) => {
        // The story follows the links the service hands out (part uploads, downloads), so PUBLIC_URL must reach it.
        serviceEnv = {
          DATA_DIR: dataDir,
          ADMIN_EMAIL: ADMIN.email,
          ADMIN_PASSWORD: ADMIN.password,
          PUBLIC_URL: `http://127.0.0.1:${String(reserved)}`,
          STRIPE_SECRET_KEY: 'sk_test_marketplace_demo',
          STRIPE_WEBHOOK_SECRET: stripe.webhookSecret,
          STRIPE_API_URL: stripeUrl,
          DATABASE_URL: database.url,
        };
        return startTestApp(serviceEnv, database);
      },
      (app) => app.app.getHttpServer(),
    );
    t = started;
    api = `http://127.0.0.1:${String(port)}`;
  });
  afterAll(async () => {
    await t?.close();
    await stripe.stop();
    await database.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('uploads, ingests a network batch, publishes, sells by USDC and card, downloads, records and verifies the split, pays out', async () => {
    const lines: string[] = [];
    const steps = new Steps((line) => lines.push(line));
    const done = await runStory({ api, dataDir, admin: ADMIN, stripe }, steps).catch((error: unknown) => {
      throw new Error(`${error instanceof Error ? error.message : String(error)}\n${lines.join('\n')}`);
    });
    summary = done;

    expect(steps.timings).toHaveLength(12);
    expect(done.captures).toBe(6);
    expect(done.merkleRoot).toMatch(/^[0-9a-f]{64}$/);
    // $120 per sale, 15% platform fee, 60/40 between the contributors: the wallet contributor's 40% of the net.
    expect(done.verifiedShares.map((s) => `${s.amount} ${s.currency}`).sort()).toEqual(['4080 USD', '40800000 USDC']);
    expect(lines.filter((line) => line.includes('scripts/verify-split.mjs: OK'))).toHaveLength(2);
    expect(done.payouts.filter((p) => p.status === 'paid').reduce((sum, p) => sum + BigInt(p.amount), 0n)).toBe(2n * 102_000_000n);
  });

  it('after the story, the printed `npm start` line serves the kept data: the dataset is listed, the pages open, every printed sign-in works', async () => {
    const story = summary;
    if (!story) throw new Error('the story did not finish: nothing to browse');
    // The demo's service stops; its data stays, as with --keep.
    await t?.close();
    t = undefined;
    const port = await freePort();
    const browse = browseInstructions({ dataDir, serviceEnv, summary: story, port });
    expect(browse.lines).toContain(`  ${browse.command}`);
    expect(browse.command).toBe(`DATA_DIR=${dataDir} DATABASE_URL=${database.url} PORT=${port} npm start`);
    // Exactly the printed line, in a shell with nothing else set: npm start builds dist/ and runs node dist/src/main.js.
    // The PATH is the machine's own, without the node_modules/.bin that `npm test` put first: the machine's npm (and
    // node, 20 here) start the script, and the service must still run on the Node.js 24 that package.json pins.
    const machinePath = (process.env.PATH ?? '')
      .split(':')
      .filter((dir) => !dir.includes('node_modules'))
      .join(':');
    const service: ChildProcess = spawn('sh', ['-c', browse.command], {
      cwd: repoRoot(),
      env: { PATH: machinePath, HOME: process.env.HOME ?? dataDir },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    let output = '';
    service.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    service.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    try {
      await waitHealthy(`http://127.0.0.1:${port}`, service, 300_000);
      expect(output).toMatch(/marketplace listening on \S+ \(Node\.js v24\.\d+\.\d+,/);
      const listed = (await (await fetch(`${browse.base}/v1/datasets`)).json()) as DatasetSearchPage;
      expect(listed.items.map((d) => d.id)).toContain(story.datasetId);
      const page = await fetch(browse.datasetUrl);
      expect(page.status).toBe(200);
      expect(page.headers.get('content-type')).toMatch(/^text\/html/);

      const tokens = new Map<string, string>();
      for (const account of story.accounts) {
        expect(browse.lines.some((line) => line.includes(account.email) && line.endsWith(`password ${account.password}`))).toBe(true);
        const login = await fetch(`${browse.base}/v1/auth/login`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ email: account.email, password: account.password }),
        });
        expect(login.status).toBe(200);
        const session = (await login.json()) as AuthTokenResponse;
        expect(session.user.role).toBe(account.role);
        tokens.set(account.email, session.accessToken);
      }
      expect(browse.orderUrls).toHaveLength(2);
      for (const { buyer, url } of browse.orderUrls) {
        expect((await fetch(url)).status).toBe(200);
        const id = new URL(url).pathname.split('/').pop() as string;
        const order = await fetch(`${browse.base}/v1/orders/${id}`, { headers: { authorization: `Bearer ${tokens.get(buyer)}` } });
        expect(order.status).toBe(200);
        expect(((await order.json()) as OrderResponse).status).toMatch(/^(paid|fulfilled)$/);
      }
    } finally {
      // The shell, npm and the service share one process group: stop them all.
      if (service.pid !== undefined && service.exitCode === null) process.kill(-service.pid, 'SIGTERM');
      await stopService(service);
    }
  }, 420_000);
});
