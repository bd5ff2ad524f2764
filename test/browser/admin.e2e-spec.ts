import { randomBytes } from 'node:crypto';
import { getAddressDecoder } from '@solana/kit';
import type { Page } from 'playwright-core';
import type { DatasetResponse } from '../../src/catalog/dto/dataset.response.js';
import type { OrderResponse } from '../../src/checkout/dto/order.response.js';
import type { LicenceTemplateResponse } from '../../src/licensing/dto/licence.dto.js';
import { settled, uploadCapture } from '../support/captures.js';
import { auth, logIn, publishDataset, signUp } from '../support/checkout.js';
import { csvTelemetry, nmeaLog } from '../support/fixtures.js';
import { startBrowserApp, type BrowserApp } from '../support/browser.js';

const ADMIN = { email: 'root@marketplace.test', password: 'correct-horse-battery' };

/**
 * The admin's journey through /admin: sign in, review two submitted datasets (reject one with a reason, approve the
 * other), take it down and reinstate it, refund a paid USDC order, run payouts; everything arranged by other people
 * (contributors, a buyer) goes through the API first.
 */
describe('admin console journey (browser)', () => {
  let b: BrowserApp;
  let admin: string;
  let buyer: string;
  let paidOrderId: string;
  const ids = { rejected: '', approved: '' };

  /** A contributor's dataset of two captures, submitted for review. */
  const submitted = async (token: string, title: string, seed: number) => {
    const captureIds: string[] = [];
    for (const [bytes, filename] of [
      [nmeaLog(15 + seed), `route-${seed}.nmea`],
      [csvTelemetry(30 + seed), `can-${seed}.csv`],
    ] as const) {
      const id = await uploadCapture(b.t, token, bytes, { filename });
      expect((await settled(b.t, token, id)).status).toBe('ready');
      captureIds.push(id);
    }
    const licence = ((await b.t.http().get('/v1/licences').expect(200)).body as LicenceTemplateResponse[]).find(
      (l) => l.slug === 'commercial-ai-training',
    );
    if (!licence) throw new Error('the commercial-ai-training licence is not seeded');
    const draft = await b.t
      .http()
      .post('/v1/datasets')
      .set(auth(token))
      .send({
        title,
        description: `${title}: GNSS fixes and CAN telemetry.`,
        captureIds,
        licenceTemplateId: licence.id,
        licenceTerms: { ...licence.terms, territory: ['SI'] },
        priceUsdCents: 2500,
        declarations: { ownsRights: true, identifiablePeople: false, piiRedacted: true, restrictedLocations: false },
      })
      .expect(201);
    const { id } = draft.body as DatasetResponse;
    await b.t.http().post(`/v1/datasets/${id}/submit`).set(auth(token)).expect(200);
    return id;
  };

  /** The review card of a dataset in the queue. */
  const card = (page: Page, title: string) => page.getByRole('article', { name: title });

  beforeAll(async () => {
    b = await startBrowserApp('admin', {
      ADMIN_EMAIL: ADMIN.email,
      ADMIN_PASSWORD: ADMIN.password,
      AUTH_RATE_LIMIT: '1000',
      PAYOUT_INTERVAL_MINUTES: '0',
      PAYOUT_THRESHOLD_USD_CENTS: '1',
      PAYOUT_THRESHOLD_USDC_BASE_UNITS: '1',
    });
    admin = await logIn(b.t, ADMIN.email, ADMIN.password);
    const alice = await signUp(b.t, 'alice@example.com', 'contributor');
    const bob = await signUp(b.t, 'bob@example.com', 'contributor');
    const carol = await signUp(b.t, 'carol@example.com', 'contributor');
    buyer = await signUp(b.t, 'buyer@example.com', 'buyer');
    ids.rejected = await submitted(alice, 'Alpine pass drives', 1);
    ids.approved = await submitted(bob, 'Coastal road telemetry', 2);
    // Carol's dataset, already on sale, bought twice in USDC: one order is refunded in the console, the other paid out.
    await b.t
      .http()
      .put('/v1/me/payout-method')
      .set(auth(carol))
      .send({ kind: 'usdc', wallet: getAddressDecoder().decode(randomBytes(32)) })
      .expect(200);
    const sold = await publishDataset(
      b.t,
      { contributor: carol, admin },
      { title: 'City GNSS', licenceSlug: 'commercial-ai-training', priceUsdCents: 1999, seed: 7 },
    );
    const orderIds: string[] = [];
    for (let i = 0; i < 2; i += 1) {
      // Two orders of the same version by the same buyer, on purpose: one to refund, one to keep.
      const order = (
        await b.t
          .http()
          .post('/v1/orders')
          .set(auth(buyer))
          .send({ datasetId: sold.datasetId, paymentMethod: 'solana', allowRepeat: true })
          .expect(201)
      ).body as OrderResponse;
      await b.t.http().post('/v1/dev/solana/pay').send({ url: order.solanaPay?.url }).expect(200);
      const confirmed = (await b.t.http().post(`/v1/orders/${order.id}/confirm-solana`).set(auth(buyer)).send({}).expect(200)).body as OrderResponse;
      expect(confirmed.status).toBe('paid');
      orderIds.push(order.id);
    }
    paidOrderId = orderIds[0];
    await b.t.http().get(`/v1/orders/${paidOrderId}/downloads`).set(auth(buyer)).expect(200);
  }, 180_000);

  afterAll(async () => {
    await b.close();
  });

  it('a non-admin is told so instead of seeing broken panels', async () => {
    const page = await b.newPage();
    await page.goto('/admin');
    const signIn = page.getByRole('form', { name: 'Admin sign in' });
    await signIn.getByLabel('Email').fill('buyer@example.com');
    await signIn.getByLabel('Password').fill('a-long-password');
    await signIn.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.getByRole('heading', { name: 'This account is not an admin' }).waitFor();
    expect(await page.getByRole('heading', { name: /Review queue/ }).count()).toBe(0);
    await b.screenshot(page, 'not-an-admin');
    expect(b.pageErrors).toEqual([]);
  });

  it('reviews, takes down and reinstates, refunds and pays out', async () => {
    const page = await b.newPage();
    await page.goto('/admin');
    await page.getByRole('heading', { level: 1, name: 'Admin console' }).waitFor();
    await b.screenshot(page, 'sign-in');
    const signIn = page.getByRole('form', { name: 'Admin sign in' });
    await signIn.getByLabel('Email').fill(ADMIN.email);
    await signIn.getByLabel('Password').fill(ADMIN.password);
    await signIn.getByRole('button', { name: 'Sign in', exact: true }).click();

    // The queue, oldest submission first, with captures, declarations and licence.
    await page.getByRole('heading', { name: 'Review queue (2)' }).waitFor();
    const titles = await page.locator('article.review h3').allTextContents();
    expect(titles).toEqual(['Alpine pass drives', 'Coastal road telemetry']);
    const alpine = card(page, 'Alpine pass drives');
    await alpine.getByRole('cell', { name: 'route-1.nmea' }).waitFor();
    await alpine.getByRole('cell', { name: 'can-1.csv' }).waitFor();
    expect(await alpine.getByRole('heading', { name: 'Licence: Commercial AI training' }).count()).toBe(1);
    expect(await alpine.textContent()).toContain('narrowed from: WORLD');
    expect(await alpine.textContent()).toContain('Owns the rights or may license the data');
    expect(await alpine.textContent()).toContain('First version: everything is new.');
    expect(await alpine.textContent()).toContain('alice@example.com');
    await alpine.getByRole('button', { name: /Load checksums/ }).click();
    await alpine.locator('code[title]').first().waitFor();
    const sha = await alpine.locator('code[title]').first().getAttribute('title');
    expect(sha).toMatch(/^[0-9a-f]{64}$/);
    await b.screenshot(page, 'review-queue');

    // Reject needs a reason; with one, the dataset leaves the queue and the audit log shows why.
    await alpine.getByRole('button', { name: 'Reject' }).click();
    await alpine.getByRole('alert').filter({ hasText: 'Give a reason' }).waitFor();
    await alpine.getByLabel('Reason for Alpine pass drives').fill('Faces are visible in the CAN overlay; blur them and resubmit.');
    await alpine.getByRole('button', { name: 'Reject' }).click();
    await page.getByRole('heading', { name: 'Review queue (1)' }).waitFor();
    expect(await card(page, 'Alpine pass drives').count()).toBe(0);
    const audit = page.getByRole('table', { name: 'Audit log, newest first' });
    await audit.getByRole('row').filter({ hasText: 'Faces are visible in the CAN overlay' }).filter({ hasText: 'rejected' }).waitFor();
    expect(await audit.getByRole('row').filter({ hasText: 'rejected' }).textContent()).toContain(ADMIN.email);
    expect(((await b.t.http().get(`/v1/datasets/${ids.rejected}`).set(auth(admin)).expect(200)).body as DatasetResponse).status).toBe('rejected');
    await b.screenshot(page, 'rejected');

    // Approve the other with the keyboard alone: focus its reason field, Tab to Approve, Enter.
    const coastal = card(page, 'Coastal road telemetry');
    await coastal.getByLabel('Reason for Coastal road telemetry').focus();
    await page.keyboard.type('Checked: captures signed off.');
    await page.keyboard.press('Tab');
    expect(
      await page.evaluate(
        () => (globalThis as unknown as { document: { activeElement: { textContent: string } } }).document.activeElement.textContent,
      ),
    ).toBe('Approve');
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Review queue (0)' }).waitFor();
    await audit.getByRole('row').filter({ hasText: 'approved (v1)' }).filter({ hasText: 'Coastal road telemetry' }).waitFor();
    expect(((await b.t.http().get(`/v1/datasets/${ids.approved}`).expect(200)).body as DatasetResponse).status).toBe('published');
    await b.screenshot(page, 'approved');

    // Take it down with a reason, then reinstate it.
    const published = page.getByRole('table', { name: 'Published and taken-down datasets' });
    await published.getByRole('button', { name: 'Take down Coastal road telemetry' }).waitFor();
    await published.getByLabel('Reason to take down Coastal road telemetry').fill('Rights holder complaint under review');
    await published.getByRole('button', { name: 'Take down Coastal road telemetry' }).click();
    await published.getByRole('button', { name: 'Reinstate Coastal road telemetry' }).waitFor();
    await b.t.http().get(`/v1/datasets/${ids.approved}`).expect(404);
    await audit.getByRole('row').filter({ hasText: 'Rights holder complaint under review' }).waitFor();
    await b.screenshot(page, 'taken-down');
    await published.getByLabel('Reason to reinstate Coastal road telemetry').fill('Complaint withdrawn');
    await published.getByRole('button', { name: 'Reinstate Coastal road telemetry' }).click();
    await published.getByRole('button', { name: 'Take down Coastal road telemetry' }).waitFor();
    await audit.getByRole('row').filter({ hasText: 'Complaint withdrawn' }).filter({ hasText: 'reinstated' }).waitFor();
    await b.t.http().get(`/v1/datasets/${ids.approved}`).expect(200);
    await b.screenshot(page, 'reinstated');

    // Refund the paid order, with a confirmation and a reason.
    const orders = page.getByRole('table', { name: 'Orders, newest first' });
    const row = orders.locator(`tr[data-order-id="${paidOrderId}"]`);
    expect(await row.textContent()).toContain('buyer@example.com');
    expect(await row.textContent()).toContain('19.99 USDC');
    await row.getByRole('button', { name: /^Refund order/ }).click();
    await row.getByLabel('Refund reason').fill('Duplicate purchase');
    await b.screenshot(page, 'refund-confirm');
    await row.getByRole('button', { name: 'Confirm refund' }).click();
    await row.getByText('refunded', { exact: true }).waitFor();
    const refunded = (await b.t.http().get(`/v1/orders/${paidOrderId}`).set(auth(buyer)).expect(200)).body as OrderResponse;
    expect(refunded).toMatchObject({ status: 'refunded', statusReason: 'Duplicate purchase' });
    expect(refunded.payments.map((p) => p.kind).sort()).toEqual(['charge', 'refund']);
    await b.t.http().get(`/v1/orders/${paidOrderId}/downloads`).set(auth(buyer)).expect(410);
    await b.screenshot(page, 'refunded');

    // Run payouts: carol is paid for the order that was not refunded.
    await page.getByRole('button', { name: 'Run payouts now' }).click();
    const result = page.getByRole('table', { name: 'Payout run result' });
    await result.waitFor();
    const carolRow = result.getByRole('row').filter({ hasText: 'carol@example.com' });
    expect(await carolRow.textContent()).toContain('paid');
    expect(await carolRow.textContent()).toMatch(/\d+(\.\d+)? USDC/);
    expect(await page.getByText(/transactions? confirmed/).textContent()).toMatch(/[1-9]\d* transactions? confirmed/);
    await b.screenshot(page, 'payouts');
    expect(b.pageErrors).toEqual([]);
  }, 180_000);
});
