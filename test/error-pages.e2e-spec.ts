import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { ErrorBody } from '../src/common/errors/error-body.js';
import { startTestApp, type TestApp } from './support/test-app.js';

/** What Chromium sends when a person opens an address. */
const BROWSER_ACCEPT = 'text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8';

describe('error pages (e2e)', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp();
  });

  afterAll(async () => {
    await t.close();
  });

  it.each([
    ['/nope', 404, 'Page not found', 'Cannot GET /nope'],
    ['/datasets/not-a-uuid', 400, 'Bad Request', 'uuid is expected'],
    ['/orders/not-a-uuid', 400, 'Bad Request', 'uuid is expected'],
  ])('answers a browser opening %s an HTML page with status %i in the site layout', async (path, status, heading, reason) => {
    const res = await t.http().get(path).set('Accept', BROWSER_ACCEPT).expect(status);
    expect(res.headers['content-type']).toMatch(/^text\/html/);
    expect(res.text).toContain(`<h1>${heading}</h1>`);
    expect(res.text).toContain(reason);
    expect(res.text).toContain(`HTTP ${String(status)}`);
    expect(res.text).toContain('<nav class="site-nav" aria-label="Main">');
    expect(res.text).not.toContain('<script');
  });

  it('escapes what the address says', async () => {
    const res = await t.http().get('/a&b').set('Accept', BROWSER_ACCEPT).expect(404);
    expect(res.text).toContain('Cannot GET /a&amp;b');
  });

  it('keeps JSON for API clients and for every /v1 route, whatever the Accept header', async () => {
    for (const [path, accept, status] of [
      ['/nope', 'application/json', 404],
      ['/nope', '*/*', 404],
      ['/datasets/not-a-uuid', 'application/json', 400],
      ['/v1/datasets/not-a-uuid', BROWSER_ACCEPT, 400],
      ['/v1/nope', BROWSER_ACCEPT, 404],
    ] as const) {
      const res = await t.http().get(path).set('Accept', accept).expect(status);
      expect([path, accept, res.headers['content-type']]).toEqual([path, accept, expect.stringMatching(/^application\/json/)]);
      expect((res.body as ErrorBody).statusCode).toBe(status);
    }
    const post = await t.http().post('/nope').set('Accept', BROWSER_ACCEPT).expect(404);
    expect(post.headers['content-type']).toMatch(/^application\/json/);
  });
});
