import type { Page } from 'playwright-core';
import type { DatasetResponse } from '../../src/catalog/dto/dataset.response.js';
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
 * a reason; the draft then submits and, once published, its public consent record verifies.
 */
describe('consent requests (browser)', () => {
  let b: BrowserApp;
  let admin: string;
  const wallet = testWallet();
  let datasetId: string;
  let bobCapture: string;

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
  });
});
