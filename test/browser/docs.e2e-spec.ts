import { join } from 'node:path';
import { SCREENSHOT_DIR, startBrowserApp, type BrowserApp } from '../support/browser.js';

/** /docs shows what an operation answers: the example response Swagger UI builds from the DTOs' examples. */
describe('API explorer (browser)', () => {
  let b: BrowserApp;

  beforeAll(async () => {
    b = await startBrowserApp('docs');
  }, 120_000);

  afterAll(async () => {
    await b.close();
  });

  it('shows an example response for a search and for readiness, with values from this marketplace', async () => {
    const page = await b.newPage();
    await page.goto('/docs');
    const search = page.locator('#operations-datasets-DatasetsController_searchDatasetsByBody');
    await search.locator('.opblock-summary').click();
    const searchExample = search.locator('.responses-wrapper .example.microlight').first();
    await searchExample.waitFor();
    const searchText = (await searchExample.textContent()) ?? '';
    expect(searchText).toContain('"title": "Munich dashcam drives, winter 2026"');
    expect(searchText).toContain('"priceUsdCents": 49900');
    expect(searchText).toContain('"nextCursor": "MjAyNi0xMi0wMlQwOToxNDoyNy41MTIzODRafDA2N2UxODhhLTQyNjQtNDFiMC05N2E4LWVjYzM2MjNmMzQ0Zg"');
    expect(searchText).not.toContain('"string"');
    await b.screenshot(page, 'search-example-response');
    // The whole explorer is one tall page: the operation itself, close up, is what a reader looks at.
    await search.screenshot({ path: join(SCREENSHOT_DIR, 'docs', 'search-operation.png') });

    const ready = page.locator('#operations-health-HealthController_ready');
    await ready.locator('.opblock-summary').click();
    const readyText = (await ready.locator('.responses-wrapper .example.microlight').first().textContent()) ?? '';
    expect(readyText).toContain('"ledger"');
    expect(readyText).toContain('"cluster": "litesvm"');
    expect(b.pageErrors).toEqual([]);
  });

  it('shows each error answer with its own status and code, and Croissant as a whole JSON-LD document', async () => {
    const page = await b.newPage();
    await page.goto('/docs');
    const dataset = page.locator('#operations-datasets-DatasetsController_get');
    await dataset.locator('.opblock-summary').click();
    const notFound = dataset.locator('.responses-wrapper tr.response[data-code="404"] .microlight').first();
    await notFound.waitFor();
    const notFoundText = (await notFound.textContent()) ?? '';
    expect(notFoundText).toContain('"statusCode": 404');
    expect(notFoundText).toContain('"code": "DATASET_NOT_FOUND"');
    const unauthorized = (await dataset.locator('.responses-wrapper tr.response[data-code="401"] .microlight').first().textContent()) ?? '';
    expect(unauthorized).toContain('"statusCode": 401');
    expect(unauthorized).toContain('"code": "AUTH_UNAUTHENTICATED"');
    await dataset.screenshot({ path: join(SCREENSHOT_DIR, 'docs', 'dataset-error-examples.png') });

    const croissant = page.locator('#operations-datasets-DatasetsController_croissant');
    await croissant.locator('.opblock-summary').click();
    const document = croissant.locator('.responses-wrapper tr.response[data-code="200"] .microlight').first();
    await document.waitFor();
    const documentText = (await document.textContent()) ?? '';
    expect(documentText).toContain('"conformsTo": "http://mlcommons.org/croissant/1.1"');
    expect(documentText).toContain('"@type": "cr:FileObject"');
    await croissant.screenshot({ path: join(SCREENSHOT_DIR, 'docs', 'croissant-example.png') });
    expect(b.pageErrors).toEqual([]);
  });
});
