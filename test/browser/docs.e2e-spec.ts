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
    /** Opens the operation and answers the example Swagger UI shows for one of its responses. */
    const exampleOf = async (operation: string, status: number) => {
      const block = page.locator(`#operations-datasets-DatasetsController_${operation}`);
      if (!(await block.locator('.opblock-body').isVisible())) await block.locator('.opblock-summary').click();
      const example = block.locator(`.responses-wrapper tr.response[data-code="${status}"] .microlight`).first();
      await example.waitFor();
      return { block, text: (await example.textContent()) ?? '' };
    };
    const notFound = await exampleOf('get', 404);
    expect(notFound.text).toContain('"statusCode": 404');
    expect(notFound.text).toContain('"code": "DATASET_NOT_FOUND"');
    const unauthorized = await exampleOf('get', 401);
    expect(unauthorized.text).toContain('"statusCode": 401');
    expect(unauthorized.text).toContain('"code": "AUTH_UNAUTHENTICATED"');
    await notFound.block.screenshot({ path: join(SCREENSHOT_DIR, 'docs', 'dataset-error-examples.png') });

    const croissant = await exampleOf('croissant', 200);
    expect(croissant.text).toContain('"conformsTo": "http://mlcommons.org/croissant/1.1"');
    expect(croissant.text).toContain('"@type": "cr:FileObject"');
    await croissant.block.screenshot({ path: join(SCREENSHOT_DIR, 'docs', 'croissant-example.png') });
    expect(b.pageErrors).toEqual([]);
  });
});
