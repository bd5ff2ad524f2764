import { readFileSync } from 'node:fs';
import { readyCapture } from '../support/captures.js';
import { countIs, startBrowserApp, type BrowserApp } from '../support/browser.js';
import { logIn, publishCaptures, signUp, TEST_ADMIN } from '../support/checkout.js';
import { describeWithSamples, samplePath } from '../support/samples.js';

/**
 * Issue 12 as a buyer sees it, on real files: a dataset of a Slovenian lake walk (GPX) and a New Zealand drive (NMEA),
 * one of an Oregon LiDAR tile (LAZ, State Plane feet). The storefront draws where each dataset's captures really are,
 * searches the map's own view without jumping away, filters by GNSS quality; the dataset page draws every track.
 */
describeWithSamples('footprints on the pages (browser)', ['cerknicko-jezero.gpx', 'bu353s4.log', 'autzen_trim.laz', 'demo3.10o'], () => {
  let b: BrowserApp;
  let mixed: string;
  let survey: string;

  beforeAll(async () => {
    b = await startBrowserApp('footprints', { ADMIN_EMAIL: TEST_ADMIN.email, ADMIN_PASSWORD: TEST_ADMIN.password, AUTH_RATE_LIMIT: '1000' });
    const admin = await logIn(b.t, TEST_ADMIN.email, TEST_ADMIN.password);
    const alice = await signUp(b.t, 'alice@example.com', 'contributor');
    const ready = async (name: string) => (await readyCapture(b.t, alice, readFileSync(samplePath(name)), name)).id;
    const publish = async (title: string, captureIds: string[]) =>
      (
        await publishCaptures(
          b.t,
          { contributor: alice, admin },
          { title, description: 'Real tracks from real files.', licenceSlug: 'commercial-ai-training', priceUsdCents: 25_000, captureIds },
        )
      ).datasetId;
    mixed = await publish('Lake Cerknica walk and a Waikato drive', [await ready('cerknicko-jezero.gpx'), await ready('bu353s4.log')]);
    // A RINEX file whose header's TIME OF LAST OBS lies beyond its last epoch: read, with a warning (issue 15).
    await ready('demo3.10o');
    survey = await publish('Autzen stadium LiDAR', [await ready('autzen_trim.laz')]);
  }, 240_000);

  afterAll(async () => {
    await b.close();
  });

  it('draws real coverage on the storefront, searches the map as it is, and filters by GNSS quality', async () => {
    const page = await b.newPage();
    await page.goto('/');
    const results = page.getByRole('list', { name: 'Search results' });
    await countIs(results.getByRole('listitem'), 2);
    // Each result is drawn by the outline of its cells: two datasets, three places (Slovenia, New Zealand, Oregon).
    // One dot per place, visible at any zoom.
    await countIs(page.locator('.map path.footprint'), 2);
    await countIs(page.locator('.map path.footprint-dot'), 3);
    await page.locator('.map path.footprint-dot').first().waitFor();
    await page.waitForLoadState('networkidle');
    await b.screenshot(page, 'storefront-footprints');

    // Between Slovenia and New Zealand: inside one box around the mixed dataset, but nothing was captured there.
    await page.getByLabel('Area (bbox)').fill('70,-10,80,0');
    await page.getByRole('button', { name: 'Search', exact: true }).click();
    await page.getByText('No datasets match this search').waitFor();

    // A link to an area around Eugene, Oregon: the map shows that area, and only the LiDAR tile is there.
    await page.goto('/?bbox=-123.1,44.03,-123.03,44.08');
    await countIs(results.getByRole('listitem'), 1);
    expect(await results.getByRole('listitem').first().textContent()).toContain('Autzen');
    // "Search this map area" searches the view as it is and keeps it: a second click searches the very same area.
    await page.getByRole('button', { name: 'Search this map area' }).click();
    await page.waitForURL((url) => url.searchParams.get('bbox') !== '-123.1,44.03,-123.03,44.08');
    await countIs(results.getByRole('listitem'), 1);
    const view = await page.getByLabel('Area (bbox)').inputValue();
    const [w, s, e, n] = view.split(',').map(Number);
    expect(w).toBeGreaterThan(-123.3);
    expect(e).toBeLessThan(-122.8);
    expect(s).toBeGreaterThan(43.9);
    expect(n).toBeLessThan(44.2);
    await page.locator('.map path.footprint').first().waitFor();
    await page.getByRole('button', { name: 'Search this map area' }).click();
    await countIs(results.getByRole('listitem'), 1);
    expect(await page.getByLabel('Area (bbox)').inputValue()).toBe(view);
    await b.screenshot(page, 'storefront-map-area');

    // GNSS quality: the NZ drive's median HDOP is 1.1; nothing is RTK fixed.
    await page.getByLabel('Area (bbox)').fill('');
    await page.getByLabel('Median HDOP at most').fill('1.5');
    await page.getByRole('button', { name: 'Search', exact: true }).click();
    // The previous search also showed one result: wait for this one's.
    await page.waitForURL(/[?&]hdop=1\.5/);
    await results.getByRole('listitem').filter({ hasText: 'Lake Cerknica' }).waitFor();
    await countIs(results.getByRole('listitem'), 1);
    await page.getByLabel('Median HDOP at most').fill('');
    await page.getByLabel('RTK fixed at least (%)').fill('90');
    await page.getByRole('button', { name: 'Search', exact: true }).click();
    await page.getByText('No datasets match this search').waitFor();

    // The catalogue coverage layer: cells where data exists.
    await page.getByLabel('RTK fixed at least (%)').fill('');
    await page.getByRole('button', { name: 'Search', exact: true }).click();
    await countIs(results.getByRole('listitem'), 2);
    await page.getByLabel('Show where the catalogue has data').check();
    await page.waitForLoadState('networkidle');
    await page.waitForFunction(`document.querySelectorAll('.map path.coverage-cell').length > 0`);
    await b.screenshot(page, 'storefront-coverage-layer');
    expect(b.pageErrors).toEqual([]);
  });

  it('draws every capture of a dataset on its page, with totals and a row per capture', async () => {
    const page = await b.newPage();
    await page.goto(`/datasets/${mixed}`);
    const table = page.getByRole('table', { name: 'Captures on the map' });
    await countIs(table.locator('tbody tr'), 2);
    expect(await table.textContent()).toContain('cerknicko-jezero.gpx');
    expect(await table.textContent()).toContain('km');
    // Two tracks (Slovenia, New Zealand), with a dot on each part of each (the walk pauses, so it has several).
    // (On the coverage map: the sample previews draw their own tracks in maps of their own.)
    const coverage = page.getByRole('region', { name: 'Coverage map' });
    await countIs(coverage.locator('path.footprint'), 2);
    await coverage.locator('path.footprint-dot').first().waitFor();
    expect(await coverage.locator('path.footprint-dot').count()).toBeGreaterThanOrEqual(2);
    expect(await page.getByText('Track length').count()).toBe(1);
    await page.waitForLoadState('networkidle');
    await b.screenshot(page, 'dataset-tracks');

    await page.goto(`/datasets/${survey}`);
    await countIs(page.getByRole('table', { name: 'Captures on the map' }).locator('tbody tr'), 1);
    expect(await page.getByRole('table', { name: 'Captures on the map' }).textContent()).toContain('polygon');
    await page.waitForLoadState('networkidle');
    await b.screenshot(page, 'dataset-lidar-area');
    expect(b.pageErrors).toEqual([]);
  });

  it('shows the contributor where each capture is, and the warnings of a readable but inconsistent file', async () => {
    const page = await b.newPage();
    await page.goto('/contribute');
    await page.getByLabel('Email').fill('alice@example.com');
    await page.getByLabel('Password').fill('a-long-password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { level: 2, name: 'Upload captures' }).waitFor();
    const row = (name: string) => page.getByRole('row').filter({ hasText: name });
    await row('cerknicko-jezero.gpx')
      .getByText(/km track in \d+ H3 cells/)
      .waitFor();
    expect(await row('bu353s4.log').textContent()).toMatch(/median HDOP 1\.1/);
    expect(await row('autzen_trim.laz').textContent()).toMatch(/km² area in \d+ H3 cells/);
    await row('demo3.10o')
      .getByText(/^Warning: /)
      .first()
      .waitFor();
    await page.waitForLoadState('networkidle');
    await b.screenshot(page, 'contributor-footprints-and-warnings');
    expect(b.pageErrors).toEqual([]);
  });
});
