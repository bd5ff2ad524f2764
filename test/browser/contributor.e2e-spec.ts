import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page, Route } from 'playwright-core';
import type { ChainMemoResponse } from '../../src/chain/dto/chain-memo.dto.js';
import type { DatasetListPage } from '../../src/catalog/dto/dataset.response.js';
import type { OrderResponse } from '../../src/checkout/dto/order.response.js';
import type { CapturePageResponse } from '../../src/ingestion/dto/capture.response.js';
import type { SplitResponse } from '../../src/revenue/dto/split.response.js';
import { startBrowserApp, type BrowserApp } from '../support/browser.js';
import { auth, logIn, signUp } from '../support/checkout.js';
import { csvTelemetry } from '../support/fixtures.js';
import { testWallet } from '../support/wallet.js';

const ADMIN = { email: 'root@marketplace.test', password: 'correct-horse-battery' };
const MiB = 1024 * 1024;
const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');
const fixture = (path: string) => ({ name: path.split('/').pop() as string, buffer: readFileSync(new URL(`../fixtures/${path}`, import.meta.url)) });

/** CSV telemetry of at least `bytes`: with 8 MiB parts, 17 MiB makes three parts (8 + 8 + 1). */
function csvOfAtLeast(bytes: number): Buffer {
  const rows = Math.ceil(bytes / 48);
  const csv = csvTelemetry(rows);
  if (csv.length < bytes) throw new Error(`csvTelemetry(${rows}) made only ${csv.length} bytes`);
  return csv;
}

/** The part number a local part URL is signed for: the token is base64url(JSON claim) "." base64url(HMAC). */
function partNumberOf(url: string): number {
  const token = decodeURIComponent(url.split('/v1/storage/local/parts/')[1] ?? '');
  return (JSON.parse(Buffer.from(token.split('.')[0], 'base64url').toString('utf8')) as { partNumber: number }).partNumber;
}

/** What the page keeps in localStorage under `key`, parsed (evaluated as text: the test project has no DOM typings). */
const stored = async <T>(page: Page, key: string): Promise<T> =>
  JSON.parse((await page.evaluate<string | null>(`localStorage.getItem(${JSON.stringify(key)})`)) ?? 'null') as T;
/** How many files the page keeps in IndexedDB for resuming uploads. */
const keptFiles = async (page: Page) =>
  page.evaluate<number>(`new Promise((resolve, reject) => {
    const open = indexedDB.open('marketplace-uploads');
    open.onerror = () => reject(open.error);
    open.onsuccess = () => {
      const count = open.result.transaction('files').objectStore('files').count();
      count.onsuccess = () => resolve(count.result);
      count.onerror = () => reject(count.error);
    };
  })`);
const sessionToken = async (page: Page) => (await stored<{ accessToken: string }>(page, 'marketplace.session')).accessToken;

/**
 * The contributor's journey through /contribute in Chromium against the whole app: wallet and email sign-in, uploads with
 * progress and processing status, a rejection, a resume after reload, a dataset submitted once its declarations are
 * complete, and a sale whose on-chain split record the page verifies. What other people do (the admin's approval, the
 * buyer's USDC payment) is arranged through the API.
 */
describe('contributor journey (browser)', () => {
  let b: BrowserApp;
  const wallet = testWallet();
  let page: Page;
  let datasetTitle: string;

  const uploadItem = (p: Page, name: string) => p.getByRole('list', { name: 'Uploads' }).getByRole('listitem').filter({ hasText: name });
  const captureRow = (p: Page, name: string) => p.getByRole('row').filter({ hasText: name });

  // Large files go to the browser as paths: a buffer travels through the DevTools protocol, which is slow on a busy machine.
  const files = mkdtempSync(join(tmpdir(), 'contributor-journey-'));
  const myCaptures = async (token: string) =>
    ((await b.t.http().get('/v1/captures?mine=true').set(auth(token)).expect(200)).body as CapturePageResponse).items;
  const myDatasets = async (p: Page) =>
    (
      (
        await b.t
          .http()
          .get('/v1/me/datasets')
          .set(auth(await sessionToken(p)))
          .expect(200)
      ).body as DatasetListPage
    ).items;

  beforeAll(async () => {
    b = await startBrowserApp('contributor', { ADMIN_EMAIL: ADMIN.email, ADMIN_PASSWORD: ADMIN.password, AUTH_RATE_LIMIT: '1000' });
    page = await b.newPage({ wallet });
  }, 120_000);

  afterAll(async () => {
    rmSync(files, { recursive: true, force: true });
    await b.close();
  });

  afterEach(() => {
    expect(b.pageErrors).toEqual([]);
  });

  it('signs in with the wallet and uploads a GPX track and an MP4 video: progress reaches 100% and both become ready', async () => {
    await page.goto('/contribute');
    await page.getByRole('heading', { name: 'Sign in to contribute' }).waitFor();
    await b.screenshot(page, 'sign-in');
    await page.getByRole('button', { name: 'Sign in with Solana wallet' }).click();
    await page.getByRole('heading', { level: 2, name: 'Upload captures' }).waitFor();
    expect(await page.locator('#session-status').textContent()).toContain('contributor');

    const files = [fixture('gpx/ride.gpx'), fixture('mp4/testsrc-160x120-1s.mp4')];
    await page.getByLabel('Choose capture files').setInputFiles(files.map((f) => ({ ...f, mimeType: 'application/octet-stream' })));
    for (const [file, kind] of [
      [files[0], 'gnss'],
      [files[1], 'video'],
    ] as const) {
      const item = uploadItem(page, file.name);
      await item.getByText(`Uploaded (100%). Ready: ${kind}`).waitFor({ timeout: 30_000 });
      const bar = item.getByRole('progressbar', { name: `Upload of ${file.name}` });
      expect([await bar.getAttribute('value'), await bar.getAttribute('max')]).toEqual([String(file.buffer.length), String(file.buffer.length)]);
      const row = captureRow(page, file.name);
      await row.getByText('ready', { exact: true }).waitFor();
      expect(await row.textContent()).toContain(sha256(file.buffer).slice(0, 8));
    }
    expect(await captureRow(page, 'ride.gpx').textContent()).toContain('gnss');
    expect(await captureRow(page, 'testsrc-160x120-1s.mp4').textContent()).toMatch(/video.*160×120/);
    await b.screenshot(page, 'uploads-ready');
  }, 90_000);

  it('takes a malformed file dropped on the page and shows its rejection reason', async () => {
    const noise = JSON.stringify([...randomBytes(4096)]);
    const dataTransfer = await page.evaluateHandle(`(() => {
      const transfer = new DataTransfer();
      transfer.items.add(new File([Uint8Array.from(${noise})], 'broken.mp4', { type: 'video/mp4' }));
      return transfer;
    })()`);
    await page.locator('.drop-zone').dispatchEvent('drop', { dataTransfer });
    const item = uploadItem(page, 'broken.mp4');
    await item.getByText(/Uploaded \(100%\)\. Rejected: .+/).waitFor({ timeout: 30_000 });
    const row = captureRow(page, 'broken.mp4');
    await row.getByText('rejected', { exact: true }).waitFor();
    const captures = await myCaptures(await sessionToken(page));
    const rejection = captures.find((c) => c.filename === 'broken.mp4')?.rejection;
    expect(rejection?.code).toBe('unknown_format');
    expect(await row.textContent()).toContain(`unknown_format: ${rejection?.reason}`);
    expect(await item.textContent()).toContain(rejection?.reason ?? 'a reason');
    await b.screenshot(page, 'upload-rejected');
  }, 60_000);

  it('registers by email in another browser and resumes a three-part upload after a reload, sending only the missing parts', async () => {
    const other = await b.newPage();
    await other.goto('/contribute');
    await other.getByText('New here? Create an account').click();
    await other.getByLabel('Email').fill('driver@example.com');
    await other.getByLabel('Password').fill('a-long-password');
    await other.getByRole('button', { name: 'Create account' }).click();
    await other.getByRole('heading', { level: 2, name: 'Upload captures' }).waitFor();
    expect(await other.locator('#session-status').textContent()).toContain('driver@example.com (contributor)');
    const big = csvOfAtLeast(17 * MiB);
    const name = 'long-drive.csv';
    // Part PUTs that reached the server, by part number. Before the reload, parts 2 and 3 are held until the page goes
    // away: the page sends parts in parallel, so both are in flight at once.
    const forwarded = new Map<number, number>();
    let holding = true;
    const held: Route[] = [];
    let bothHeld!: () => void;
    const bothInFlight = new Promise<void>((resolve) => (bothHeld = resolve));
    await other.route('**/v1/storage/local/parts/**', async (route) => {
      const partNumber = partNumberOf(route.request().url());
      if (holding && partNumber >= 2) {
        held.push(route);
        if (held.length === 2) bothHeld();
        return;
      }
      forwarded.set(partNumber, (forwarded.get(partNumber) ?? 0) + 1);
      await route.continue();
    });
    const bigPath = join(files, name);
    writeFileSync(bigPath, big);
    await other.getByLabel('Choose capture files').setInputFiles(bigPath);
    await bothInFlight;
    const item = uploadItem(other, name);
    await item.getByText(/Uploading: .* of 17\.\d MiB \(\d+%\), 1 of 3 parts sent/).waitFor();
    const saved = Object.values(await stored<Record<string, { etags: Record<string, string>; partCount: number }>>(other, 'marketplace.uploads'));
    expect(saved).toEqual([expect.objectContaining({ partCount: 3, etags: { 1: expect.stringMatching(/^"[0-9a-f]{32}"$/) as unknown } })]);
    expect(await keptFiles(other)).toBe(1);
    await b.screenshot(other, 'upload-part-1-sent');

    await other.reload();
    await Promise.all(held.map((route) => route.abort().catch(() => undefined)));
    holding = false;
    await item.getByText(/Interrupted: 1 of 3 parts sent \(4\d%\)\. Resume to send the rest\./).waitFor();
    expect(await item.getByRole('progressbar').getAttribute('value')).toBe(String(8 * MiB));
    await b.screenshot(other, 'upload-interrupted-after-reload');
    await item.getByRole('button', { name: 'Resume' }).click();
    await item.getByText('Uploaded (100%). Ready: telemetry').waitFor({ timeout: 60_000 });
    expect(Object.fromEntries(forwarded)).toEqual({ 1: 1, 2: 1, 3: 1 });

    const token = await sessionToken(other);
    const captures = await myCaptures(token);
    expect(captures).toEqual([expect.objectContaining({ filename: name, status: 'ready', sha256: sha256(big), sizeBytes: big.length })]);
    expect(await stored(other, 'marketplace.uploads')).toEqual({});
    expect(await keptFiles(other)).toBe(0);
    await b.screenshot(other, 'resumed-upload-ready');

    await other.getByLabel('Stripe Connect (card sales in USD)').check();
    await other.getByLabel('Stripe Connect account').fill('acct_1Driver');
    await other.getByRole('button', { name: 'Save payout method' }).click();
    await other.getByText('Saved: payouts go to Stripe account acct_1Driver.').waitFor();
  }, 180_000);

  it('creates a dataset, is told which declarations are missing, completes them and submits', async () => {
    const licences = (await b.t.http().get('/v1/licences').expect(200)).body as { id: string; slug: string; name: string }[];
    const licence = licences.find((l) => l.slug === 'commercial-ai-training');
    datasetTitle = 'Ljubljana ride with dashcam';
    await page.getByRole('button', { name: 'New dataset' }).click();
    const form = page.getByRole('form', { name: 'New dataset' });
    await form.getByLabel('Title').fill(datasetTitle);
    await form.getByLabel('Description').fill('A GPX track around Ljubljana and a short test-pattern video.');
    await form.getByLabel('Tags').fill('gnss, video');
    await form.getByLabel('Include ride.gpx').check();
    await form.getByLabel('Include testsrc-160x120-1s.mp4').check();
    await form.getByLabel('Free preview: ride.gpx').check();
    expect(await form.getByLabel('Include broken.mp4').count()).toBe(0);
    await form.getByLabel('Licence').selectOption({ label: licence?.name });
    await form.getByLabel('Price (USD)').fill('25.50');
    await form.getByLabel('Per km of track (USD)').fill('1.50');
    await form.getByLabel('Minimum per slice (USD)').fill('5');
    await form
      .getByRole('group', { name: /faces and licence plates blurred/ })
      .getByLabel('Yes')
      .check();
    await b.screenshot(page, 'dataset-form');
    await form.getByRole('button', { name: 'Save draft' }).click();

    const card = page.getByRole('article', { name: datasetTitle });
    await card.getByText('Saved as a draft. Complete the declarations before submitting.').waitFor();
    expect(await card.getByRole('listitem').allTextContents()).toEqual(
      expect.arrayContaining([expect.stringMatching(/^ownsRights/), expect.stringMatching(/^identifiablePeople/)]),
    );
    await card.getByRole('button', { name: `Submit ${datasetTitle} for review` }).click();
    const alert = card.getByRole('alert');
    await alert.waitFor();
    expect(await alert.textContent()).toMatch(/Declarations are incomplete: ownsRights: .*identifiablePeople: .*restrictedLocations: /);
    await b.screenshot(page, 'dataset-declarations-missing');

    await card.getByRole('button', { name: `Edit ${datasetTitle}` }).click();
    const edit = page.getByRole('form', { name: `Edit ${datasetTitle}` });
    expect(await edit.getByLabel('Price (USD)').inputValue()).toBe('25.50');
    expect(await edit.getByLabel('Per km of track (USD)').inputValue()).toBe('1.50');
    expect(await edit.getByLabel('Per hour of recording (USD)').inputValue()).toBe('');
    expect(await edit.getByLabel('Minimum per slice (USD)').inputValue()).toBe('5.00');
    await edit.getByLabel('I own this data or may license it').check();
    await edit
      .getByRole('group', { name: /Can people be identified/ })
      .getByLabel('No')
      .check();
    await edit
      .getByRole('group', { name: /restricted locations \(military/ })
      .getByLabel('No')
      .check();
    await edit.getByRole('button', { name: 'Save changes' }).click();
    await card.getByText('Saved. Submit it for review when you are ready.').waitFor();
    expect(await card.textContent()).toContain('You: 100.00% (2 files');
    await card.getByRole('button', { name: `Submit ${datasetTitle} for review` }).click();
    await card.getByText('Submitted: an admin will review it.').waitFor();
    await card.getByText('in review', { exact: true }).waitFor();
    await b.screenshot(page, 'dataset-submitted');

    const mine = await myDatasets(page);
    expect(mine).toHaveLength(1);
    expect(mine[0].draft).toMatchObject({
      state: 'in_review',
      priceUsdCents: 2550,
      unitPrices: { perKmUsdCents: 150, minimumUsdCents: 500 },
      tags: ['gnss', 'video'],
      missingDeclarations: [],
    });
    expect(mine[0].draft?.sampleCaptureIds).toHaveLength(1);
  }, 60_000);

  it('shows the sale in the earnings and verifies the share against the split root recorded on-chain', async () => {
    const admin = await logIn(b.t, ADMIN.email, ADMIN.password);
    const datasetId = (await myDatasets(page))[0].id;
    await b.t.http().post(`/v1/admin/datasets/${datasetId}/approve`).set(auth(admin)).send({}).expect(200);
    // The listing shows the slice prices under the whole price.
    const listing = await page.context().newPage();
    await listing.goto(`/datasets/${datasetId}`);
    await listing.getByText('or $1.50 per km, minimum $5.00 for a slice (area, time window, sensors)').waitFor();
    await listing.close();
    const buyer = await signUp(b.t, 'buyer@example.com', 'buyer');
    const order = (await b.t.http().post('/v1/orders').set(auth(buyer)).send({ datasetId, paymentMethod: 'solana' }).expect(201))
      .body as OrderResponse;
    await b.t.http().post('/v1/dev/solana/pay').send({ url: order.solanaPay?.url }).expect(200);
    await b.t.http().post(`/v1/orders/${order.id}/confirm-solana`).set(auth(buyer)).send({}).expect(200);
    let split: SplitResponse;
    for (const deadline = Date.now() + 30_000; ;) {
      split = (await b.t.http().get(`/v1/orders/${order.id}/split`).set(auth(admin)).expect(200)).body as SplitResponse;
      if (split.txSignature) break;
      if (Date.now() > deadline) throw new Error('the split was not recorded on-chain');
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    const share = split.rows.find((row) => row.role === 'contributor');
    expect(share?.payee).toBe(wallet.address);

    await page.getByRole('button', { name: 'Refresh earnings' }).click();
    const table = page.getByRole('table', { name: 'Your share of every sale' });
    const row = table.getByRole('row').filter({ hasText: 'contributor' });
    await row.waitFor();
    const usdc = BigInt(share?.amount ?? '0');
    const amount = `${usdc / 1_000_000n}${usdc % 1_000_000n ? `.${(usdc % 1_000_000n).toString().padStart(6, '0').replace(/0+$/, '')}` : ''} USDC`;
    expect(await row.textContent()).toContain(amount);
    // The sale names the dataset by its title (and version); the sale's id is the secondary detail.
    expect(await row.getByText(`${datasetTitle} (v1)`, { exact: true }).count()).toBe(1);
    expect(await row.locator('code.hint').getAttribute('title')).toBe(split.id);
    await row.getByRole('button', { name: /Verify on-chain/ }).click();
    await row.getByText(/^verified$/).waitFor();
    expect(await row.getByRole('status').textContent()).toContain(`transaction ${split.txSignature} records`);
    await b.screenshot(page, 'earnings-verified');

    // The check can fail: a memo whose root differs from what the proof folds to is reported, not passed.
    await page.route('**/v1/chain/memos/**', async (route) => {
      const real = await route.fetch();
      const body = (await real.json()) as ChainMemoResponse;
      await route.fulfill({
        response: real,
        json: { cluster: body.cluster, signature: body.signature, memo: body.memo.replace(/:[0-9a-f]{64}$/, `:${'0'.repeat(64)}`) },
      });
    });
    await row.getByRole('button', { name: /Verify on-chain/ }).click();
    await row.getByText(/^not verified$/).waitFor();
    expect(await row.getByRole('status').textContent()).toContain(`the chain records ${'0'.repeat(64)}`);
    await page.unroute('**/v1/chain/memos/**');
    await b.screenshot(page, 'earnings-tampered-memo');
  }, 90_000);

  it('starts the next version of the published dataset, keeping its captures', async () => {
    await page.reload();
    const card = page.getByRole('article', { name: datasetTitle });
    await card.getByText('published', { exact: true }).waitFor();
    await card.getByRole('button', { name: `Start version 2 of ${datasetTitle}` }).click();
    const form = page.getByRole('form', { name: `Version 2 of ${datasetTitle}` });
    expect(await form.getByLabel('Title').inputValue()).toBe(datasetTitle);
    expect(await form.getByLabel('I own this data or may license it').isChecked()).toBe(true);
    await form.getByLabel('Price (USD)').fill('30');
    await form.getByRole('button', { name: 'Save changes' }).click();
    await card.getByText('Saved. Submit it for review when you are ready.').waitFor();
    await card.getByText('draft: editing').waitFor();
    await b.screenshot(page, 'dataset-next-version');
    const mine = await myDatasets(page);
    expect(mine[0]).toMatchObject({
      status: 'published',
      latestVersion: 1,
      draft: { state: 'editing', priceUsdCents: 3000, missingDeclarations: [] },
    });
    expect(mine[0].draft?.captureIds).toHaveLength(2);
  }, 60_000);
});
