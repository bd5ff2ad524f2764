import { createHash } from 'node:crypto';
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
    await b.close();
  });

  it.each([
    ['/', 'Datasets for physical AI'],
    ['/contribute', 'Contributor dashboard'],
    ['/admin', 'Admin console'],
    ['/account', 'Your account'],
    ['/cart', 'Your cart'],
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

  it('serves the map base layer, the page scripts and their libraries (Leaflet, @noble/hashes, @scure/base) locally', async () => {
    const land = await b.t.http().get('/maps/land.geojson').expect(200);
    expect(land.headers['content-type']).toContain('application/geo+json');
    expect((JSON.parse(land.text) as { type: string }).type).toBe('FeatureCollection');
    await b.t.http().get('/vendor/leaflet/leaflet.css').expect(200);
    for (const path of [
      '/assets/js/api.js',
      '/assets/js/contribute/uploads-section.js',
      '/vendor/leaflet/leaflet-src.esm.js',
      '/vendor/noble-hashes/sha2.js',
      '/vendor/noble-hashes/utils.js',
      '/vendor/scure-base/index.js',
    ]) {
      await b.t
        .http()
        .get(path)
        .expect(200)
        .expect('Content-Type', /javascript/);
    }
    await b.t.http().get('/assets/js/no-such-file.js').expect(404);
    await b.t.http().get('/vendor/noble-hashes/no-such-file.js').expect(404);
    await b.t.http().get('/datasets/not-a-uuid').expect(400);
  });

  it("admits the pages' import map by its hash in the Content-Security-Policy, and no other inline script", async () => {
    const res = await b.t
      .http()
      .get('/contribute')
      .expect(200)
      .expect('Content-Type', /text\/html/);
    const importMap = /<script type="importmap">(.*?)<\/script>/s.exec(res.text)?.[1] ?? '';
    const scriptSrc = /(?:^|;)\s*script-src ([^;]*)/.exec(res.headers['content-security-policy'])?.[1].split(/\s+/);
    expect(scriptSrc).toEqual(["'self'", `'sha256-${createHash('sha256').update(importMap).digest('base64')}'`]);
    // An inline script of any other text is refused: the page reports the violation and the script never runs.
    const page = await b.newPage();
    await page.goto('/contribute');
    await page.getByRole('heading', { level: 2, name: 'Sign in to contribute' }).waitFor();
    const ran = await page.evaluate(`new Promise((resolve) => {
      document.addEventListener('securitypolicyviolation', () => resolve(window.injectedRan === true), { once: true });
      const script = document.createElement('script');
      script.textContent = 'window.injectedRan = true';
      document.body.append(script);
    })`);
    expect(ran).toBe(false);
    expect(b.pageErrors).toEqual([expect.stringContaining('violates the following Content Security Policy directive')]);
    b.pageErrors.length = 0;
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
