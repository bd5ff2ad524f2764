import { readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import type { AuthTokenResponse } from '../../src/auth/dto/user.response.js';
import type { OrderResponse } from '../../src/checkout/dto/order.response.js';
import { PASSWORD_MIN_LENGTH } from '../../src/common/password-rule.js';
import { startBrowserApp, type BrowserApp } from '../support/browser.js';
import { auth, logIn, publishDataset, signUp, type PublishedDataset } from '../support/checkout.js';

const ADMIN = { email: 'root@marketplace.test', password: 'correct-horse-battery' };
const PHONE = { width: 390, height: 844 };
const fixture = (path: string) => ({ name: path.split('/').pop() as string, buffer: readFileSync(new URL(`../fixtures/${path}`, import.meta.url)) });

/** The page's document, for callbacks that run in the browser (the Node type library has no DOM). */
declare const document: { documentElement: { scrollWidth: number } };

/**
 * What a newcomer runs into first: the app opened at 127.0.0.1 while PUBLIC_URL says localhost, the password rule, card
 * checkout offered without Stripe, the USDC wait, "you own this", refunds, a phone's width and bad addresses.
 */
describe('newcomer journey (browser)', () => {
  let b: BrowserApp;
  let admin: string;
  let contributor: string;
  let dataset: PublishedDataset;
  /** The paid order of the USDC test, whose page (with its downloads table) is also checked at 390 px. */
  let paidOrderId = '';

  /** A page whose browser already holds the session of `email` (as after signing in through the page). */
  const signedInPage = async (email: string, password: string) => {
    const session = (await b.t.http().post('/v1/auth/login').send({ email, password }).expect(200)).body as AuthTokenResponse;
    const page = await b.newPage();
    await page.context().addInitScript(
      (value: string) => {
        (globalThis as unknown as { localStorage: { setItem(k: string, v: string): void } }).localStorage.setItem('marketplace.session', value);
      },
      JSON.stringify({ accessToken: session.accessToken, user: session.user }),
    );
    return page;
  };
  const buyBox = (page: Page) => page.getByRole('complementary', { name: 'Purchase' });

  beforeAll(async () => {
    b = await startBrowserApp(
      'newcomer',
      { ADMIN_EMAIL: ADMIN.email, ADMIN_PASSWORD: ADMIN.password, AUTH_RATE_LIMIT: '1000' },
      { publicHost: 'localhost' },
    );
    admin = await logIn(b.t, ADMIN.email, ADMIN.password);
    contributor = await signUp(b.t, 'newcomer-contributor@example.com', 'contributor');
    dataset = await publishDataset(
      b.t,
      { contributor, admin },
      { title: 'Newcomer drives', licenceSlug: 'commercial-ai-training', priceUsdCents: 1250, seed: 31 },
    );
  }, 180_000);

  afterAll(async () => {
    await b.close();
  });

  afterEach(() => {
    expect(b.pageErrors).toEqual([]);
  });

  it("uploads from a page opened at 127.0.0.1 while PUBLIC_URL names localhost: the parts go to the page's own origin", async () => {
    expect(b.t.config.publicUrl).toMatch(/^http:\/\/localhost:\d+$/);
    expect(b.baseUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const page = await signedInPage('newcomer-contributor@example.com', 'a-long-password');
    const parts: string[] = [];
    page.on('request', (request) => {
      if (request.url().includes('/v1/storage/local/parts/')) parts.push(request.url());
    });
    await page.goto('/contribute');
    const file = fixture('gpx/ride.gpx');
    await page.getByLabel('Choose capture files').setInputFiles({ ...file, mimeType: 'application/octet-stream' });
    const item = page.getByRole('list', { name: 'Uploads' }).getByRole('listitem').filter({ hasText: file.name });
    await item.getByText('Uploaded (100%). Ready: gnss').waitFor({ timeout: 30_000 });
    expect(parts.length).toBeGreaterThan(0);
    expect(parts.every((url) => url.startsWith(`${b.baseUrl}/`))).toBe(true);
    await b.screenshot(page, 'upload-other-host');
  }, 60_000);

  it('states the one password rule in the sign-in form', async () => {
    const page = await b.newPage();
    await page.goto('/contribute');
    await page.getByText(`New accounts: at least ${String(PASSWORD_MIN_LENGTH)} characters.`).waitFor();
  });

  it('offers only the payment methods the marketplace takes, waits calmly for USDC, then says "you own this" and asks before buying again', async () => {
    await signUp(b.t, 'newcomer-buyer@example.com', 'buyer');
    const page = await signedInPage('newcomer-buyer@example.com', 'a-long-password');
    const failed: string[] = [];
    page.on('response', (response) => {
      if (response.status() >= 400) failed.push(`${String(response.status())} ${response.url()}`);
    });
    await page.goto(`/datasets/${dataset.datasetId}`);
    const buy = buyBox(page);
    await buy.getByRole('button', { name: 'Buy for $12.50' }).waitFor();
    // Stripe is not configured here: no card option at all.
    expect(await buy.getByRole('radio').count()).toBe(1);
    expect(await buy.getByLabel('USDC (Solana Pay)').isChecked()).toBe(true);
    expect(await buy.textContent()).not.toContain('Card');
    await buy.getByRole('button', { name: 'Buy for $12.50' }).click();
    await buy.getByText(/Waiting for your payment: \d+:\d\d left to pay\./).waitFor();
    // Several polling rounds (1.5 s each): no error on the page, none in the console, no failed request.
    await page.waitForTimeout(4_000);
    expect(await buy.locator('.error, .poll-error').count()).toBe(0);
    expect(failed).toEqual([]);
    await b.screenshot(page, 'usdc-waiting');

    await buy.getByRole('button', { name: 'Pay with the demo wallet' }).click();
    await page.waitForURL(/\/orders\/[0-9a-f-]{36}$/, { timeout: 30_000 });
    const orderId = new URL(page.url()).pathname.split('/').pop() as string;
    paidOrderId = orderId;

    await page.goto(`/datasets/${dataset.datasetId}`);
    await buy.getByText('You already own this version.').waitFor();
    expect(await buy.getByRole('link', { name: /^Order of / }).getAttribute('href')).toBe(`/orders/${orderId}`);
    await b.screenshot(page, 'dataset-owned');
    await buy.getByRole('button', { name: 'Buy again for $12.50' }).click();
    const confirm = buy.getByRole('group', { name: 'Confirm buying again' });
    await confirm.waitFor();
    await confirm.getByRole('button', { name: 'Cancel' }).click();
    expect(await confirm.isHidden()).toBe(true);
    expect(await buy.getByLabel('Solana Pay URL').count()).toBe(0);
    await buy.getByRole('button', { name: 'Buy again for $12.50' }).click();
    await confirm.getByRole('button', { name: 'Yes, buy again for $12.50' }).click();
    await buy.getByLabel('Solana Pay URL').waitFor();
    expect(failed).toEqual([]);
  }, 90_000);

  it("stops waiting for USDC at the order's expiry and says what happened", async () => {
    await signUp(b.t, 'newcomer-late@example.com', 'buyer');
    const page = await signedInPage('newcomer-late@example.com', 'a-long-password');
    await page.clock.install();
    await page.goto(`/datasets/${dataset.datasetId}`);
    const buy = buyBox(page);
    await buy.getByRole('button', { name: 'Buy for $12.50' }).click();
    await buy.getByText(/Waiting for your payment: (30:00|29:5\d) left to pay\./).waitFor();
    await page.clock.fastForward('31:00');
    await buy.getByText(/This payment request expired at .* without a payment\./).waitFor();
    expect(await buy.getByText(/left to pay/).count()).toBe(0);
    expect(await buy.getByRole('button', { name: 'Pay with the demo wallet' }).isHidden()).toBe(true);
    // The buy form comes back: the expired order no longer counts as held.
    await buy.getByRole('button', { name: 'Buy for $12.50' }).waitFor();
    await b.screenshot(page, 'usdc-expired');
  }, 60_000);

  it('shows a refunded order as refunded: amount, method and when', async () => {
    const buyer = await signUp(b.t, 'newcomer-refund@example.com', 'buyer');
    const order = (await b.t.http().post('/v1/orders').set(auth(buyer)).send({ datasetId: dataset.datasetId, paymentMethod: 'solana' }).expect(201))
      .body as OrderResponse;
    await b.t.http().post('/v1/dev/solana/pay').send({ url: order.solanaPay?.url }).expect(200);
    await b.t.http().post(`/v1/orders/${order.id}/confirm-solana`).set(auth(buyer)).send({}).expect(200);
    await b.t.http().post(`/v1/admin/orders/${order.id}/refund`).set(auth(admin)).send({ reason: 'Bought by mistake' }).expect(200);
    const page = await signedInPage('newcomer-refund@example.com', 'a-long-password');
    await page.goto(`/orders/${order.id}`);
    const refunds = page.getByRole('region', { name: 'Refunds' });
    await refunds.getByRole('heading', { name: 'Refunded' }).waitFor();
    // The refund is sent by a job: the page says "being sent" until it has gone, then when and its transaction.
    for (let i = 0; i < 20 && !((await refunds.textContent()) ?? '').includes(': sent on '); i += 1) {
      await page.waitForTimeout(500);
      await page.reload();
      await refunds.waitFor();
    }
    const text = (await refunds.textContent()) ?? '';
    expect(text).toContain('12.5 USDC to the wallet that paid (Solana): sent on ');
    expect(text).toContain('Reason: Bought by mistake.');
    expect(text).toMatch(/Reference: \w{40,}/);
    expect(await page.locator('.order-status .badge').textContent()).toBe('refunded');
    await b.screenshot(page, 'order-refunded');
  }, 60_000);

  it.each([
    ['contribute', '/contribute', 'newcomer-contributor@example.com', 'a-long-password', 'Your captures'],
    ['admin', '/admin', ADMIN.email, ADMIN.password, 'Audit log'],
    ['dataset', 'dataset', 'newcomer-buyer@example.com', 'a-long-password', 'Custody log'],
    ['order', 'order', 'newcomer-buyer@example.com', 'a-long-password', 'Downloads'],
  ])(
    'fits the %s page and its tables into 390 px',
    async (name, path, email, password, heading) => {
      const page = await signedInPage(email, password);
      await page.setViewportSize(PHONE);
      await page.goto(({ dataset: `/datasets/${dataset.datasetId}`, order: `/orders/${paidOrderId}` } as Record<string, string>)[path] ?? path);
      await page.getByRole('heading', { name: heading, exact: true }).first().waitFor();
      await page.waitForLoadState('networkidle');
      await page.getByRole('table').first().waitFor();
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(PHONE.width);
      await page.screenshot({ path: `test-artifacts/screenshots/newcomer/390-${name}.png`, fullPage: true });
    },
    60_000,
  );

  it('answers a bad page address with an HTML page and its status', async () => {
    const page = await b.newPage();
    for (const [path, status, heading] of [
      ['/nope', 404, 'Page not found'],
      ['/datasets/not-a-uuid', 400, 'Bad Request'],
    ] as const) {
      const response = await page.goto(path);
      expect(response?.status()).toBe(status);
      await page.getByRole('heading', { level: 1, name: heading }).waitFor();
      await page.getByRole('link', { name: 'Back to the datasets' }).waitFor();
    }
    await b.screenshot(page, 'error-page');
    // Chromium logs the 4xx of the page itself as a failed resource: that is what it should be.
  });
});
