import { drawRoundNorthernmostDot, startBrowserApp, type BrowserApp } from '../support/browser.js';
import { listLakeAndWaikato, logIn, signUp, TEST_ADMIN } from '../support/checkout.js';
import { describeWithSamples } from '../support/samples.js';

/**
 * Issue 13 as a buyer sees it, on real files: a dataset of Alice's GPX walk round Lake Cerknica (Slovenia) and Bob's
 * NMEA drive in New Zealand, sold whole or by the km. On the dataset page the buyer draws a rectangle round Slovenia,
 * sees the quote (one capture, its km, hours and size, the price and how it was computed) and the slice drawn, buys it
 * with the demo USDC wallet, and the order page shows the slice and exactly one download.
 */
describeWithSamples('buying a slice on the dataset page (browser)', ['cerknicko-jezero.gpx', 'bu353s4.log'], () => {
  let b: BrowserApp;
  let datasetId: string;
  let gpxPath: string;

  beforeAll(async () => {
    b = await startBrowserApp('slices', { ADMIN_EMAIL: TEST_ADMIN.email, ADMIN_PASSWORD: TEST_ADMIN.password, AUTH_RATE_LIMIT: '1000' });
    const admin = await logIn(b.t, TEST_ADMIN.email, TEST_ADMIN.password);
    const lake = await listLakeAndWaikato(b.t, admin);
    datasetId = lake.datasetId;
    await signUp(b.t, 'buyer@example.com', 'buyer');
    const [file] = await b.t.sql<{ path: string }>(`SELECT path FROM dataset_version_files WHERE dataset_id = $1 AND capture_id = $2`, [
      datasetId,
      lake.gpxId,
    ]);
    gpxPath = file.path;
  }, 240_000);

  afterAll(async () => {
    await b.close();
  });

  it('draws an area, quotes it, buys exactly its capture with USDC, and the order shows the slice', async () => {
    const page = await b.newPage();
    // The storefront says the dataset is also sold in slices.
    await page.goto('/');
    await page.getByText('or $1.50 per km, minimum $0.50 for a slice').waitFor();
    await page.goto(`/datasets/${datasetId}`);
    const slice = page.getByRole('region', { name: 'Buy a slice' });
    await slice.getByText('$1.50 per km').waitFor();
    // Both captures on the map, a dot per part: the lake's track segments (northern hemisphere, the higher dots) and the drive.
    await page.getByRole('region', { name: 'Coverage map' }).locator('path.footprint-dot').nth(1).waitFor();
    await page.waitForLoadState('networkidle');

    // Sign in first (the quote needs a buyer), then draw a rectangle round the lake's dot.
    await slice.getByRole('button', { name: 'Get a quote' }).click();
    await slice.getByLabel('Email').fill('buyer@example.com');
    await slice.getByLabel('Password').fill('a-long-password');
    await slice.getByRole('button', { name: 'Sign in', exact: true }).click();
    await slice.getByRole('heading', { name: /^Quote: / }).waitFor();
    // Without an area the quote is the whole dataset at its whole price.
    expect(await slice.getByRole('heading', { name: /^Quote: / }).textContent()).toBe('Quote: $100.00');

    await slice.getByRole('button', { name: 'Draw an area on the map' }).click();
    await drawRoundNorthernmostDot(page);
    await slice.getByText(/^Area: /).waitFor();
    await page.getByRole('region', { name: 'Coverage map' }).locator('path.slice-area').waitFor();
    await slice.getByRole('heading', { name: /^Quote: \$(?!100\.00)/ }).waitFor();
    const quote = await slice.locator('.quote').textContent();
    expect(quote).toContain('Captures1');
    // 4,577 m at $1.50 per km: $6.87 (686.55 cents, rounded half up once).
    expect(quote).toContain('4.577 km');
    expect(await slice.getByRole('heading', { name: /^Quote: / }).textContent()).toBe('Quote: $6.87');
    expect(quote).toContain('$1.50 per km of track = $6.87');
    await page.getByRole('region', { name: 'Coverage map' }).locator('path.slice-capture').first().waitFor();
    await b.screenshot(page, 'dataset-slice-quote');

    await slice.getByLabel('USDC (Solana Pay)').check();
    await slice.getByRole('button', { name: 'Buy this slice for $6.87' }).click();
    await slice.getByRole('button', { name: 'Pay with the demo wallet' }).click();
    await page.waitForURL(/\/orders\/[0-9a-f-]{36}$/, { timeout: 30_000 });
    expect(await page.locator('.order-status .badge').textContent()).toMatch(/^(paid|fulfilled)$/);
    expect(await page.locator('.order-slice').textContent()).toContain('1 capture in box');
    expect(await page.locator('.order-slice').textContent()).toContain('priced per km of track');
    const downloads = page.getByRole('region', { name: 'Downloads' });
    await downloads.getByRole('link').first().waitFor();
    expect((await downloads.getByRole('link').all()).length).toBe(1);
    expect(await downloads.getByRole('link').first().textContent()).toBe(gpxPath);
    // The certificate names the slice: one file, by its leaf in the version's Merkle tree.
    expect(await page.locator('.certificate-slice').textContent()).toMatch(/^1 file \(leaves \d+\); files SHA-256 [0-9a-f]{64}$/);
    await b.screenshot(page, 'order-slice');

    // Alice's earnings say the sale was a slice and what her capture delivered of it; Bob, whose drive was not in it,
    // has no sale at all.
    for (const [email, expected] of [
      ['alice@example.com', 'a slice: yours 4.577 km of its 4.577 km of track'],
      ['bob@example.com', 'No sales yet.'],
    ] as const) {
      const contributor = await b.newPage();
      await contributor.goto('/contribute');
      await contributor.getByLabel('Email').fill(email);
      await contributor.getByLabel('Password').fill('a-long-password');
      await contributor.getByRole('button', { name: 'Sign in', exact: true }).click();
      await contributor.getByRole('button', { name: 'Refresh earnings' }).waitFor();
      for (const deadline = Date.now() + 30_000; ;) {
        await contributor.getByRole('button', { name: 'Refresh earnings' }).click();
        await contributor.waitForLoadState('networkidle');
        const text = (await contributor.locator('.earnings, #earnings, section').filter({ hasText: /sale/i }).allTextContents()).join(' ');
        if (text.includes(expected)) break;
        if (Date.now() > deadline) throw new Error(`${email}'s earnings do not say "${expected}": ${text.slice(0, 500)}`);
        await new Promise((resolve) => setTimeout(resolve, 500));
      }
      if (email === 'alice@example.com') await b.screenshot(contributor, 'earnings-slice');
      await contributor.close();
    }
    expect(b.pageErrors).toEqual([]);
  }, 180_000);
});
