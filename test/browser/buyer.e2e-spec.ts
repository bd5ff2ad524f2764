import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import type { ProvenanceResponse } from '../../src/catalog/dto/provenance.response.js';
import type { CertificateResponse } from '../../src/checkout/dto/fulfilment.response.js';
import type { StripeWebhookResponse } from '../../src/checkout/payment-methods/stripe/stripe-webhook.response.js';
import type { OrderResponse } from '../../src/checkout/dto/order.response.js';
import { countIs, startBrowserApp, type BrowserApp } from '../support/browser.js';
import { type PublishedDataset, auth, logIn, orderWhen, publishDataset, signUp } from '../support/checkout.js';
import { FakeStripe } from '../support/fake-stripe.js';

const ADMIN = { email: 'root@marketplace.test', password: 'correct-horse-battery' };
const PRICE_CENTS = 4_250;
const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

/** The page's bearer token (evaluated as text: the test project has no DOM typings). */
const sessionToken = async (page: Page) =>
  (JSON.parse((await page.evaluate<string | null>(`localStorage.getItem('marketplace.session')`)) ?? 'null') as { accessToken: string }).accessToken;

/**
 * The buyer's journey through the storefront, the dataset page and the order page in Chromium against the whole app:
 * a filtered search with its map, the licence and provenance sections, registration, a USDC purchase paid from the
 * embedded ledger's demo wallet, downloads checked against the manifest, the certificate verified in the page; then a
 * second buyer pays by card through (a local) Stripe, whose signed webhook is what the platform would receive.
 */
describe('buyer journey (browser)', () => {
  const stripe = new FakeStripe();
  let b: BrowserApp;
  let dataset: PublishedDataset;
  let other: PublishedDataset;

  beforeAll(async () => {
    const apiUrl = await stripe.start();
    b = await startBrowserApp('buyer', {
      ADMIN_EMAIL: ADMIN.email,
      ADMIN_PASSWORD: ADMIN.password,
      AUTH_RATE_LIMIT: '1000',
      STRIPE_SECRET_KEY: 'sk_test_marketplace',
      STRIPE_WEBHOOK_SECRET: stripe.webhookSecret,
      STRIPE_API_URL: apiUrl,
    });
    const admin = await logIn(b.t, ADMIN.email, ADMIN.password);
    const alice = await signUp(b.t, 'alice@example.com', 'contributor');
    dataset = await publishDataset(
      b.t,
      { contributor: alice, admin },
      { title: 'Munich dashcam telemetry', licenceSlug: 'commercial-ai-training', priceUsdCents: PRICE_CENTS, seed: 3 },
    );
    other = await publishDataset(
      b.t,
      { contributor: alice, admin },
      { title: 'Harbour survey drive', licenceSlug: 'research-only', priceUsdCents: 99_000, seed: 5 },
    );
    // Wait for the Merkle root's on-chain anchor, as a buyer arriving later would see it.
    const deadline = Date.now() + 30_000;
    for (;;) {
      const provenance = (await b.t.http().get(`/v1/datasets/${dataset.datasetId}/provenance`).expect(200)).body as ProvenanceResponse;
      if (provenance.versions[0]?.anchor?.status === 'confirmed') break;
      if (Date.now() > deadline) throw new Error(`not anchored: ${JSON.stringify(provenance.versions)}`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }, 180_000);

  afterAll(async () => {
    await stripe.stop();
    await b.close();
  });

  it('searches, reads the dataset page, pays in USDC with the demo wallet and verifies the download and the certificate', async () => {
    const page = await b.newPage();
    await page.goto('/');
    const results = page.getByRole('list', { name: 'Search results' });
    await countIs(results.getByRole('listitem'), 2);

    // A filter narrows the results, and the URL keeps the search.
    await page.getByLabel('Search text').fill('Munich');
    await page.getByLabel('Max price (USD)').fill('100');
    await page.getByRole('button', { name: 'Search', exact: true }).click();
    await countIs(results.getByRole('listitem'), 1);
    expect(new URL(page.url()).searchParams.get('q')).toBe('Munich');
    expect(new URL(page.url()).searchParams.get('maxPrice')).toBe('100');
    const card = results.getByRole('listitem').first();
    expect(await card.textContent()).toContain('$42.50');
    expect(await card.textContent()).toContain('gnss');
    // One footprint on the map for the one result, and its dot.
    await page.locator('.map path.footprint-dot').first().waitFor();
    expect(await page.locator('.map path.footprint').count()).toBe(1);
    await page.waitForLoadState('networkidle');
    await b.screenshot(page, 'storefront-search');

    // The back button restores the unfiltered search.
    await page.goBack();
    await countIs(results.getByRole('listitem'), 2);
    expect(await page.getByLabel('Search text').inputValue()).toBe('');
    await page.goForward();
    await countIs(results.getByRole('listitem'), 1);

    // A malformed area is the API's 400, shown to the user.
    await page.getByLabel('Area (bbox)').fill('somewhere');
    await page.getByRole('button', { name: 'Search', exact: true }).click();
    await page.getByRole('alert').filter({ hasText: 'bbox must be minLon,minLat,maxLon,maxLat' }).waitFor();
    await page.getByLabel('Area (bbox)').fill('');

    // "Search this map area" puts the map's viewport into the bbox filter; the dataset inside it stays found.
    await page.getByRole('button', { name: 'Search this map area' }).click();
    await page.waitForURL(/[?&]bbox=/);
    expect((await page.getByLabel('Area (bbox)').inputValue()).split(',').map(Number)).toHaveLength(4);
    await countIs(results.getByRole('listitem'), 1);
    await page.getByLabel('Area (bbox)').fill('-10,-10,-5,-5');
    await page.getByLabel('Area (bbox)').press('Enter');
    await page.getByText('No datasets match this search').waitFor();
    await page.getByLabel('Area (bbox)').fill('');

    // A filter that matches nothing says so.
    await page.getByLabel('Modality').selectOption('pointcloud');
    await page.getByRole('button', { name: 'Search', exact: true }).click();
    await page.getByText('No datasets match this search').waitFor();
    await page.getByLabel('Modality').selectOption('');
    await page.getByRole('button', { name: 'Search', exact: true }).click();
    await countIs(results.getByRole('listitem'), 1);

    // Clicking the box on the map opens the dataset.
    await page.locator('.map path.footprint-dot').first().click({ force: true });
    await page.waitForURL(`**/datasets/${dataset.datasetId}`);
    await page.getByRole('heading', { level: 1, name: 'Munich dashcam telemetry' }).waitFor();

    const licence = page.getByRole('region', { name: /Licence: / });
    expect(await licence.textContent()).toContain('You may: Train AI models');
    expect(await licence.textContent()).toMatch(/Territory\s*Worldwide/);
    const provenance = page.getByRole('region', { name: 'Provenance' });
    expect(await provenance.textContent()).toContain(dataset.merkleRoot);
    expect(await provenance.textContent()).toContain('confirmed');
    expect(await provenance.textContent()).toContain('litesvm');
    expect(await provenance.locator('.custody-verification').textContent()).toContain('verified');
    const samples = page.getByRole('region', { name: 'Sample preview' });
    expect(await samples.getByRole('listitem').count()).toBeGreaterThan(0);
    expect(await page.getByRole('region', { name: 'Coverage', exact: true }).textContent()).toContain('gnss');
    await page.waitForLoadState('networkidle');
    await b.screenshot(page, 'dataset');

    // Register as a buyer in the page, then buy with USDC.
    const buy = page.getByRole('complementary', { name: 'Purchase' });
    await buy.getByText('New here? Create an account').click();
    await buy.getByLabel('Email').fill('buyer@example.com');
    await buy.getByLabel('Password').fill('a-long-password');
    await buy.getByLabel('Account type').selectOption('buyer');
    await buy.getByRole('button', { name: 'Create account' }).click();
    await buy.getByRole('button', { name: 'Buy for $42.50' }).waitFor();
    expect(await page.locator('#session-status').textContent()).toContain('buyer@example.com');
    await buy.getByLabel('USDC (Solana Pay)').check();
    await buy.getByRole('button', { name: 'Buy for $42.50' }).click();
    const payUrl = await buy.getByLabel('Solana Pay URL').inputValue();
    expect(payUrl).toMatch(/^solana:/);
    expect(await buy.getByRole('img', { name: /Solana Pay QR code/ }).getAttribute('src')).toMatch(/^data:image\/(png|svg\+xml);base64,/);
    expect(await buy.getByRole('status').last().textContent()).toContain('Waiting for 42.5 USDC');
    await b.screenshot(page, 'dataset-usdc-checkout');

    await buy.getByRole('button', { name: 'Pay with the demo wallet' }).click();
    await page.waitForURL(/\/orders\/[0-9a-f-]{36}$/, { timeout: 30_000 });
    const orderId = new URL(page.url()).pathname.split('/').pop() as string;
    await page.getByRole('heading', { level: 1, name: 'Order for Munich dashcam telemetry' }).waitFor();
    expect(await page.locator('.order-status .badge').textContent()).toMatch(/^(paid|fulfilled)$/);
    expect(await page.getByRole('link', { name: 'Receipt' }).getAttribute('href')).toBe(`/orders/${orderId}/receipt`);

    // Downloads: one link per manifest file; fetching one gives the bytes the manifest promises.
    const downloads = page.getByRole('region', { name: 'Downloads' });
    await downloads.getByRole('link').first().waitFor();
    const links = await downloads.getByRole('link').all();
    expect(links.length).toBe(dataset.files.length);
    const first = dataset.files[0];
    const link = downloads.getByRole('link', { name: first.path });
    const row = downloads.getByRole('row').filter({ has: page.getByRole('link', { name: first.path }) });
    expect(await row.textContent()).toContain(first.sha256);
    const bytes = Buffer.from(await (await page.request.get((await link.getAttribute('href')) as string)).body());
    expect(bytes.length).toBe(first.sizeBytes);
    expect(sha256(bytes)).toBe(first.sha256);

    // The certificate, checked in the page with WebCrypto against the platform's published key.
    const certificate = page.getByRole('complementary', { name: 'Licence' });
    expect(await certificate.textContent()).toContain(dataset.merkleRoot);
    await certificate.getByRole('button', { name: 'Verify signature' }).click();
    await certificate.locator('.verification .badge').waitFor();
    expect(await certificate.locator('.verification').textContent()).toContain('valid Signature is valid');
    const download = page.waitForEvent('download');
    await certificate.getByRole('link', { name: 'Download certificate (JSON)' }).click();
    const saved = JSON.parse(readFileSync(await (await download).path(), 'utf8')) as CertificateResponse;
    expect(JSON.parse(saved.payload)).toMatchObject({
      orderId,
      dataset: { id: dataset.datasetId, merkleRoot: dataset.merkleRoot },
      payment: { method: 'solana' },
    });
    await b.screenshot(page, 'order-usdc');
    expect(b.pageErrors).toEqual([]);
  }, 120_000);

  it('pages through the results with "Load more" (the API cursor), newest first', async () => {
    const page = await b.newPage();
    await page.goto('/?limit=1&sort=newest');
    const results = page.getByRole('list', { name: 'Search results' });
    await countIs(results.getByRole('listitem'), 1);
    expect(await results.getByRole('heading').first().textContent()).toBe('Harbour survey drive');
    expect(await page.getByLabel('Sort by').inputValue()).toBe('newest');
    await page.getByRole('button', { name: 'Load more' }).click();
    await countIs(results.getByRole('listitem'), 2);
    expect(await results.getByRole('heading').nth(1).textContent()).toBe('Munich dashcam telemetry');
    await page.getByText('2 datasets shown.').waitFor();
    expect(await page.getByRole('button', { name: 'Load more' }).isHidden()).toBe(true);
    expect(b.pageErrors).toEqual([]);
  }, 60_000);

  it('a tampered certificate shows as invalid', async () => {
    const page = await b.newPage();
    // Sign in through the page, as the buyer above.
    await page.goto('/orders/00000000-0000-4000-8000-000000000000');
    await page.getByLabel('Email').fill('buyer@example.com');
    await page.getByLabel('Password').fill('a-long-password');
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.getByRole('alert').filter({ hasText: 'No such order' }).waitFor();
    const token = await sessionToken(page);
    const [order] = (await b.t.http().get('/v1/me/orders').set(auth(token)).expect(200)).body as OrderResponse[];
    await page.route(`**/v1/orders/${order.id}/certificate`, async (route) => {
      const response = await route.fetch();
      const body = (await response.json()) as CertificateResponse;
      await route.fulfill({
        response,
        json: {
          signature: body.signature,
          publicKey: body.publicKey,
          payload: body.payload.replace('"commercialUse":true', '"commercialUse":false'),
          superseded: body.superseded,
        },
      });
    });
    await page.goto(`/orders/${order.id}`);
    await page.getByRole('button', { name: 'Verify signature' }).click();
    await page.locator('.verification .badge').waitFor();
    expect(await page.locator('.verification').textContent()).toContain('invalid');
    expect(b.pageErrors).toEqual([]);
  }, 60_000);

  it('a second buyer pays by card through Stripe Checkout; until the webhook the order page shows no downloads and says why', async () => {
    const page = await b.newPage();
    // Stripe's hosted page is not reachable offline: the browser gets a tiny stand-in that links back to the shop.
    await page.route('https://checkout.stripe.test/**', async (route) => {
      const id = new URL(route.request().url()).pathname.split('/').pop() as string;
      const request = stripe
        .requestsTo('/v1/checkout/sessions')
        .find((r) => r.form['metadata[order_id]'] === stripe.sessions.get(id)?.metadata.order_id);
      await route.fulfill({
        contentType: 'text/html',
        body: `<!doctype html><html lang="en"><title>Stripe Checkout (test)</title><h1>Stripe Checkout (test)</h1><p>Session ${id}</p><a href="${request?.form.success_url}">Return to the shop</a></html>`,
      });
    });
    await page.goto(`/datasets/${dataset.datasetId}`);
    const buy = page.getByRole('complementary', { name: 'Purchase' });
    await buy.getByText('New here? Create an account').click();
    await buy.getByLabel('Email').fill('card-buyer@example.com');
    await buy.getByLabel('Password').fill('a-long-password');
    await buy.getByRole('button', { name: 'Create account' }).click();
    await buy.getByLabel('Card (Stripe Checkout)').check();
    await buy.getByRole('button', { name: 'Buy for $42.50' }).click();
    await page.waitForURL('https://checkout.stripe.test/**');
    await page.getByRole('heading', { name: 'Stripe Checkout (test)' }).waitFor();
    const sessionId = new URL(page.url()).pathname.split('/').pop() as string;
    const orderId = stripe.sessions.get(sessionId)?.metadata.order_id as string;
    await b.screenshot(page, 'stripe-checkout');

    // Back at the shop before the webhook: pending, no links, and the reason.
    await page.getByRole('link', { name: 'Return to the shop' }).click();
    await page.waitForURL(`**/orders/${orderId}?checkout=success`);
    await page.locator('.order-status .badge').filter({ hasText: 'pending' }).waitFor();
    const downloads = page.getByRole('region', { name: 'Downloads' });
    expect(await downloads.getByRole('link').count()).toBe(0);
    expect(await downloads.textContent()).toContain('Downloads open once the payment is confirmed');
    await b.screenshot(page, 'order-card-pending');

    // Stripe's signed webhook arrives; the page notices by itself.
    const { payload } = stripe.event('checkout.session.completed', stripe.sessionObject(sessionId));
    const delivered = await b.t
      .http()
      .post('/v1/webhooks/stripe')
      .set('Content-Type', 'application/json')
      .set('Stripe-Signature', stripe.sign(payload))
      .send(payload)
      .expect(200);
    expect((delivered.body as StripeWebhookResponse).outcome).toBe('paid');
    await page
      .locator('.order-status .badge')
      .filter({ hasText: /^(paid|fulfilled)$/ })
      .waitFor({ timeout: 15_000 });
    await downloads.getByRole('link').first().waitFor();
    expect(await downloads.getByRole('link').count()).toBe(dataset.files.length);
    expect(await page.getByRole('complementary', { name: 'Licence' }).textContent()).toContain('card-buyer@example.com');
    await b.screenshot(page, 'order-card-paid');
    expect(b.pageErrors).toEqual([]);
  }, 90_000);

  it('an unpaid USDC order shows no download links and says why; an unknown order says so', async () => {
    const token = await signUp(b.t, 'waiting@example.com', 'buyer');
    const order = (await b.t.http().post('/v1/orders').set(auth(token)).send({ datasetId: other.datasetId, paymentMethod: 'solana' }).expect(201))
      .body as OrderResponse;
    await orderWhen(b.t, token, order.id, (o) => o.status === 'pending');
    const page = await b.signedInPage(
      { accessToken: token, user: { id: order.buyerId, email: 'waiting@example.com', role: 'buyer' } },
      `/orders/${order.id}`,
    );
    const downloads = page.getByRole('region', { name: 'Downloads' });
    await downloads.getByText('Downloads open once the payment is confirmed').waitFor();
    expect(await downloads.getByRole('link').count()).toBe(0);
    expect(await page.getByRole('link', { name: 'Receipt' }).count()).toBe(0);
    expect(await page.getByRole('complementary', { name: 'Licence' }).textContent()).toContain('The certificate is issued when the order is paid');
    await b.screenshot(page, 'order-unpaid');
    await page.goto(`/orders/${other.datasetId}`);
    await page.getByRole('alert').filter({ hasText: 'No such order' }).waitFor();
    expect(b.pageErrors).toEqual([]);
  }, 60_000);
});

/** Without Stripe settings the card option answers the API's clear 503, shown next to the button; USDC still works. */
describe('buyer checkout without Stripe configured (browser)', () => {
  let b: BrowserApp;
  let dataset: PublishedDataset;

  beforeAll(async () => {
    b = await startBrowserApp('buyer-no-stripe', { ADMIN_EMAIL: ADMIN.email, ADMIN_PASSWORD: ADMIN.password, AUTH_RATE_LIMIT: '1000' });
    const admin = await logIn(b.t, ADMIN.email, ADMIN.password);
    const alice = await signUp(b.t, 'alice@example.com', 'contributor');
    dataset = await publishDataset(
      b.t,
      { contributor: alice, admin },
      { title: 'Lakeside GNSS', licenceSlug: 'commercial-ai-training', priceUsdCents: 1_000, seed: 7 },
    );
    await signUp(b.t, 'buyer@example.com', 'buyer');
  }, 180_000);

  afterAll(async () => {
    await b.close();
  });

  it('offers no card checkout, only USDC, and the API refuses a card order with a reason that names no setting', async () => {
    const page = await b.newPage();
    await page.goto(`/datasets/${dataset.datasetId}`);
    const buy = page.getByRole('complementary', { name: 'Purchase' });
    await buy.getByLabel('Email').fill('buyer@example.com');
    await buy.getByLabel('Password').fill('a-long-password');
    await buy.getByRole('button', { name: 'Sign in', exact: true }).click();
    await buy.getByRole('button', { name: 'Buy for $10.00' }).waitFor();
    expect(await buy.getByRole('radio').count()).toBe(1);
    expect(await buy.getByLabel('USDC (Solana Pay)').isChecked()).toBe(true);
    expect(await buy.getByText(/card|stripe/i).count()).toBe(0);
    const token = await logIn(b.t, 'buyer@example.com', 'a-long-password');
    const refused = await b.t.http().post('/v1/orders').set(auth(token)).send({ datasetId: dataset.datasetId, paymentMethod: 'card' }).expect(422);
    expect((refused.body as { message: string }).message).not.toMatch(/STRIPE|_KEY|_SECRET/);
    await b.screenshot(page, 'dataset-card-unavailable');
    expect(b.pageErrors).toEqual([]);
  }, 60_000);
});
