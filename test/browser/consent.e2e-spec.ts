import type { Page } from 'playwright-core';
import type { DatasetResponse } from '../../src/catalog/dto/dataset.response.js';
import type { OrderResponse } from '../../src/checkout/dto/order.response.js';
import type { DatasetConsentResponse } from '../../src/consent/dto/consent.response.js';
import type { Plain } from '../../src/common/plain.js';
import { startBrowserApp, type BrowserApp } from '../support/browser.js';
import { readyCapture } from '../support/captures.js';
import { auth, logIn, signUp, TEST_ADMIN } from '../support/checkout.js';
import { walletSignIn } from '../support/consent.js';
import { csvTelemetry, nmeaLog } from '../support/fixtures.js';
import { testWallet } from '../support/wallet.js';

/**
 * Consent requests in the contributor dashboard (issue 16), in Chromium: an admin curates a draft of two contributors'
 * captures; the wallet contributor grants by signing with the wallet in the page, the e-mail contributor declines with
 * a reason; the draft then submits and, once published, its public consent record verifies; then the wallet contributor
 * withdraws from the page.
 */
describe('consent requests (browser)', () => {
  let b: BrowserApp;
  let admin: string;
  const wallet = testWallet();
  let datasetId: string;
  let bobCapture: string;
  let buyer: { token: string; order: Plain<OrderResponse> };

  const request = (page: Page) => page.getByRole('article', { name: 'Consent request: Ljubljana ring road, curated' });

  beforeAll(async () => {
    b = await startBrowserApp('consent', { ADMIN_EMAIL: TEST_ADMIN.email, ADMIN_PASSWORD: TEST_ADMIN.password, AUTH_RATE_LIMIT: '1000' });
    admin = await logIn(b.t, TEST_ADMIN.email, TEST_ADMIN.password);
    const alice = await walletSignIn(b.t, wallet);
    const bob = await signUp(b.t, 'bob@example.com', 'contributor');
    const aliceCaptures = [
      (await readyCapture(b.t, alice, nmeaLog(40), 'alice.nmea')).id,
      (await readyCapture(b.t, alice, csvTelemetry(60), 'alice.csv')).id,
    ];
    bobCapture = (await readyCapture(b.t, bob, nmeaLog(22), 'bob.nmea')).id;
    const licences = (await b.t.http().get('/v1/licences').expect(200)).body as { id: string; slug: string }[];
    datasetId = (
      (
        await b.t
          .http()
          .post('/v1/datasets')
          .set(auth(admin))
          .send({
            title: 'Ljubljana ring road, curated',
            description: 'Two contributors, one curator.',
            captureIds: [...aliceCaptures, bobCapture],
            licenceTemplateId: licences.find((l) => l.slug === 'commercial-ai-training')?.id,
            priceUsdCents: 48_000,
            declarations: { ownsRights: true, identifiablePeople: false, piiRedacted: true, restrictedLocations: false },
          })
          .expect(201)
      ).body as DatasetResponse
    ).id;
  }, 180_000);

  afterAll(async () => {
    await b.close();
  });

  it('the wallet contributor reads the request in plain words and grants by signing with the wallet', async () => {
    const page = await b.newPage({ wallet });
    await page.goto('/contribute');
    await page.getByRole('button', { name: 'Sign in with Solana wallet' }).click();
    const card = request(page);
    await card.waitFor();
    await card.getByText('waiting for you').waitFor();
    expect(await card.getByText('$480.00').count()).toBe(1);
    expect(await card.getByText(/^Buyers may use it for: AI training/).count()).toBe(1);
    await b.screenshot(page, 'request-waiting');

    await card.getByRole('button', { name: 'Grant Ljubljana ring road, curated with my wallet' }).click();
    await card.getByText('you granted').waitFor();
    await page.getByRole('status').filter({ hasText: 'Granted, signed by your wallet.' }).waitFor();
    const row = page.getByRole('table', { name: 'Your consent answers' }).getByRole('row').nth(1);
    expect(await row.getByText('wallet', { exact: true }).count()).toBe(1);
    // The dataset by its title, its short id beneath.
    expect(await row.getByText('Ljubljana ring road, curated', { exact: true }).count()).toBe(1);
    expect(await row.locator('code.hint').getAttribute('title')).toBe(datasetId);
    await b.screenshot(page, 'granted-with-wallet');
    expect(b.pageErrors).toEqual([]);
  });

  it('the e-mail contributor declines with a reason: their capture leaves the draft, which then submits', async () => {
    const page = await b.newPage();
    await page.goto('/contribute');
    await page.getByLabel('Email').fill('bob@example.com');
    await page.getByLabel('Password').fill('a-long-password');
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    const card = request(page);
    await card.waitFor();
    // No wallet in this browser and none linked: the plain grant is offered.
    expect(await card.getByRole('button', { name: 'Grant Ljubljana ring road, curated with my wallet' }).count()).toBe(0);
    await card.getByLabel('Reason for declining').fill('My street is in the second half of the drive.');
    await b.screenshot(page, 'declining');
    await card.getByRole('button', { name: 'Decline Ljubljana ring road, curated' }).click();
    await page.getByRole('status').filter({ hasText: 'Declined: your captures left the draft.' }).waitFor();
    await page.getByText('No draft of anyone else holds your captures.').waitFor();
    await page.getByRole('table', { name: 'Your consent answers' }).getByText('declined: My street is in the second half of the drive.').waitFor();
    await b.screenshot(page, 'declined');

    const draft = (await b.t.http().get(`/v1/datasets/${datasetId}`).set(auth(admin)).expect(200)).body as DatasetResponse;
    expect(draft.draft?.captureIds).not.toContain(bobCapture);
    await b.t.http().post(`/v1/datasets/${datasetId}/submit`).set(auth(admin)).expect(200);
    await b.t.http().post(`/v1/admin/datasets/${datasetId}/approve`).set(auth(admin)).send({}).expect(200);
    const record = (await b.t.http().get(`/v1/datasets/${datasetId}/consent`).expect(200)).body as Plain<DatasetConsentResponse>;
    expect(record).toMatchObject({ verified: true, declines: 1, grants: [expect.objectContaining({ method: 'wallet', signer: wallet.address })] });
    expect(b.pageErrors).toEqual([]);

    // A buyer pays for version 1 in USDC: told of the withdrawal below.
    const token = await signUp(b.t, 'consent-buyer@example.com', 'buyer');
    const order = (await b.t.http().post('/v1/orders').set(auth(token)).send({ datasetId, paymentMethod: 'solana' }).expect(201))
      .body as Plain<OrderResponse>;
    await b.t.http().post('/v1/dev/solana/pay').send({ url: order.solanaPay?.url }).expect(200);
    await b.t.http().post(`/v1/orders/${order.id}/confirm-solana`).set(auth(token)).send({}).expect(200);
    buyer = { token, order };
  });

  it('after publication the wallet contributor withdraws all their captures: nothing is left, so the dataset is taken down', async () => {
    const page = await b.newPage({ wallet });
    await page.goto('/contribute');
    await page.getByRole('button', { name: 'Sign in with Solana wallet' }).click();
    const form = page.getByRole('form', { name: 'Withdraw consent' });
    await form.waitFor();
    await form.getByLabel('Reason for withdrawing').fill('A face in the second minute is not blurred.');
    expect(await form.getByLabel('Dataset').locator('option:checked').textContent()).toBe(
      `Ljubljana ring road, curated (${datasetId.slice(0, 4)}…${datasetId.slice(-4)})`,
    );
    await b.screenshot(page, 'withdrawing');
    await form.getByRole('button', { name: 'Withdraw my captures' }).click();
    await page.getByRole('status').filter({ hasText: 'Withdrew 2 capture(s)' }).waitFor();
    await page.getByRole('table', { name: 'Your consent answers' }).getByText('withdrew: A face in the second minute is not blurred.').waitFor();
    await b.screenshot(page, 'withdrawn');

    // Both of the wallet contributor's captures were all the dataset held: nothing is left to sell.
    const dataset = (await b.t.http().get(`/v1/datasets/${datasetId}`).set(auth(admin)).expect(200)).body as DatasetResponse;
    expect(dataset.takedownReason).toBe('Every capture was withdrawn by its contributor');
    const record = (await b.t.http().get(`/v1/datasets/${datasetId}/consent`).expect(200)).body as Plain<DatasetConsentResponse>;
    expect(record).toMatchObject({ verified: true, withdrawals: [expect.objectContaining({ captureCount: 2 })] });
    expect(b.pageErrors).toEqual([]);
  });

  it("the buyer's order page shows the withdrawal notice, and the certificate's consent", async () => {
    const session = { accessToken: buyer.token, user: { id: buyer.order.buyerId, email: 'consent-buyer@example.com', role: 'buyer' } };
    const page = await b.signedInPage(session, `/orders/${buyer.order.id}`);
    const notices = page.getByRole('region', { name: 'Notices' });
    await notices.waitFor();
    expect(await notices.getByRole('listitem').count()).toBe(1);
    const text = (await notices.textContent()) ?? '';
    expect(text).toContain('withdrawn');
    expect(text).toContain('The contributor withdrew their consent to the use of these captures.');
    expect(text).toContain('2 files');
    expect(text).not.toContain('A face in the second minute');
    const licence = page.getByRole('complementary', { name: 'Licence' });
    await licence.getByText("Cleared by 1 contributor's signed grant; grant set").waitFor();
    const record = (await b.t.http().get(`/v1/datasets/${datasetId}/consent`).expect(200)).body as Plain<DatasetConsentResponse>;
    expect(await licence.textContent()).toContain(record.versions[0].grantSetHash);
    await b.screenshot(page, 'order-withdrawal-notice');
    expect(b.pageErrors).toEqual([]);
  });
});
