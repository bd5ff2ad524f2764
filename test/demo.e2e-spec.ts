import { freePort } from '../scripts/demo/service.js';
import { Steps } from '../scripts/demo/steps.js';
import { runStory } from '../scripts/demo/story.js';
import { FakeStripe } from './support/fake-stripe.js';
import { startTestApp, type TestApp } from './support/test-app.js';

const ADMIN = { email: 'admin@demo.example', password: 'demo-admin-password' };

/** `npm run demo` tells this same story against the built service; here it runs on the test app so it cannot rot unseen. */
describe('the demo story (npm run demo) over HTTP (e2e)', () => {
  const stripe = new FakeStripe();
  let t: TestApp;
  let api: string;

  beforeAll(async () => {
    const stripeUrl = await stripe.start();
    const port = await freePort();
    api = `http://127.0.0.1:${port}`;
    // The story follows the links the service hands out (part uploads, downloads), so PUBLIC_URL must reach it.
    t = await startTestApp({
      ADMIN_EMAIL: ADMIN.email,
      ADMIN_PASSWORD: ADMIN.password,
      PUBLIC_URL: api,
      STRIPE_SECRET_KEY: 'sk_test_marketplace_demo',
      STRIPE_WEBHOOK_SECRET: stripe.webhookSecret,
      STRIPE_API_URL: stripeUrl,
    });
    const server = t.app.getHttpServer();
    await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  });
  afterAll(async () => {
    await t.close();
    await stripe.stop();
  });

  it('uploads, ingests a network batch, publishes, sells by USDC and card, downloads, records and verifies the split, pays out', async () => {
    const lines: string[] = [];
    const steps = new Steps((line) => lines.push(line));
    const summary = await runStory({ api, dataDir: t.config.DATA_DIR, admin: ADMIN, stripe }, steps).catch((error: unknown) => {
      throw new Error(`${error instanceof Error ? error.message : String(error)}\n${lines.join('\n')}`);
    });

    expect(steps.timings).toHaveLength(12);
    expect(summary.captures).toBe(6);
    expect(summary.merkleRoot).toMatch(/^[0-9a-f]{64}$/);
    // $120 per sale, 15% platform fee, 60/40 between the contributors: the wallet contributor's 40% of the net.
    expect(summary.verifiedShares.map((s) => `${s.amount} ${s.currency}`).sort()).toEqual(['4080 USD', '40800000 USDC']);
    expect(lines.filter((line) => line.includes('scripts/verify-split.mjs: OK'))).toHaveLength(2);
    expect(summary.payouts.filter((p) => p.status === 'paid').reduce((sum, p) => sum + BigInt(p.amount), 0n)).toBe(2n * 102_000_000n);
  });
});
