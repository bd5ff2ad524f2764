import type { Page } from 'playwright-core';
import { drawRoundNorthernmostDot, startBrowserApp, type BrowserApp } from '../support/browser.js';
import { listLakeAndWaikato, logIn, publishDataset, signUp, TEST_ADMIN } from '../support/checkout.js';
import { describeWithSamples } from '../support/samples.js';

/**
 * Issue 13, part 3, as a buyer sees it: two whole datasets of two sellers and a slice drawn round Lake Cerknica go into
 * the cart from their dataset pages (the header counts them), the cart page lists each line with its version, licence,
 * slice and price, one USDC payment with the demo wallet pays them all, and the order page and the receipt list every
 * line paid together; adding a version bought already asks first ("You already own this version... Buy it again?").
 */
describeWithSamples('a cart of two datasets and a slice, paid once (browser)', ['cerknicko-jezero.gpx', 'bu353s4.log'], () => {
  let b: BrowserApp;
  let sliced: string;
  let wholeA: string;
  let wholeB: string;

  beforeAll(async () => {
    b = await startBrowserApp('cart', { ADMIN_EMAIL: TEST_ADMIN.email, ADMIN_PASSWORD: TEST_ADMIN.password, AUTH_RATE_LIMIT: '1000' });
    const admin = await logIn(b.t, TEST_ADMIN.email, TEST_ADMIN.password);
    const { datasetId, alice, bob } = await listLakeAndWaikato(b.t, admin);
    sliced = datasetId;
    await signUp(b.t, 'buyer@example.com', 'buyer');
    wholeA = (
      await publishDataset(
        b.t,
        { contributor: alice, admin },
        { title: 'Ljubljana CAN telemetry', licenceSlug: 'commercial-ai-training', priceUsdCents: 1_999, seed: 31 },
      )
    ).datasetId;
    wholeB = (
      await publishDataset(
        b.t,
        { contributor: bob, admin },
        { title: 'Hamilton GNSS drives', licenceSlug: 'commercial-no-resale', priceUsdCents: 2_500, seed: 32 },
      )
    ).datasetId;
  }, 240_000);

  afterAll(async () => {
    await b.close();
  });

  /** Adds the dataset page's listed version to the cart; answers the status line's text. */
  const addWhole = async (page: Page, datasetId: string) => {
    await page.goto(`/datasets/${datasetId}`);
    const purchase = page.getByRole('complementary', { name: 'Purchase' });
    await purchase.getByRole('button', { name: 'Add to cart' }).click();
    return (await purchase.getByText(/^Added to your cart/).textContent()) ?? '';
  };

  it('adds two datasets and a drawn slice to the cart, pays them with one USDC payment, and every page lists the lines', async () => {
    const page = await b.newPage();
    await page.goto(`/datasets/${wholeA}`);
    const purchase = page.getByRole('complementary', { name: 'Purchase' });
    await purchase.getByLabel('Email').fill('buyer@example.com');
    await purchase.getByLabel('Password').fill('a-long-password');
    await purchase.getByRole('button', { name: 'Sign in', exact: true }).click();
    await purchase.getByRole('button', { name: 'Add to cart' }).waitFor();
    expect(await addWhole(page, wholeA)).toBe('Added to your cart (1 line). View cart');
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Cart (1)' }).waitFor();
    expect(await addWhole(page, wholeB)).toBe('Added to your cart (2 lines). View cart');
    await b.screenshot(page, 'dataset-added-to-cart');

    // The slice: quote the whole dataset, then draw a rectangle round the lake's dot and add what the quote priced.
    await page.goto(`/datasets/${sliced}`);
    const slice = page.getByRole('region', { name: 'Buy a slice' });
    await page.getByRole('region', { name: 'Coverage map' }).locator('path.footprint-dot').nth(1).waitFor();
    await page.waitForLoadState('networkidle');
    await slice.getByRole('button', { name: 'Get a quote' }).click();
    await slice.getByRole('heading', { name: 'Quote: $100.00' }).waitFor();
    await slice.getByRole('button', { name: 'Draw an area on the map' }).click();
    await drawRoundNorthernmostDot(page);
    await slice.getByRole('heading', { name: 'Quote: $6.87' }).waitFor();
    await slice.getByRole('button', { name: 'Add slice to cart' }).click();
    await slice.getByText('Added to your cart (3 lines). View cart').waitFor();
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Cart (3)' }).waitFor();
    await b.screenshot(page, 'dataset-slice-added-to-cart');

    // The cart page: each line with its version, licence, what it buys and its price; the total.
    await page.getByRole('link', { name: 'View cart' }).click();
    await page.waitForURL(/\/cart$/);
    const lines = page.getByRole('table', { name: 'The lines of your cart' });
    await lines.getByRole('row').nth(3).waitFor();
    const rows = await lines.getByRole('row').allTextContents();
    expect(rows.slice(1)).toEqual([
      expect.stringMatching(/^Ljubljana CAN telemetryv1Commercial AI training.*Whole dataset\$19\.99Remove$/),
      expect.stringMatching(/^Hamilton GNSS drivesv1.*Whole dataset\$25\.00Remove$/),
      expect.stringMatching(/^Lake Cerknica and a Waikato drivev1.*Slice: 1 capture, 4\.577 km, .*Quote valid until .*\$6\.87Remove$/),
    ]);
    await page.getByText('Total $51.86').waitFor();
    await b.screenshot(page, 'cart');

    // One USDC payment for the three lines, by the demo wallet.
    const pay = page.getByRole('region', { name: 'Pay' });
    await pay.getByLabel('USDC (Solana Pay)').check();
    await pay.getByRole('button', { name: 'Pay $51.86' }).click();
    await pay.getByText('Waiting for 51.86 USDC').waitFor();
    await b.screenshot(page, 'cart-solana-pay');
    await pay.getByRole('button', { name: 'Pay with the demo wallet' }).click();
    await page.waitForURL(/\/orders\/[0-9a-f-]{36}$/, { timeout: 30_000 });

    // The order page lists every line paid together, each paid.
    const together = page.getByRole('region', { name: 'Paid together' });
    await together.getByRole('row').nth(3).waitFor();
    const paidRows = await together.getByRole('row').allTextContents();
    expect(paidRows.slice(1).map((row) => row.replace(/\s+/g, ' '))).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^Ljubljana CAN telemetry.*Whole dataset19\.99 USDC(paid|fulfilled)$/),
        expect.stringMatching(/^Hamilton GNSS drives.*Whole dataset25 USDC(paid|fulfilled)$/),
        expect.stringMatching(/^Lake Cerknica and a Waikato drive.*Slice: 1 capture.*6\.87 USDC(paid|fulfilled)$/),
      ]),
    );
    await together.getByText('One payment of 51.86 USDC for 3 orders.').waitFor();
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Cart', exact: true }).waitFor();
    await b.screenshot(page, 'order-paid-together');

    // The receipt lists every line of the payment.
    await page.getByRole('link', { name: 'Receipt', exact: true }).first().click();
    await page.waitForURL(/\/receipt$/);
    const receiptLines = page.getByRole('table', { name: 'Every line of the payment' });
    await receiptLines.getByRole('row').nth(3).waitFor();
    expect(await receiptLines.getByRole('row').count()).toBe(4);
    await b.screenshot(page, 'receipt-paid-together');

    // A version bought already goes into the cart again only once the buyer says so.
    await page.goto(`/datasets/${wholeA}`);
    await purchase.getByText('You already own this version.').waitFor();
    await purchase.getByRole('button', { name: 'Add to cart' }).click();
    const question = purchase.getByRole('group', { name: 'Confirm adding to the cart again' });
    await question.getByText('You already own this version (see the order). Buy it again, as a separate licence?').waitFor();
    await b.screenshot(page, 'dataset-owned-add-to-cart-asks');
    await question.getByRole('button', { name: 'Cancel' }).click();
    await question.waitFor({ state: 'detached' });
    await purchase.getByRole('button', { name: 'Add to cart' }).click();
    await purchase
      .getByRole('group', { name: 'Confirm adding to the cart again' })
      .getByRole('button', { name: 'Yes, add it to the cart again' })
      .click();
    await purchase.getByText('Added to your cart (1 line). View cart').waitFor();
    await page.getByRole('link', { name: 'View cart' }).click();
    await page.waitForURL(/\/cart$/);
    const again = page.getByRole('table', { name: 'The lines of your cart' });
    await again.getByRole('row').nth(1).waitFor();
    expect((await again.getByRole('row').allTextContents()).slice(1)).toEqual([
      expect.stringMatching(/^Ljubljana CAN telemetryBought again: you already held an order of this versionv1.*Whole dataset\$19\.99Remove$/),
    ]);
    await b.screenshot(page, 'cart-bought-again');
    expect(b.pageErrors).toEqual([]);
  }, 240_000);
});
