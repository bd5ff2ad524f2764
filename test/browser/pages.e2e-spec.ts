import { startBrowserApp, type BrowserApp } from '../support/browser.js';

/** The page's document, for callbacks that run in the browser (the Node type library has no DOM). */
declare const document: { activeElement: { textContent: string | null; id: string } | null };

/** Every page loads from this app alone (scripts, styles, Leaflet, the map's base layer), with landmarks and no errors. */
describe('pages (browser)', () => {
  let b: BrowserApp;

  beforeAll(async () => {
    b = await startBrowserApp('pages');
  }, 120_000);

  afterAll(async () => {
    await b?.close();
  });

  it.each([
    ['/', 'Datasets for physical AI'],
    ['/contribute', 'Contributor dashboard'],
    ['/admin', 'Admin console'],
  ])('%s renders its heading, navigation and session bar without errors', async (path, heading) => {
    const page = await b.newPage();
    const external: string[] = [];
    page.on('request', (request) => {
      if (!request.url().startsWith(b.baseUrl) && !request.url().startsWith('data:')) external.push(request.url());
    });
    await page.goto(path);
    await page.getByRole('heading', { level: 1, name: heading }).waitFor();
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Datasets' }).waitFor();
    expect(await page.locator('#session-status').textContent()).toContain('Not signed in');
    await page.waitForLoadState('networkidle');
    await b.screenshot(page, path === '/' ? 'storefront' : path.slice(1));
    expect(external).toEqual([]);
    expect(b.pageErrors).toEqual([]);
  });

  it('serves the map base layer and Leaflet locally', async () => {
    const land = await b.t.http().get('/maps/land.geojson').expect(200);
    expect(land.headers['content-type']).toContain('application/geo+json');
    expect(JSON.parse(land.text).type).toBe('FeatureCollection');
    await b.t.http().get('/vendor/leaflet/leaflet.css').expect(200);
    await b.t
      .http()
      .get('/assets/js/api.js')
      .expect(200)
      .expect('Content-Type', /javascript/);
    await b.t.http().get('/assets/js/no-such-file.js').expect(404);
    await b.t.http().get('/datasets/not-a-uuid').expect(400);
  });

  it('the skip link moves keyboard focus to the main content', async () => {
    const page = await b.newPage();
    await page.goto('/');
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Skip to content');
    await page.keyboard.press('Enter');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('main');
  });
});
