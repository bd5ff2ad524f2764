import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { OrderPageResponse, OrderResponse } from '../src/checkout/dto/order.response.js';
import type { ReceiptResponse } from '../src/checkout/dto/receipt.response.js';
import type { StripeWebhookResponse } from '../src/checkout/payment-methods/stripe/stripe-webhook.response.js';
import type { ErrorBody } from '../src/common/errors/error-body.js';
import type { OrganisationResponse } from '../src/organisations/dto/organisation.response.js';
import { type PublishedDataset, auth, deliverStripeEvent, publishDataset, signUp, startStripeTestApp } from './support/checkout.js';
import { FakeStripe } from './support/fake-stripe.js';
import type { TestApp } from './support/test-app.js';

const PRICE_CENTS = 1_999;
const PRICE_BASE_UNITS = 19_990_000;

/**
 * A buyer's account through HTTP: their orders and their organisations' orders a page at a time (keyset cursor), one
 * organisation's orders for its members only, and receipts of paid orders with the method, the paying transaction, the
 * tax note and refunds with the transaction that sent them.
 */
describe('buyer account: order pages and receipts (e2e, real PostgreSQL, LiteSVM, the stripe SDK against a local Stripe)', () => {
  const stripe = new FakeStripe();
  let t: TestApp;
  let admin: string;
  let buyer: string;
  let colleague: string;
  let outsider: string;
  let acme: string;
  let dataset: PublishedDataset;
  /** Oldest first: a USDC order (paid, later refunded), a card order for Acme (paid), a pending USDC order. */
  const placed: OrderResponse[] = [];

  const get = (token: string, path: string, query: Record<string, string> = {}) => t.http().get(path).query(query).set(auth(token));
  const page = async (token: string, query: Record<string, string> = {}) =>
    (await get(token, '/v1/orders', query).expect(200)).body as OrderPageResponse;
  const codeOf = (res: { body: unknown }) => (res.body as ErrorBody).code;

  beforeAll(async () => {
    ({ t, admin } = await startStripeTestApp(stripe));
    const alice = await signUp(t, 'alice@example.com', 'contributor');
    buyer = await signUp(t, 'buyer@acme.test', 'buyer');
    colleague = await signUp(t, 'colleague@acme.test', 'buyer');
    outsider = await signUp(t, 'eve@example.com', 'buyer');
    dataset = await publishDataset(
      t,
      { contributor: alice, admin },
      { title: 'Harbour lidar', licenceSlug: 'commercial-ai-training', priceUsdCents: PRICE_CENTS, seed: 21 },
    );
    acme = ((await t.http().post('/v1/organisations').set(auth(buyer)).send({ name: 'Acme Robotics' }).expect(201)).body as OrganisationResponse).id;
    await t.http().post(`/v1/organisations/${acme}/members`).set(auth(buyer)).send({ email: 'colleague@acme.test', role: 'member' }).expect(201);

    const usdc = (await t.http().post('/v1/orders').set(auth(buyer)).send({ datasetId: dataset.datasetId, paymentMethod: 'solana' }).expect(201))
      .body as OrderResponse;
    if (!usdc.solanaPay) throw new Error('no Solana Pay request');
    await t.http().post('/v1/dev/solana/pay').send({ url: usdc.solanaPay.url }).expect(200);
    placed.push((await t.http().post(`/v1/orders/${usdc.id}/confirm-solana`).set(auth(buyer)).send({}).expect(200)).body as OrderResponse);

    const card = (
      await t
        .http()
        .post('/v1/orders')
        .set(auth(buyer))
        .send({ datasetId: dataset.datasetId, paymentMethod: 'card', organisationId: acme })
        .expect(201)
    ).body as OrderResponse;
    if (!card.stripe) throw new Error('no Checkout Session');
    const { payload } = stripe.event('checkout.session.completed', stripe.sessionObject(card.stripe.sessionId));
    expect(((await deliverStripeEvent(t, stripe, payload).expect(200)).body as StripeWebhookResponse).outcome).toBe('paid');
    placed.push((await get(buyer, `/v1/orders/${card.id}`).expect(200)).body as OrderResponse);

    placed.push(
      (
        await t
          .http()
          .post('/v1/orders')
          .set(auth(buyer))
          .send({ datasetId: dataset.datasetId, paymentMethod: 'solana', allowRepeat: true })
          .expect(201)
      ).body as OrderResponse,
    );
  }, 240_000);

  afterAll(async () => {
    await t.close();
    await stripe.stop();
  });

  it("pages through the buyer's own and organisation orders, newest first, with a cursor", async () => {
    const first = await page(buyer, { limit: '2' });
    expect(first.items.map((o) => o.id)).toEqual([placed[2].id, placed[1].id]);
    expect(first.nextCursor).toEqual(expect.any(String));
    const second = await page(buyer, { limit: '2', cursor: first.nextCursor as string });
    expect(second.items.map((o) => o.id)).toEqual([placed[0].id]);
    expect(second.nextCursor).toBeNull();
    expect(first.items[1]).toMatchObject({ organisationId: acme, organisationName: 'Acme Robotics', paymentMethod: 'card', status: 'paid' });
    expect(second.items[0]).toMatchObject({ paymentMethod: 'solana', amount: { minor: PRICE_BASE_UNITS, currency: 'USDC' } });
  });

  it("shows a member the organisation's orders only, and refuses them to anyone outside it", async () => {
    expect((await page(colleague)).items.map((o) => o.id)).toEqual([placed[1].id]);
    expect((await page(colleague, { organisationId: acme })).items.map((o) => o.id)).toEqual([placed[1].id]);
    expect((await page(buyer, { organisationId: acme })).items.map((o) => o.id)).toEqual([placed[1].id]);
    expect((await page(outsider)).items).toEqual([]);
    expect(codeOf(await get(outsider, '/v1/orders', { organisationId: acme }).expect(404))).toBe('CHECKOUT_ORGANISATION_NOT_FOUND');
    // An admin sees every order only when asking for more than their own.
    expect((await page(admin)).items).toEqual([]);
    expect((await page(admin, { mine: 'false' })).items.map((o) => o.id)).toEqual(placed.map((o) => o.id).reverse());
    expect((await page(outsider, { mine: 'false' })).items).toEqual([]);
  });

  it('narrows to the orders of one dataset', async () => {
    expect((await page(buyer, { datasetId: dataset.datasetId })).items.map((o) => o.id)).toEqual(placed.map((o) => o.id).reverse());
    expect((await page(buyer, { datasetId: acme })).items).toEqual([]);
    expect((await page(colleague, { datasetId: dataset.datasetId, organisationId: acme })).items.map((o) => o.id)).toEqual([placed[1].id]);
    await get(buyer, '/v1/orders', { datasetId: 'harbour' }).expect(400);
  });

  it('refuses a made-up cursor and bad paging input with a 400', async () => {
    expect(codeOf(await get(buyer, '/v1/orders', { cursor: 'bm90LWEtY3Vyc29y' }).expect(400))).toBe('VALIDATION_FAILED');
    await get(buyer, '/v1/orders', { limit: '0' }).expect(400);
    await get(buyer, '/v1/orders', { organisationId: 'acme' }).expect(400);
  });

  it('issues a card receipt with the amount in cents, the method, the payment intent and the tax note', async () => {
    const receipt = (await get(colleague, `/v1/orders/${placed[1].id}/receipt`).expect(200)).body as ReceiptResponse;
    const paying = placed[1].payments.find((p) => p.paidOrder);
    expect(receipt).toMatchObject({
      number: `R-${placed[1].id.slice(0, 8).toUpperCase()}`,
      orderId: placed[1].id,
      status: 'paid',
      buyer: { email: 'buyer@acme.test', organisationName: 'Acme Robotics' },
      lines: [
        {
          description: 'Harbour lidar, version 1',
          datasetId: dataset.datasetId,
          licenceName: expect.any(String),
          amount: { minor: PRICE_CENTS, currency: 'USD' },
        },
      ],
      tax: { minor: 0, currency: 'USD' },
      taxNote: expect.stringContaining('No VAT or sales tax'),
      total: { minor: PRICE_CENTS, currency: 'USD' },
      paymentMethod: 'card',
      paymentMethodLabel: 'Card (Stripe Checkout)',
      paymentReference: paying?.reference,
      refunds: [],
      refunded: { minor: 0, currency: 'USD' },
      netPaid: { minor: PRICE_CENTS, currency: 'USD' },
    });
    expect(paying?.reference).toMatch(/^pi_/);
  });

  it('shows a refund on the USDC receipt with the transaction that sent it', async () => {
    await t.http().post(`/v1/admin/orders/${placed[0].id}/refund`).set(auth(admin)).send({ reason: 'Bought by mistake' }).expect(200);
    const receipt = (await get(buyer, `/v1/orders/${placed[0].id}/receipt`).expect(200)).body as ReceiptResponse;
    const refundPayment = receipt.payments.find((p) => p.kind === 'refund');
    expect(receipt).toMatchObject({
      status: 'refunded',
      paymentMethod: 'solana',
      total: { minor: PRICE_BASE_UNITS, currency: 'USDC' },
      priceUsdCents: PRICE_CENTS,
      refunds: [{ amount: { minor: PRICE_BASE_UNITS, currency: 'USDC' }, status: 'sent', reason: expect.stringContaining('Bought by mistake') }],
      refunded: { minor: PRICE_BASE_UNITS, currency: 'USDC' },
      netPaid: { minor: 0, currency: 'USDC' },
    });
    expect(receipt.refunds[0].reference).toBe(refundPayment?.reference);
    expect(receipt.refunds[0].reference).not.toBe(receipt.paymentReference);
    expect(receipt.paymentReference).toBe(placed[0].payments[0].reference);
  });

  it('has no receipt for an unpaid order, and none for anyone who does not hold the order', async () => {
    expect(codeOf(await get(buyer, `/v1/orders/${placed[2].id}/receipt`).expect(409))).toBe('CHECKOUT_ORDER_NOT_PAID');
    expect(codeOf(await get(colleague, `/v1/orders/${placed[0].id}/receipt`).expect(404))).toBe('ORDER_NOT_FOUND');
    expect(codeOf(await get(outsider, `/v1/orders/${placed[1].id}/receipt`).expect(404))).toBe('ORDER_NOT_FOUND');
    await t.http().get(`/v1/orders/${placed[1].id}/receipt`).expect(401);
  });
});
