import { SubscriptionBillingService } from '../../src/subscriptions/services/subscription-billing.service.js';
import { periodOf } from '../../src/subscriptions/subscription-period.js';
import { drawRoundNorthernmostDot, startBrowserApp, type BrowserApp } from '../support/browser.js';
import { listLakeAndWaikato, logIn, readyCaptures, signUp, TEST_ADMIN } from '../support/checkout.js';
import { describeWithSamples } from '../support/samples.js';
import { NMEA_DISTRICT, listOwnDataset, subscribe } from '../support/subscriptions.js';

/**
 * Issue 13, part 7, as a buyer sees it: after quoting a slice drawn round Lake Cerknica, "Subscribe to this area" makes
 * an area subscription; the month's billing run finds nothing new there, and invoices a second subscription (a
 * district where a new drive was listed since); the account page lists both with their months, pays the open invoice
 * from its link, and cancels the first.
 */
describeWithSamples(
  'area subscriptions: subscribe after a quote, invoices on the account page (browser)',
  ['cerknicko-jezero.gpx', 'bu353s4.log'],
  () => {
    let b: BrowserApp;
    let sliced: string;
    let admin: string;
    let alice: string;
    let buyer: string;

    beforeAll(async () => {
      b = await startBrowserApp('subscriptions', { ADMIN_EMAIL: TEST_ADMIN.email, ADMIN_PASSWORD: TEST_ADMIN.password, AUTH_RATE_LIMIT: '1000' });
      admin = await logIn(b.t, TEST_ADMIN.email, TEST_ADMIN.password);
      ({ datasetId: sliced, alice } = await listLakeAndWaikato(b.t, admin));
      buyer = await signUp(b.t, 'buyer@example.com', 'buyer');
    }, 240_000);

    afterAll(async () => {
      await b.close();
    });

    it('subscribes to a drawn area after its quote, and lists, pays and cancels subscriptions on the account page', async () => {
      const page = await b.newPage();
      await page.goto(`/datasets/${sliced}`);
      const purchase = page.getByRole('complementary', { name: 'Purchase' });
      await purchase.getByLabel('Email').fill('buyer@example.com');
      await purchase.getByLabel('Password').fill('a-long-password');
      await purchase.getByRole('button', { name: 'Sign in', exact: true }).click();
      await purchase.getByRole('button', { name: 'Add to cart' }).waitFor();

      // Quote a rectangle drawn round the lake's dot, then subscribe to that area.
      const slice = page.getByRole('region', { name: 'Buy a slice' });
      const map = page.getByRole('region', { name: 'Coverage map' });
      await map.locator('path.footprint-dot').nth(1).waitFor();
      await page.waitForLoadState('networkidle');
      await slice.getByRole('button', { name: 'Draw an area on the map' }).click();
      await drawRoundNorthernmostDot(page);
      await slice.getByRole('heading', { name: 'Quote: $6.87' }).waitFor();
      const subscribeForm = slice.getByRole('form', { name: 'Subscribe to this area' });
      await subscribeForm.getByLabel('Monthly cap (USD)').fill('25');
      await subscribeForm.getByRole('button', { name: 'Subscribe to this area' }).click();
      await slice.getByText('Subscribed: new captures here are invoiced monthly, up to $25.00.').waitFor();
      await b.screenshot(page, 'dataset-subscribed-to-area');

      // A second subscription, to the district of a drive listed after it; then the month is billed.
      await subscribe(b.t, buyer, { area: NMEA_DISTRICT, modalities: ['gnss'], paymentMethod: 'solana', monthlyCapUsdCents: 5_000 });
      await listOwnDataset(b.t, { contributor: alice, admin }, { title: 'A new district drive', captureIds: await readyCaptures(b.t, alice, 51) });
      const period = periodOf(new Date());
      expect(await b.t.app.get(SubscriptionBillingService).runPeriod(period)).toMatchObject({ invoiced: 1, empty: 1 });

      // The account page: both subscriptions with their month.
      await slice.getByRole('link', { name: 'Your subscriptions' }).click();
      await page.waitForURL(/\/account#subscriptions$/);
      const section = page.getByRole('region', { name: 'Area subscriptions' });
      const lakeCard = section.getByRole('article').filter({ hasText: 'of one dataset' });
      const districtCard = section.getByRole('article').filter({ hasText: 'of any listed dataset' });
      await lakeCard.getByRole('table', { name: 'Monthly invoices' }).waitFor();
      expect((await lakeCard.getByRole('row').nth(1).textContent())?.replace(/\s+/g, ' ')).toBe(`${period}Nothing new0`);
      const invoiceRow = districtCard.getByRole('row').nth(1);
      expect((await invoiceRow.textContent())?.replace(/\s+/g, ' ')).toMatch(
        new RegExp(`^${period}Invoiced1\\$\\d+\\.\\d\\dpending Pay by .+A new district drive v1 · 1 capture · \\$`),
      );
      await b.screenshot(page, 'account-subscriptions');

      // Cancel the lake's: it says so, and the district's stays active.
      await lakeCard.getByRole('button', { name: 'Cancel subscription' }).click();
      await lakeCard.getByRole('button', { name: 'Yes, cancel it' }).click();
      await lakeCard.getByText('cancelled', { exact: true }).waitFor();
      await districtCard.getByText('active', { exact: true }).waitFor();
      await b.screenshot(page, 'account-subscription-cancelled');

      // The open invoice's link is its checkout, paid as any cart checkout.
      await invoiceRow.getByRole('link', { name: 'Pay' }).click();
      await page.waitForURL(/\/cart\?checkoutId=[0-9a-f-]{36}$/);
      await page.getByText('A new district drive').first().waitFor();
      await b.screenshot(page, 'subscription-invoice-checkout');
      expect(b.pageErrors).toEqual([]);
    }, 240_000);
  },
);
