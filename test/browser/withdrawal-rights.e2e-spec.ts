import type { Page } from 'playwright-core';
import type { DatasetResponse } from '../../src/catalog/dto/dataset.response.js';
import type { OrderResponse } from '../../src/checkout/dto/order.response.js';
import type { Plain } from '../../src/common/plain.js';
import { startBrowserApp, type BrowserApp } from '../support/browser.js';
import { readyCapture } from '../support/captures.js';
import { auth, logIn, publishCurated, signUp, TEST_ADMIN } from '../support/checkout.js';
import { csvTelemetry, nmeaLog } from '../support/fixtures.js';

/**
 * Issue 16 in Chromium: an admin takes a capture down on a privacy request from the admin console (published at once
 * without it, listed in the queue of takedowns and withdrawals); the buyer of the earlier version, whose licence is
 * revocable on withdrawal, sees the notice, the file marked as no longer licensed, and the reissued certificate.
 */
describe('admin takedown and what the buyer sees (browser)', () => {
  let b: BrowserApp;
  let admin: string;
  let datasetId: string;
  let buyer: { token: string; order: Plain<OrderResponse> };

  const signedIn = async (token: string, email: string, role: string) => {
    const me = (await b.t.http().get('/v1/auth/me').set(auth(token)).expect(200)).body as { id: string };
    return b.signedInPage({ accessToken: token, user: { id: me.id, email, role } });
  };

  beforeAll(async () => {
    b = await startBrowserApp('withdrawal-rights', { ADMIN_EMAIL: TEST_ADMIN.email, ADMIN_PASSWORD: TEST_ADMIN.password, AUTH_RATE_LIMIT: '1000' });
    admin = await logIn(b.t, TEST_ADMIN.email, TEST_ADMIN.password);
    const alice = await signUp(b.t, 'alice@takedown.test', 'contributor');
    const carol = await signUp(b.t, 'carol@takedown.test', 'contributor');
    const captureIds = [
      (await readyCapture(b.t, alice, nmeaLog(44), 'crossing-face.nmea')).id,
      (await readyCapture(b.t, alice, csvTelemetry(45), 'crossing-can.csv')).id,
      (await readyCapture(b.t, carol, nmeaLog(46), 'harbour.nmea')).id,
    ];
    datasetId = await publishCurated(b.t, admin, {
      title: 'Koper crossings, research',
      description: 'Pedestrian crossings around Koper, for research.',
      captureIds,
      licenceSlug: 'research-only',
      priceUsdCents: 12_000,
      contributors: [alice, carol],
    });
    const token = await signUp(b.t, 'researcher@takedown.test', 'buyer');
    const order = (await b.t.http().post('/v1/orders').set(auth(token)).send({ datasetId, paymentMethod: 'solana' }).expect(201))
      .body as Plain<OrderResponse>;
    await b.t.http().post('/v1/dev/solana/pay').send({ url: order.solanaPay?.url }).expect(200);
    await b.t.http().post(`/v1/orders/${order.id}/confirm-solana`).set(auth(token)).send({}).expect(200);
    buyer = { token, order };
  }, 180_000);

  afterAll(async () => {
    await b.close();
  });

  it('an admin takes a capture down on a privacy request: version 2 is published at once, and the queue says so', async () => {
    const page: Page = await signedIn(admin, TEST_ADMIN.email, 'admin');
    await page.goto('/admin');
    const section = page.getByRole('region', { name: 'Takedowns and withdrawals' });
    await section.getByText('No captures were withdrawn or taken down yet.').waitFor();
    const dataset = section.getByLabel('Dataset');
    await dataset.locator('option', { hasText: 'Koper crossings, research' }).waitFor({ state: 'attached' });
    await dataset.selectOption({ label: 'Koper crossings, research (version 1)' });
    await section.getByRole('checkbox', { name: 'gnss/crossing-face.nmea' }).check();
    await section.getByLabel('Kind of request').selectOption('privacy');
    await section.getByLabel('Request and reason').fill('Request #88: a pedestrian’s face is recognisable at 00:12.');
    await b.screenshot(page, 'takedown-form');
    await section.getByRole('button', { name: 'Take down the chosen captures' }).click();
    await section.getByText('Koper crossings, research: 1 capture(s) taken down; published as version 2 without them.').waitFor();
    const row = section.getByRole('table', { name: 'Withdrawals and takedowns, newest first' }).getByRole('row').nth(1);
    await row.getByText('published as version 2').waitFor();
    expect(await row.textContent()).toContain('Takedown: privacy (from version 1)');
    await b.screenshot(page, 'takedown-queue');

    const published = (await b.t.http().get(`/v1/datasets/${datasetId}`).expect(200)).body as DatasetResponse;
    expect(published.latestVersion).toBe(2);
    expect(b.pageErrors).toEqual([]);
  });

  it("the buyer's order page: the notice, the file no longer licensed, and the reissued certificate", async () => {
    const page = await signedIn(buyer.token, 'researcher@takedown.test', 'buyer');
    await page.goto(`/orders/${buyer.order.id}`);
    const notices = page.getByRole('region', { name: 'Notices' });
    await notices.waitFor();
    const notice = (await notices.textContent()) ?? '';
    expect(notice).toContain('taken down');
    expect(notice).toContain('The platform took these captures down on a privacy request');
    expect(notice).toContain('Your licence ends the right to withdrawn files');
    expect(notice).not.toContain('00:12');
    const withdrawn = page.getByRole('region', { name: 'Withdrawn files' });
    await withdrawn.waitFor();
    expect(await withdrawn.textContent()).toContain('gnss/crossing-face.nmea');
    expect(await withdrawn.textContent()).toContain('The platform took this file down on a request');
    const files = page.getByRole('table', { name: 'Files to download' });
    expect(await files.getByRole('row').count()).toBe(3);
    const licence = page.getByRole('complementary', { name: 'Licence' });
    await licence.getByText('Reissued without 1 withdrawn file').waitFor();
    expect(await licence.textContent()).toContain('it replaces 1 earlier certificate, which still verifies');
    expect(await licence.textContent()).toContain('Stop using withdrawn files');
    await licence.getByRole('button', { name: 'Verify signature' }).click();
    await licence.getByText('Signature is valid').waitFor();
    await b.screenshot(page, 'order-after-takedown');
    expect(b.pageErrors).toEqual([]);
  });

  it("the dataset page: cleared by N contributors' signed grants, the consent record, and what a withdrawal does under its licence", async () => {
    const page = await b.newPage();
    await page.goto(`/datasets/${datasetId}`);
    await page.getByText('Stop using withdrawn files').first().waitFor();
    const cleared = page.locator('.consent-cleared');
    await cleared.waitFor();
    expect(await cleared.textContent()).toBe("consent verified Cleared by 2 contributors' signed grants (see the consent record).");
    await b.screenshot(page, 'dataset-licence-withdrawal-term');
    const record = page.getByRole('heading', { name: 'Consent record' });
    await record.scrollIntoViewIfNeeded();
    const provenance = page.getByRole('region', { name: 'Provenance' });
    const text = (await provenance.textContent()) ?? '';
    expect(text).toContain('Every grant re-hashes, every wallet signature checks out');
    expect(text).toContain('Version 1: cleared by 2 signed grants');
    expect(text).toContain('Version 2: cleared by 2 signed grants');
    expect(text).toContain('1 capture taken down by the platform');
    expect(await provenance.getByRole('table', { name: 'Signed consent grants' }).getByRole('row').count()).toBe(3);
    await b.screenshot(page, 'dataset-consent-record');
    expect(b.pageErrors).toEqual([]);
  });

  it("the contributor's earnings say which sales came before and after their withdrawal", async () => {
    const alice = await logIn(b.t, 'alice@takedown.test', 'a-long-password');
    const carol = await logIn(b.t, 'carol@takedown.test', 'a-long-password');
    const [early, late] = [
      (await readyCapture(b.t, alice, nmeaLog(51), 'bridge-early.nmea')).id,
      (await readyCapture(b.t, alice, csvTelemetry(52), 'bridge-late.csv')).id,
    ];
    const carols = (await readyCapture(b.t, carol, nmeaLog(53), 'bridge-carol.nmea')).id;
    const id = await publishCurated(b.t, admin, {
      title: 'Bridges, commercial',
      description: 'Bridges around Koper.',
      captureIds: [early, late, carols],
      licenceSlug: 'commercial-ai-training',
      priceUsdCents: 9_000,
      contributors: [alice, carol],
    });
    const buyOnce = async (email: string) => {
      const token = await signUp(b.t, email, 'buyer');
      const order = (await b.t.http().post('/v1/orders').set(auth(token)).send({ datasetId: id, paymentMethod: 'solana' }).expect(201))
        .body as Plain<OrderResponse>;
      await b.t.http().post('/v1/dev/solana/pay').send({ url: order.solanaPay?.url }).expect(200);
      await b.t.http().post(`/v1/orders/${order.id}/confirm-solana`).set(auth(token)).send({}).expect(200);
    };
    await buyOnce('bridge-first@takedown.test');
    await b.t
      .http()
      .post(`/v1/datasets/${id}/consent/withdrawals`)
      .set(auth(alice))
      .send({ captureIds: [early], reason: 'Wrong day.' })
      .expect(201);
    await b.t.http().post(`/v1/admin/datasets/${id}/approve`).set(auth(admin)).send({}).expect(200);
    await buyOnce('bridge-second@takedown.test');

    const page = await b.newPage();
    await page.goto('/contribute');
    await page.getByLabel('Email').fill('alice@takedown.test');
    await page.getByLabel('Password').fill('a-long-password');
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    const table = page.getByRole('table', { name: 'Your share of every sale' });
    for (const deadline = Date.now() + 30_000; ;) {
      await page.getByRole('button', { name: 'Refresh earnings' }).click();
      await page.waitForLoadState('networkidle');
      const text = (await table.allTextContents()).join(' ');
      if (text.includes('after withdrawal')) break;
      if (Date.now() > deadline) throw new Error(`the earnings do not show the sale after the withdrawal: ${text.slice(0, 500)}`);
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    const text = (await table.textContent()) ?? '';
    expect(text).toContain('Sold before you withdrew 1 capture on');
    expect(text).toContain('it paid for them, and stays paid.');
    expect(text).toContain('Sold after you withdrew 1 capture on');
    expect(text).toContain('it paid only your remaining captures.');
    await b.screenshot(page, 'earnings-before-after-withdrawal');
    expect(b.pageErrors).toEqual([]);
  });
});
