import type { Page } from 'playwright-core';
import type { AuthTokenResponse } from '../../src/auth/dto/user.response.js';
import type { DatasetResponse } from '../../src/catalog/dto/dataset.response.js';
import type { ManifestResponse } from '../../src/catalog/dto/manifest.response.js';
import type { DownloadsResponse } from '../../src/checkout/dto/fulfilment.response.js';
import type { OrderResponse } from '../../src/checkout/dto/order.response.js';
import type { LicenceTemplateResponse } from '../../src/licensing/dto/licence.dto.js';
import type { OrganisationResponse } from '../../src/organisations/dto/organisation.response.js';
import { startBrowserApp, type BrowserApp } from '../support/browser.js';
import { settled, uploadCapture } from '../support/captures.js';
import { auth } from '../support/checkout.js';
import { csvTelemetry, nmeaLog } from '../support/fixtures.js';

const ADMIN = { email: 'root@marketplace.test', password: 'correct-horse-battery' };

/**
 * Text that would be markup, script or a javascript: link if a page put it in as HTML. Every element it would make is
 * marked with class "injected", and anything that runs sets window.__xss.
 */
const hostile = (what: string) =>
  `<b class="injected">${what}</b> <img class="injected" src="x" onerror="window.__xss='${what}'"> <a class="injected" href="javascript:window.__xss='${what}'">link</a>`;
const TITLE = hostile('title');
const DESCRIPTION = `${hostile('description')}\n\n<script>window.__xss='script'</script> javascript:window.__xss='url'`;
const FILENAMES = [`${hostile('file')}.nmea`, `<svg class="injected" onload="window.__xss='svg'">can.csv`];
const NOTE = hostile('note');
const REASON = hostile('reason');
const ORGANISATION = hostile('organisation');
const SECOND_TITLE = `<i class="injected">Second</i> drive`;
const JS_URL = "javascript:window.__xss='network'";

/** What a page would show if user text had been taken as HTML anywhere in it. */
interface Injection {
  marked: number;
  handlers: string[];
  bodyScripts: number;
  javascriptUrls: number;
  ran: unknown;
}

const NONE: Injection = { marked: 0, handlers: [], bodyScripts: 0, javascriptUrls: 0, ran: null };

/** Looks through the whole document (evaluated as text: the test project has no DOM typings). */
const injection = (page: Page) =>
  page.evaluate<Injection>(`(() => {
    const all = [...document.querySelectorAll('*')];
    return {
      marked: document.querySelectorAll('.injected').length,
      handlers: all.flatMap((el) => [...el.attributes].filter((a) => a.name.startsWith('on')).map((a) => el.tagName + ' ' + a.name)),
      bodyScripts: document.querySelectorAll('body script').length,
      javascriptUrls: all.filter((el) => ['href', 'src', 'action', 'formaction'].some((n) => /^\\s*javascript:/i.test(el.getAttribute(n) || ''))).length,
      ran: window.__xss ?? null,
    };
  })()`);

/** The tooltip of the map's first coverage box, as hovering shows it. */
async function mapTooltip(page: Page) {
  await page.locator('.map path.footprint-dot').first().hover({ force: true });
  const tooltip = page.locator('.leaflet-tooltip');
  await tooltip.waitFor();
  return tooltip.textContent();
}

/**
 * Every page renders what people and networks wrote as text: a dataset title, description, capture file names, a
 * restricted-locations note, a reviewer's reason and an organisation name full of HTML, script and javascript: URLs
 * show literally, and no element, handler or link comes of them (issue 17, finding 14: the map tooltip on the dataset
 * page rendered a title as HTML). URLs the API hands the pages (downloads, checkout) are followed only if they are web
 * addresses.
 */
describe('user text on the pages (browser)', () => {
  let b: BrowserApp;
  let admin: AuthTokenResponse;
  let contributor: AuthTokenResponse;
  let buyer: AuthTokenResponse;
  let publishedId: string;
  let orderId: string;

  const register = async (email: string, role: 'buyer' | 'contributor') =>
    (await b.t.http().post('/v1/auth/register').send({ email, password: 'a-long-password', role }).expect(201)).body as AuthTokenResponse;

  /** A page signed in as `who` (the session the sign-in form would store). */
  const signedIn = (who: AuthTokenResponse, path: string) => b.signedInPage({ accessToken: who.accessToken, user: who.user }, path);

  /** A draft of the contributor's hostile captures, submitted for review. */
  const submitted = async (title: string, captureIds: string[]) => {
    const licences = (await b.t.http().get('/v1/licences').expect(200)).body as LicenceTemplateResponse[];
    const licence = licences.find((l) => l.slug === 'commercial-ai-training');
    if (!licence) throw new Error('the commercial-ai-training licence is not seeded');
    const draft = (
      await b.t
        .http()
        .post('/v1/datasets')
        .set(auth(contributor.accessToken))
        .send({
          title,
          description: DESCRIPTION,
          captureIds,
          sampleCaptureIds: captureIds,
          licenceTemplateId: licence.id,
          priceUsdCents: 1500,
          declarations: { ownsRights: true, identifiablePeople: false, piiRedacted: true, restrictedLocations: true, restrictedLocationsNote: NOTE },
        })
        .expect(201)
    ).body as DatasetResponse;
    await b.t.http().post(`/v1/datasets/${draft.id}/submit`).set(auth(contributor.accessToken)).expect(200);
    return draft.id;
  };

  beforeAll(async () => {
    b = await startBrowserApp('user-text', { ADMIN_EMAIL: ADMIN.email, ADMIN_PASSWORD: ADMIN.password, AUTH_RATE_LIMIT: '1000' });
    admin = (await b.t.http().post('/v1/auth/login').send(ADMIN).expect(200)).body as AuthTokenResponse;
    contributor = await register('maker@example.com', 'contributor');
    buyer = await register('buyer@example.com', 'buyer');
    const captureIds: string[] = [];
    for (const [bytes, filename] of [
      [nmeaLog(20), FILENAMES[0]],
      [csvTelemetry(30), FILENAMES[1]],
    ] as const) {
      const id = await uploadCapture(b.t, contributor.accessToken, bytes, { filename });
      expect((await settled(b.t, contributor.accessToken, id)).status).toBe('ready');
      captureIds.push(id);
    }
    // One published and bought (by an organisation), one waiting for review, one sent back with a reason.
    publishedId = await submitted(TITLE, captureIds);
    await b.t.http().post(`/v1/admin/datasets/${publishedId}/approve`).set(auth(admin.accessToken)).send({}).expect(200);
    await submitted(SECOND_TITLE, captureIds);
    const returned = await submitted('Returned drive', captureIds);
    await b.t.http().post(`/v1/admin/datasets/${returned}/request-changes`).set(auth(admin.accessToken)).send({ reason: REASON }).expect(200);
    const organisation = (await b.t.http().post('/v1/organisations').set(auth(buyer.accessToken)).send({ name: ORGANISATION }).expect(201))
      .body as OrganisationResponse;
    const order = (
      await b.t
        .http()
        .post('/v1/orders')
        .set(auth(buyer.accessToken))
        .send({ datasetId: publishedId, paymentMethod: 'solana', organisationId: organisation.id })
        .expect(201)
    ).body as OrderResponse;
    await b.t.http().post('/v1/dev/solana/pay').send({ url: order.solanaPay?.url }).expect(200);
    await b.t.http().post(`/v1/orders/${order.id}/confirm-solana`).set(auth(buyer.accessToken)).send({}).expect(200);
    orderId = order.id;
  }, 180_000);

  afterAll(async () => {
    await b.close();
  });

  afterEach(() => {
    expect(b.pageErrors).toEqual([]);
  });

  it('the storefront shows the title as text, in its result and in its map tooltip', async () => {
    const page = await b.newPage();
    await page.goto('/');
    const result = page.getByRole('list', { name: 'Search results' }).getByRole('listitem');
    await result.getByRole('heading', { level: 3 }).waitFor();
    expect(await result.getByRole('heading', { level: 3 }).textContent()).toBe(TITLE);
    expect(await mapTooltip(page)).toBe(TITLE);
    expect(await injection(page)).toEqual(NONE);
    await b.screenshot(page, 'storefront');
  });

  it('the dataset page shows title, description, file names and the map tooltip as text', async () => {
    const page = await b.newPage();
    await page.goto(`/datasets/${publishedId}`);
    await page.getByRole('heading', { level: 1, name: TITLE }).waitFor();
    expect(await page.title()).toBe(`${TITLE} · DePAI data marketplace`);
    const about = page.getByRole('region', { name: 'About this dataset' });
    // The card renders after the heading (it waits for its own request): read its paragraphs once they are there.
    await about.locator('.prose').first().waitFor();
    expect(await about.locator('.prose').allTextContents()).toEqual(DESCRIPTION.split('\n\n'));
    // The manifest's paths are the file names made into path segments (a / becomes _): shown exactly so.
    const manifest = (await b.t.http().get(`/v1/datasets/${publishedId}/versions/1/manifest`).expect(200)).body as ManifestResponse;
    const samples = await page.getByRole('region', { name: 'Sample preview' }).locator('li.sample .file-name').allTextContents();
    expect(samples.sort()).toEqual(manifest.files.map((f) => f.path).sort());
    expect(samples.some((path) => path.includes('<img class="injected"'))).toBe(true);
    // Each capture's track is labelled with its file's path (and when it starts): a name full of HTML, as text.
    const tooltip = await mapTooltip(page);
    expect(manifest.files.some((f) => tooltip?.startsWith(f.path))).toBe(true);
    expect(tooltip).toContain('<img class="injected"');
    expect(await injection(page)).toEqual(NONE);
    await b.screenshot(page, 'dataset');
  });

  it('the order page shows the organisation and the dataset as text, and links only to web addresses', async () => {
    const page = await signedIn(buyer, '/');
    // The API's download URLs are followed only as web addresses: one answered as javascript: stays unlinked.
    await page.route(`**/v1/orders/${orderId}/downloads`, async (route) => {
      const response = await route.fetch();
      const body = (await response.json()) as DownloadsResponse;
      await route.fulfill({
        response,
        json: {
          files: body.files.map((f, i) => ({
            path: f.path,
            sizeBytes: f.sizeBytes,
            sha256: f.sha256,
            expiresAt: f.expiresAt,
            url: i === 0 ? JS_URL : f.url,
          })),
          withdrawn: body.withdrawn,
        },
      });
    });
    await page.goto(`/orders/${orderId}`);
    await page.getByRole('heading', { level: 1, name: `Order for ${TITLE}` }).waitFor();
    const facts = page.getByRole('region', { name: 'Order' });
    // The heading can come before the facts are filled in: wait for the last of them, then read them all.
    await facts.locator('dd').filter({ hasText: ORGANISATION }).first().waitFor();
    expect(await facts.locator('dd').allTextContents()).toEqual(expect.arrayContaining([`${TITLE} (version 1)`, ORGANISATION]));
    const certificate = page.getByRole('complementary', { name: 'Licence' });
    await certificate.getByRole('button', { name: 'Verify signature' }).waitFor();
    expect(await certificate.locator('dd').allTextContents()).toEqual(
      expect.arrayContaining([`${ORGANISATION} (bought by buyer@example.com)`, `${TITLE}, version 1`]),
    );
    const downloads = page.getByRole('region', { name: 'Downloads' });
    const files = downloads.locator('tbody tr');
    await files.first().waitFor();
    expect(await files.first().locator('a').getAttribute('href')).toBeNull();
    expect(await downloads.getByRole('link').count()).toBe((await files.count()) - 1);
    expect(await injection(page)).toEqual(NONE);
    await b.screenshot(page, 'order');
  });

  it('the account page and the receipt show titles, organisation names and webhook descriptions as text', async () => {
    await b.t
      .http()
      .post('/v1/me/webhooks')
      .set(auth(buyer.accessToken))
      .send({ url: 'https://93.184.216.34/hook', description: hostile('webhook') })
      .expect(201);
    const page = await signedIn(buyer, '/account');
    await page.locator('table.webhooks').getByText(hostile('webhook'), { exact: true }).waitFor();
    const row = page.locator(`tr[data-order-id="${orderId}"]`);
    await row.waitFor();
    expect(await row.getByRole('link', { name: TITLE, exact: true }).count()).toBe(1);
    expect(await row.textContent()).toContain(ORGANISATION);
    await page.getByRole('group', { name: ORGANISATION }).getByRole('heading', { level: 3 }).waitFor();
    expect(await injection(page)).toEqual(NONE);
    await b.screenshot(page, 'account');
    await row.getByRole('link', { name: 'Receipt' }).click();
    const receipt = page.getByRole('article', { name: /^Receipt R-/ });
    await receipt.waitFor();
    expect(await receipt.textContent()).toContain(`${TITLE}, version 1`);
    expect(await receipt.textContent()).toContain(ORGANISATION);
    expect(await injection(page)).toEqual(NONE);
    await b.screenshot(page, 'receipt');
  });

  it('the cart page shows titles as text', async () => {
    await b.t.http().post('/v1/cart/lines').set(auth(buyer.accessToken)).send({ datasetId: publishedId }).expect(201);
    const page = await signedIn(buyer, '/cart');
    const lines = page.getByRole('table', { name: 'The lines of your cart' });
    await lines.getByRole('link', { name: TITLE, exact: true }).waitFor();
    expect(await injection(page)).toEqual(NONE);
    await b.screenshot(page, 'cart');
    await lines.getByRole('button', { name: `Remove ${TITLE} from the cart` }).click();
    await page.getByText('Your cart is empty.').waitFor();
  });

  it('a checkout URL that is not a web address is refused, not opened', async () => {
    const page = await signedIn(buyer, `/datasets/${publishedId}`);
    await page.route('**/v1/orders', async (route) => {
      if (route.request().method() !== 'POST') return route.continue();
      await route.fulfill({ status: 201, json: { id: orderId, status: 'pending', stripe: { checkoutUrl: JS_URL, sessionId: 'cs_test' } } });
    });
    // Stripe is not configured in this app: the page is told it is, so that it offers card checkout.
    await page.route('**/v1/payment-methods', (route) =>
      route.fulfill({ json: [{ method: 'card', label: 'Card (Stripe Checkout)', currency: 'USD', available: true }] }),
    );
    await page.reload();
    const buy = page.getByRole('complementary', { name: 'Purchase' });
    await buy.getByLabel('Card (Stripe Checkout)').check();
    // The buyer's organisation already owns this version (see beforeAll): the page asks before buying again.
    await buy.getByRole('button', { name: /^Buy again for/ }).click();
    await buy.getByRole('button', { name: /^Yes, buy again for/ }).click();
    await buy.getByRole('alert').filter({ hasText: 'not a web address' }).waitFor();
    expect(new URL(page.url()).pathname).toBe(`/datasets/${publishedId}`);
    expect(await injection(page)).toEqual(NONE);
  });

  it('the contributor dashboard shows file names, titles and the reviewer reason as text', async () => {
    const page = await signedIn(contributor, '/contribute');
    const captures = page.getByRole('table', { name: 'Your captures and their processing status' });
    await captures.getByRole('row').nth(2).waitFor();
    const rows = await captures.locator('tbody td:first-child').allTextContents();
    for (const filename of FILENAMES) expect(rows.some((text) => text.startsWith(filename))).toBe(true);
    await page.getByRole('article', { name: 'Returned drive' }).waitFor();
    expect(await page.locator('article .dataset-title').allTextContents()).toEqual(expect.arrayContaining([TITLE, SECOND_TITLE, 'Returned drive']));
    expect(await page.getByRole('article', { name: 'Returned drive' }).locator('.review-reason').textContent()).toBe(`Reviewer: ${REASON}`);
    expect(await injection(page)).toEqual(NONE);
    await b.screenshot(page, 'contribute');
  });

  it('the admin console shows titles, descriptions, file names, notes and reasons as text', async () => {
    const page = await signedIn(admin, '/admin');
    const review = page.getByRole('article', { name: SECOND_TITLE });
    await review.waitFor();
    expect(await review.locator('.prose').allTextContents()).toEqual(DESCRIPTION.split('\n\n'));
    for (const filename of FILENAMES) await review.getByRole('cell', { name: filename, exact: true }).waitFor();
    expect(await review.locator('dd').allTextContents()).toContain(NOTE);
    const audit = page.getByRole('table', { name: 'Audit log, newest first' });
    await audit.getByRole('cell', { name: REASON, exact: true }).waitFor();
    await page.getByRole('table', { name: 'Published and taken-down datasets' }).getByRole('link', { name: TITLE, exact: true }).waitFor();
    expect(await injection(page)).toEqual(NONE);
    await b.screenshot(page, 'admin');
  });
});
