import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ProvenanceResponse } from '../../src/catalog/dto/provenance.response.js';
import { SCREENSHOT_DIR, countIs, startBrowserApp, type BrowserApp } from '../support/browser.js';
import { readyCapture } from '../support/captures.js';
import { logIn, publishCaptures, publishEdit, signUp, type PublishedDataset } from '../support/checkout.js';
import { validateCroissant } from '../support/croissant-validator.js';
import { describeWithSamples, samplePath } from '../support/samples.js';

/** Globals of the page, for callbacks that run in the browser (the Node type library has no DOM). */
declare const document: {
  documentElement: { scrollWidth: number };
  querySelector(selector: string): { textContent: string | null } | null;
  querySelectorAll(selector: string): { length: number };
};
declare const window: Record<string, unknown>;

const ADMIN = { email: 'root@marketplace.test', password: 'correct-horse-battery' };
const SAMPLES = ['cerknicko-jezero.gpx', 'gpsbabel_iblue747.csv', 'talker.mcap', 'bu353s4.log', 'karma.mp4'] as const;

/** A description with Markdown a contributor would write, and the markup an attacker would try. */
const DESCRIPTION = [
  '## Where and how',
  'Drives around **Lake Cerknica** and a _ROS 2_ talker log; see [the GPX source](https://example.org/gpx) or https://example.org/more.',
  '',
  '- GNSS tracks with fix quality',
  '- CSV and MCAP logs',
  '',
  '<script>window.pwned = 1</script><img src=x onerror="window.pwned = 2">',
  '[click me](javascript:window.pwned=3) and ![pixel](https://tracker.example/p.gif)',
  '',
  '```',
  'ros2 bag info talker.mcap',
  '```',
].join('\n');

/**
 * Issue 14 item 2: the dataset card of a dataset built from real files (a GPX track, a CSV log, an MCAP log, an NMEA log
 * and a GoPro Karma video with its GPMF telemetry), published twice: the Markdown description rendered safely (XSS attempts stay text), the
 * declarations in words, the licence's legal text, the file list from the API, the versions with what changed, the
 * cite / load box, the Croissant JSON-LD in the head, no raw JSON, and a layout that fits 390 px.
 */
describeWithSamples('dataset card (browser)', SAMPLES, () => {
  let b: BrowserApp;
  let published: PublishedDataset;

  beforeAll(async () => {
    b = await startBrowserApp('dataset-card', { ADMIN_EMAIL: ADMIN.email, ADMIN_PASSWORD: ADMIN.password, AUTH_RATE_LIMIT: '1000' });
    const admin = await logIn(b.t, ADMIN.email, ADMIN.password);
    const alice = await signUp(b.t, 'alice@card.test', 'contributor');
    const captureIds: string[] = [];
    for (const name of SAMPLES) captureIds.push((await readyCapture(b.t, alice, readFileSync(samplePath(name)), name)).id);
    const first = await publishCaptures(
      b.t,
      { contributor: alice, admin },
      { title: 'Cerknica drives', description: 'First cut.', licenceSlug: 'commercial-ai-training', priceUsdCents: 9_900, captureIds },
    );
    published = await publishEdit(b.t, { contributor: alice, admin }, first.datasetId, {
      title: 'Cerknica drives and robot logs',
      description: DESCRIPTION,
    });
    const deadline = Date.now() + 30_000;
    for (;;) {
      const provenance = (await b.t.http().get(`/v1/datasets/${published.datasetId}/provenance`).expect(200)).body as ProvenanceResponse;
      if (provenance.versions.every((v) => v.anchor?.status === 'confirmed')) break;
      if (Date.now() > deadline) throw new Error('versions not anchored');
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }, 300_000);

  afterAll(async () => {
    await b.close();
  });

  it('shows the card: safe Markdown, declarations, licence text, files, versions and the cite / load box', async () => {
    const page = await b.newPage();
    const dialogs: string[] = [];
    page.on('dialog', (dialog) => {
      dialogs.push(dialog.message());
      void dialog.dismiss();
    });
    await page.goto(`/datasets/${published.datasetId}`);
    await page.getByRole('heading', { level: 1, name: 'Cerknica drives and robot logs' }).waitFor();

    // Markdown: structure rendered, markup and script left as text, only http(s) links.
    const about = page.getByRole('region', { name: 'About this dataset' });
    await about.getByRole('heading', { level: 3, name: 'Where and how' }).waitFor();
    expect(await about.locator('strong').first().textContent()).toBe('Lake Cerknica');
    await countIs(about.locator('li'), 2);
    expect(await about.getByRole('link', { name: 'the GPX source' }).getAttribute('href')).toBe('https://example.org/gpx');
    expect(await about.getByRole('link', { name: 'https://example.org/more' }).getAttribute('href')).toBe('https://example.org/more');
    await about.getByText('<script>window.pwned = 1</script><img src=x onerror="window.pwned = 2">').waitFor();
    await about.getByText('[click me](javascript:window.pwned=3)', { exact: false }).waitFor();
    expect(await about.locator('script, img, iframe').count()).toBe(0);
    expect(await about.locator('a[href^="javascript"]').count()).toBe(0);
    expect(await about.locator('pre code').textContent()).toBe('ros2 bag info talker.mcap');
    expect(await page.evaluate(() => window.pwned)).toBeUndefined();

    // Declarations in words, and the licence's legal text.
    const declarations = page.getByRole('region', { name: 'What the contributor declares' });
    await declarations.getByText('No identifiable people are in the data, as declared by the contributor.').waitFor();
    await declarations.getByText('Faces and plates blurred').waitFor();
    const licence = page.getByRole('region', { name: /^Licence:/ });
    await licence.getByText('Full legal text').click();
    expect((await licence.locator('.legal-text').textContent())?.length).toBeGreaterThan(100);

    // Files from the API, with sizes, kinds, positions and GNSS quality.
    const files = page.getByRole('region', { name: 'Files' });
    await countIs(files.locator('tbody tr'), SAMPLES.length);
    await files.getByText(`Files 1–${SAMPLES.length} of ${SAMPLES.length}`).waitFor();
    expect(await files.getByRole('button', { name: 'Next' }).isDisabled()).toBe(true);
    const nmeaRow = files.locator('tbody tr', { hasText: 'bu353s4.log' });
    expect(await nmeaRow.locator('td[data-label="GNSS quality"]').textContent()).toMatch(/3D or better over [\d,]+ fixes/);
    expect(await files.locator('tbody tr', { hasText: 'cerknicko-jezero.gpx' }).locator('td[data-label="Position"]').textContent()).toMatch(
      /^track, \d+\.\d\d km$/,
    );

    // Versions and what changed.
    const versions = page.getByRole('region', { name: 'Versions' });
    await versions.getByText('Same files; the listing (title, description, terms or price) changed.').waitFor();
    await versions.getByText('First version.').waitFor();

    // Cite / load: the metadata links, BibTeX from the embedded Croissant, the client line, curl and Python.
    const cite = page.getByRole('region', { name: 'Cite / load this dataset' });
    expect(await cite.getByRole('link', { name: 'Croissant 1.1 (JSON-LD)' }).getAttribute('href')).toBe(
      `/v1/datasets/${published.datasetId}/croissant?version=2`,
    );
    await cite.getByText('npx depai-data-marketplace pull <orderId>').waitFor();
    expect(await cite.locator('pre', { hasText: '@misc{' }).textContent()).toContain('title = {Cerknica drives and robot logs}');
    expect(await cite.locator('pre', { hasText: 'mlcroissant' }).textContent()).toContain('dataset.records(record_set=');
    expect(await cite.locator('pre', { hasText: 'sha256sum -c' }).textContent()).toContain('/downloads');

    // The probe's findings in words (of the samples the version shows): the GoPro telemetry and GPS of the video, the CSV's shape.
    const samples = page.getByRole('region', { name: 'Sample preview' });
    const video = samples.getByRole('listitem').filter({ hasText: 'karma.mp4' });
    expect(await video.locator('dd', { hasText: 'streams:' }).textContent()).toMatch(/^\d+ streams: [A-Z0-9]{4}(, [A-Z0-9]{4})*/);
    expect(await video.locator('dd', { hasText: 'fixes from the' }).textContent()).toBe('47 fixes from the GPRI stream');
    expect(
      await samples.getByRole('listitem').filter({ hasText: 'gpsbabel_iblue747.csv' }).locator('dd', { hasText: 'rows ×' }).textContent(),
    ).toMatch(/^[\d,]+ rows × 12 columns: INDEX, RCR, DATE, TIME, VALID, LATITUDE, …/);

    // No raw JSON or [object Object] anywhere in the page body.
    const text = (await page.locator('main').textContent()) ?? '';
    expect(text).not.toContain('[object Object]');
    expect(text).not.toMatch(/\{"[a-zA-Z]+":/);
    expect(dialogs).toEqual([]);

    await b.screenshot(page, 'dataset-card');
    await page.setViewportSize({ width: 390, height: 900 });
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    // Close-ups of the card's parts on a phone, beside the full-page shots.
    for (const name of ['About this dataset', 'What the contributor declares', 'Files', 'Versions', 'Cite / load this dataset']) {
      await page
        .getByRole('region', { name })
        .screenshot({ path: join(SCREENSHOT_DIR, 'dataset-card', `390-${name.replace(/\W+/g, '-').toLowerCase()}.png`) });
    }
  });

  it("carries the listed version's Croissant in the page head, as the API serves it", async () => {
    const page = await b.newPage();
    await page.goto(`/datasets/${published.datasetId}`);
    const embedded = await page.evaluate(() => document.querySelector('script[type="application/ld+json"]')?.textContent ?? null);
    const doc = JSON.parse(embedded ?? 'null') as Record<string, unknown>;
    expect(validateCroissant(doc)).toEqual([]);
    const api = (await b.t.http().get(`/v1/datasets/${published.datasetId}/croissant`).expect(200)).body as Record<string, unknown>;
    expect(doc).toEqual(api);
    expect(doc.version).toBe('2.0.0');
    // One data block, and the page still runs its one module script.
    expect(await page.evaluate(() => document.querySelectorAll('script[type="application/ld+json"]').length)).toBe(1);
  });
});
