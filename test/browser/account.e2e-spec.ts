import type { Page } from 'playwright-core';
import type { UserResponse } from '../../src/auth/dto/user.response.js';
import type { OrderResponse } from '../../src/checkout/dto/order.response.js';
import type { OrganisationResponse } from '../../src/organisations/dto/organisation.response.js';
import { countIs, slowGets, startBrowserApp, type BrowserApp } from '../support/browser.js';
import { type PublishedDataset, auth, logIn, publishDataset, signUp } from '../support/checkout.js';

const ADMIN = { email: 'root@marketplace.test', password: 'correct-horse-battery' };
const PRICE_CENTS = 1_999;

/** The page's own widths, read in the browser (the Node type library has no DOM). */
const overflow = (page: Page) => page.evaluate<number>('document.documentElement.scrollWidth - document.documentElement.clientWidth');

/**
 * A buyer's account page in Chromium against the whole app: their orders and their organisation's (status, method,
 * amounts, refunds, links), a receipt with the paying and the refund transactions, API keys created and revoked, a
 * member added to the organisation, and the dataset link showing "owned" with the repeat-purchase question.
 */
describe('buyer account (browser)', () => {
  let b: BrowserApp;
  let dataset: PublishedDataset;
  let other: PublishedDataset;
  let buyer: string;
  let user: UserResponse;
  let acme: string;
  /** A USDC order of `dataset` (paid), a USDC order of `other` for Acme (paid, then refunded). */
  let owned: OrderResponse;
  let refunded: OrderResponse;

  const payUsdc = async (body: Record<string, unknown>) => {
    const order = (
      await b.t
        .http()
        .post('/v1/orders')
        .set(auth(buyer))
        .send({ paymentMethod: 'solana', ...body })
        .expect(201)
    ).body as OrderResponse;
    if (!order.solanaPay) throw new Error(`order ${order.id} has no Solana Pay request`);
    await b.t.http().post('/v1/dev/solana/pay').send({ url: order.solanaPay.url }).expect(200);
    return (await b.t.http().post(`/v1/orders/${order.id}/confirm-solana`).set(auth(buyer)).send({}).expect(200)).body as OrderResponse;
  };

  /** A page signed in as the buyer (the session the sign-in panel stores). */
  const signedIn = (path: string) => b.signedInPage({ accessToken: buyer, user }, path);

  beforeAll(async () => {
    b = await startBrowserApp('account', { ADMIN_EMAIL: ADMIN.email, ADMIN_PASSWORD: ADMIN.password, AUTH_RATE_LIMIT: '1000' });
    const admin = await logIn(b.t, ADMIN.email, ADMIN.password);
    const alice = await signUp(b.t, 'alice@example.com', 'contributor');
    dataset = await publishDataset(
      b.t,
      { contributor: alice, admin },
      { title: 'Munich dashcam telemetry', licenceSlug: 'commercial-ai-training', priceUsdCents: PRICE_CENTS, seed: 3 },
    );
    other = await publishDataset(
      b.t,
      { contributor: alice, admin },
      { title: 'Harbour survey drive', licenceSlug: 'research-only', priceUsdCents: 250, seed: 5 },
    );
    buyer = await signUp(b.t, 'buyer@acme.test', 'buyer');
    await signUp(b.t, 'colleague@acme.test', 'buyer');
    user = (await b.t.http().get('/v1/auth/me').set(auth(buyer)).expect(200)).body as UserResponse;
    acme = ((await b.t.http().post('/v1/organisations').set(auth(buyer)).send({ name: 'Acme Robotics' }).expect(201)).body as OrganisationResponse)
      .id;
    owned = await payUsdc({ datasetId: dataset.datasetId });
    refunded = await payUsdc({ datasetId: other.datasetId, organisationId: acme });
    await b.t.http().post(`/v1/admin/orders/${refunded.id}/refund`).set(auth(admin)).send({ reason: 'Bought the wrong survey' }).expect(200);
  }, 180_000);

  afterAll(async () => {
    await b.close();
  });

  it('lists the orders with status, method, amounts and refunds, and fits a phone', async () => {
    const page = await signedIn('/account');
    await page.getByRole('heading', { level: 1, name: 'Your account' }).waitFor();
    const orders = page.getByRole('region', { name: 'Orders' });
    await countIs(orders.locator('tbody tr'), 2);
    const ownedRow = orders.locator(`tr[data-order-id="${owned.id}"]`);
    expect(await ownedRow.textContent()).toContain('Munich dashcam telemetry');
    expect(await ownedRow.textContent()).toContain('19.99 USDC');
    expect(await ownedRow.textContent()).toContain('USDC (Solana Pay)');
    expect(await ownedRow.locator('.badge').textContent()).toMatch(/^(paid|fulfilled)$/);
    const refundedRow = orders.locator(`tr[data-order-id="${refunded.id}"]`);
    expect(await refundedRow.textContent()).toContain('Acme Robotics');
    expect(await refundedRow.locator('.badge').textContent()).toBe('refunded');
    expect(await refundedRow.textContent()).toContain('Refund 2.5 USDC sent');
    await page.getByText('2 orders shown.').waitFor();
    // Only Acme's orders.
    await orders.getByLabel('Show').selectOption({ label: 'Only Acme Robotics' });
    await countIs(orders.locator('tbody tr'), 1);
    expect(await orders.locator('tbody tr').getAttribute('data-order-id')).toBe(refunded.id);
    await orders.getByLabel('Show').selectOption({ index: 0 });
    await countIs(orders.locator('tbody tr'), 2);
    await page.waitForLoadState('networkidle');
    await b.screenshot(page, 'account');
    await page.setViewportSize({ width: 390, height: 900 });
    expect(await overflow(page)).toBe(0);
    expect(b.pageErrors).toEqual([]);
  }, 60_000);

  it('pages through the orders with "Load more"', async () => {
    const page = await signedIn('/account');
    const orders = page.getByRole('region', { name: 'Orders' });
    await countIs(orders.locator('tbody tr'), 2);
    // The page asks for 20 at a time; a smaller page proves the cursor is followed.
    await page.route('**/v1/orders?*', (route) => {
      const url = new URL(route.request().url());
      url.searchParams.set('limit', '1');
      return route.continue({ url: url.toString() });
    });
    await page.reload();
    await countIs(orders.locator('tbody tr'), 1);
    expect(await orders.locator('tbody tr').getAttribute('data-order-id')).toBe(refunded.id);
    await orders.getByRole('button', { name: 'Load more' }).click();
    await countIs(orders.locator('tbody tr'), 2);
    expect(await orders.locator('tbody tr').nth(1).getAttribute('data-order-id')).toBe(owned.id);
    await orders.getByRole('button', { name: 'Load more' }).waitFor({ state: 'hidden' });
    expect(b.pageErrors).toEqual([]);
  }, 60_000);

  it('opens a printable receipt with the exact amounts, the paying transaction, the tax note and the refund transaction', async () => {
    const page = await signedIn('/account');
    const row = page.locator(`tr[data-order-id="${refunded.id}"]`);
    await row.getByRole('link', { name: 'Receipt' }).click();
    await page.waitForURL(`**/orders/${refunded.id}/receipt`);
    const receipt = page.getByRole('article', { name: /^Receipt R-/ });
    await receipt.waitFor();
    const text = (await receipt.textContent()) ?? '';
    expect(text).toContain(`R-${refunded.id.slice(0, 8).toUpperCase()}`);
    expect(text).toContain('Harbour survey drive, version 1');
    expect(text).toContain('2.5 USDC');
    expect(text).toContain('list price $2.50');
    expect(text).toContain('0 USDC');
    expect(text).toContain('No VAT or sales tax was charged');
    expect(text).toContain('USDC (Solana Pay)');
    expect(text).toContain('Acme Robotics');
    expect(text).toContain(refunded.payments[0].reference);
    const refunds = receipt.getByRole('region', { name: 'Refunds' });
    expect(await refunds.textContent()).toContain('Bought the wrong survey');
    const refundReference = await refunds.locator('td code.reference').textContent();
    expect(refundReference).toMatch(/^[1-9A-HJ-NP-Za-km-z]{64,88}$/);
    expect(refundReference).not.toBe(refunded.payments[0].reference);
    expect(await receipt.locator('.net').textContent()).toBe('0 USDC');
    await page.waitForLoadState('networkidle');
    await b.screenshot(page, 'receipt');
    // Printed, the site's header and the buttons are left out.
    await page.emulateMedia({ media: 'print' });
    expect(await page.locator('.site-header').isHidden()).toBe(true);
    expect(await page.getByRole('button', { name: 'Print or save as PDF' }).isHidden()).toBe(true);
    await page.emulateMedia({ media: 'screen' });
    // Someone else's order id: the API's 404, said in the page.
    await page.goto(`/orders/${other.datasetId}/receipt`);
    await page.getByRole('alert').filter({ hasText: 'No such order among yours.' }).waitFor();
    expect(b.pageErrors).toEqual([]);
  }, 60_000);

  it('creates an API key (shown once) that works, then revokes it', async () => {
    const page = await signedIn('/account');
    const keys = page.getByRole('region', { name: 'API keys' });
    await keys.getByText('No API keys yet.').waitFor();
    await keys.getByLabel('Key name').fill('training-pipeline');
    // The list of keys answers slowly here: the new key is shown once that list is current, so that a revocation the
    // reader opens next is not wiped by a redraw still on its way.
    const lists = await slowGets(page, '**/v1/api-keys', 1500);
    await keys.getByRole('button', { name: 'Create key' }).click();
    const secret = await keys.getByLabel('New API key').inputValue();
    expect(lists.onTheirWay()).toBe(0);
    await page.unroute('**/v1/api-keys');
    await countIs(keys.locator('tbody tr'), 1);
    expect(await keys.locator('tbody tr').textContent()).toContain('active');
    const listed = (await b.t.http().get('/v1/orders').set('X-API-Key', secret).expect(200)).body as { items: OrderResponse[] };
    expect(listed.items.map((o) => o.id)).toEqual([refunded.id, owned.id]);
    // Revoking asks first, in the page; Cancel leaves the key alone.
    await keys.getByRole('button', { name: 'Revoke training-pipeline' }).click();
    await keys.getByRole('button', { name: 'Cancel' }).click();
    expect(await keys.locator('tbody tr .badge').textContent()).toBe('active');
    await keys.getByRole('button', { name: 'Revoke training-pipeline' }).click();
    await keys
      .getByRole('group', { name: /^Revoke the key "training-pipeline"\?/ })
      .getByRole('button', { name: 'Yes, revoke' })
      .click();
    await keys.locator('tbody tr .badge').filter({ hasText: 'revoked' }).waitFor();
    await b.t.http().get('/v1/orders').set('X-API-Key', secret).expect(401);
    expect(b.pageErrors).toEqual([]);
  }, 60_000);

  it('adds a member to the organisation, who then sees its orders, and removes them again', async () => {
    const page = await signedIn('/account');
    const acmeGroup = page.getByRole('group', { name: 'Acme Robotics' });
    await countIs(acmeGroup.locator('tbody tr'), 1);
    await acmeGroup.getByLabel('Member email').fill('colleague@acme.test');
    await acmeGroup.getByLabel('Role').selectOption('member');
    await acmeGroup.getByRole('button', { name: 'Add member' }).click();
    await countIs(acmeGroup.locator('tbody tr'), 2);
    const colleague = await logIn(b.t, 'colleague@acme.test', 'a-long-password');
    const seen = (await b.t.http().get('/v1/orders').set(auth(colleague)).expect(200)).body as { items: OrderResponse[] };
    expect(seen.items.map((o) => o.id)).toEqual([refunded.id]);
    // An unknown email is the API's clear 4xx, shown beside the button.
    await acmeGroup.getByLabel('Member email').fill('nobody@acme.test');
    await acmeGroup.getByRole('button', { name: 'Add member' }).click();
    await acmeGroup.getByRole('alert').waitFor();
    await b.screenshot(page, 'account-organisation');
    await acmeGroup.getByRole('button', { name: 'Remove colleague@acme.test' }).click();
    await acmeGroup.getByRole('button', { name: 'Yes, remove' }).click();
    await countIs(acmeGroup.locator('tbody tr'), 1);
    await b.t.http().get(`/v1/orders/${refunded.id}`).set(auth(colleague)).expect(404);
    expect(b.pageErrors).toEqual([]);
  }, 60_000);

  it('links to the dataset, which says it is owned and asks before buying it again', async () => {
    const page = await signedIn('/account');
    await page.locator(`tr[data-order-id="${owned.id}"]`).getByRole('link', { name: 'Munich dashcam telemetry' }).click();
    await page.waitForURL(`**/datasets/${dataset.datasetId}`);
    const buy = page.getByRole('complementary', { name: 'Purchase' });
    await buy.locator('.owned .badge').filter({ hasText: 'Owned' }).waitFor();
    expect(await buy.getByRole('link', { name: /^Order of / }).getAttribute('href')).toBe(`/orders/${owned.id}`);
    await buy.getByRole('button', { name: 'Buy again for $19.99' }).click();
    await buy.getByRole('group', { name: 'Confirm buying again' }).waitFor();
    expect(b.pageErrors).toEqual([]);
  }, 60_000);
});
