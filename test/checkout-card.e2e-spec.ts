import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { CertificateResponse, DownloadsResponse } from '../src/checkout/dto/fulfilment.response.js';
import type { OrderResponse } from '../src/checkout/dto/order.response.js';
import type { PaymentMethodResponse } from '../src/checkout/dto/payment-method.response.js';
import { verifyCertificate } from '../src/checkout/licence-certificate.js';
import type { StripeCheckoutResponse } from '../src/checkout/payment-methods/stripe/stripe-checkout.response.js';
import type { StripeWebhookResponse } from '../src/checkout/payment-methods/stripe/stripe-webhook.response.js';
import type { ErrorBody } from '../src/common/errors/error-body.js';
import type { Plain } from '../src/common/plain.js';
import {
  type PublishedDataset,
  auth,
  deliverStripeEvent,
  orderWhen,
  publishDataset,
  signUp,
  sweepExpiredOrdersNow,
  startStripeTestApp,
} from './support/checkout.js';
import { FakeStripe } from './support/fake-stripe.js';
import type { TestApp } from './support/test-app.js';

type CardOrder = Plain<OrderResponse> & { stripe: StripeCheckoutResponse };

const PRICE_CENTS = 4_250;

describe('checkout by card through Stripe (e2e, the real stripe SDK against a local Stripe)', () => {
  const stripe = new FakeStripe();
  let t: TestApp;
  let admin: string;
  let alice: string;
  let buyer: string;
  let rivals: string[];
  let open: PublishedDataset;
  let exclusive: PublishedDataset;

  const cardOrder = async (token: string, datasetId = open.datasetId): Promise<CardOrder> => {
    // This suite's buyers order the same version again and again, on purpose.
    const order = (await t.http().post('/v1/orders').set(auth(token)).send({ datasetId, paymentMethod: 'card', allowRepeat: true }).expect(201))
      .body as Plain<OrderResponse>;
    if (!order.stripe) throw new Error(`order ${order.id} has no Checkout Session`);
    return { ...order, stripe: order.stripe };
  };
  const get = async (token: string, id: string) => (await t.http().get(`/v1/orders/${id}`).set(auth(token)).expect(200)).body as OrderResponse;
  const outcomeOf = (res: { body: unknown }) => (res.body as StripeWebhookResponse).outcome;
  const errorOf = (res: { body: unknown }) => res.body as ErrorBody;
  const refundPosts = (paymentIntent: string) => stripe.requestsTo('/v1/refunds').filter((r) => r.form.payment_intent === paymentIntent);
  /** Posts a webhook as Stripe does: the exact payload bytes with a Stripe-Signature header. */
  const deliver = (payload: string, signature?: string) => deliverStripeEvent(t, stripe, payload, signature);
  const sessionEvent = (type: string, order: { stripe: { sessionId: string } }, overrides: Record<string, unknown> = {}) =>
    stripe.event(type, stripe.sessionObject(order.stripe.sessionId, overrides));
  const paymentIntentOf = (order: { stripe: { sessionId: string } }) => `pi_${order.stripe.sessionId.slice(3)}`;
  const count = async (sql: string, params: unknown[]) => Number((await t.sql<{ n: string }>(sql, params))[0].n);

  beforeAll(async () => {
    ({ t, admin } = await startStripeTestApp(stripe));
    alice = await signUp(t, 'alice@example.com', 'contributor');
    buyer = await signUp(t, 'buyer@example.com', 'buyer');
    rivals = [await signUp(t, 'rival-1@example.com', 'buyer'), await signUp(t, 'rival-2@example.com', 'buyer')];
    open = await publishDataset(
      t,
      { contributor: alice, admin },
      { title: 'Munich dashcam telemetry', licenceSlug: 'commercial-ai-training', priceUsdCents: PRICE_CENTS, seed: 3 },
    );
    exclusive = await publishDataset(
      t,
      { contributor: alice, admin },
      { title: 'Exclusive GNSS survey', licenceSlug: 'exclusive-commercial', priceUsdCents: 90_000, seed: 4 },
    );
  }, 120_000);
  afterAll(async () => {
    await t.close();
    await stripe.stop();
  });

  it('says it takes cards once Stripe is configured', async () => {
    const methods = (await t.http().get('/v1/payment-methods').expect(200)).body as PaymentMethodResponse[];
    expect(methods.map(({ method, available }) => [method, available])).toEqual([
      ['card', true],
      ['solana', true],
    ]);
  });

  it('opens a Checkout Session for the order amount, then pays and fulfils the order on the signed webhook', async () => {
    const order = await cardOrder(buyer);
    expect(order).toMatchObject({
      status: 'pending',
      paymentMethod: 'card',
      amount: { minor: PRICE_CENTS, currency: 'USD' },
      payments: [],
      refunds: [],
    });
    expect(order.solanaPay).toBeUndefined();
    const session = stripe.sessions.get(order.stripe.sessionId);
    expect(order.stripe.checkoutUrl).toBe(session?.url);

    const [request] = stripe.requestsTo('/v1/checkout/sessions').slice(-1);
    expect(request).toMatchObject({ method: 'POST', idempotencyKey: `checkout-session:${order.id}`, authorization: 'Bearer sk_test_marketplace' });
    expect(request.form).toMatchObject({
      mode: 'payment',
      'line_items[0][quantity]': '1',
      'payment_intent_data[transfer_group]': order.id,
      'line_items[0][price_data][currency]': 'usd',
      'line_items[0][price_data][unit_amount]': String(PRICE_CENTS),
      'line_items[0][price_data][product_data][name]': 'Munich dashcam telemetry (version 1)',
      'metadata[order_id]': order.id,
      client_reference_id: order.id,
      'payment_intent_data[metadata][order_id]': order.id,
      customer_email: 'buyer@example.com',
      success_url: `http://marketplace.test/orders/${order.id}?checkout=success`,
      cancel_url: `http://marketplace.test/orders/${order.id}?checkout=cancelled`,
    });
    expect(Number(request.form.expires_at)).toBeGreaterThanOrEqual(Math.floor(Date.now() / 1000) + 30 * 60);

    await t.http().get(`/v1/orders/${order.id}/downloads`).set(auth(buyer)).expect(409);
    const { payload } = sessionEvent('checkout.session.completed', order);
    expect((await deliver(payload).expect(200)).body).toEqual({ received: true, duplicate: false, outcome: 'paid' });
    const paid = await get(buyer, order.id);
    expect(paid).toMatchObject({
      status: 'paid',
      payments: [{ kind: 'charge', amount: { minor: PRICE_CENTS, currency: 'USD' }, reference: paymentIntentOf(order), paidOrder: true }],
      refunds: [],
    });

    const downloads = (await t.http().get(`/v1/orders/${order.id}/downloads`).set(auth(buyer)).expect(200)).body as DownloadsResponse;
    expect(downloads.files.map((f) => f.path)).toEqual(open.files.map((f) => f.path));
    const certificate = (await t.http().get(`/v1/orders/${order.id}/certificate`).set(auth(buyer)).expect(200)).body as CertificateResponse;
    expect(verifyCertificate(certificate)).toBe(true);
    expect(JSON.parse(certificate.payload)).toMatchObject({
      price: { amount: String(PRICE_CENTS), currency: 'USD', priceUsdCents: PRICE_CENTS },
      payment: { method: 'card', reference: paymentIntentOf(order) },
      dataset: { merkleRoot: open.merkleRoot },
    });
  });

  it('processes each event id once, also when Stripe delivers it again or several times at once', async () => {
    const order = await cardOrder(buyer);
    const event = sessionEvent('checkout.session.completed', order);
    const answers = await Promise.all(Array.from({ length: 5 }, () => deliver(event.payload).expect(200)));
    const bodies = answers.map((res) => res.body as StripeWebhookResponse);
    expect(bodies.filter((body) => !body.duplicate)).toHaveLength(1);
    expect(bodies.filter((body) => body.duplicate).map((body) => body.outcome)).toEqual(['paid', 'paid', 'paid', 'paid']);
    // A later redelivery of the same event: a new signature, same id.
    expect((await deliver(event.payload).expect(200)).body).toEqual({ received: true, duplicate: true, outcome: 'paid' });
    // Another event id for the same payment (Stripe sends async_payment_succeeded too) pays nothing twice.
    expect(outcomeOf(await deliver(sessionEvent('checkout.session.async_payment_succeeded', order).payload).expect(200))).toBe(
      'unchanged (order is paid)',
    );
    expect(await count(`SELECT count(*) AS n FROM payments WHERE order_id = $1`, [order.id])).toBe(1);
    expect(await count(`SELECT count(*) AS n FROM entitlements WHERE order_id = $1`, [order.id])).toBe(1);
    expect(await count(`SELECT count(*) AS n FROM stripe_events WHERE event_id = $1`, [event.id])).toBe(1);
  });

  it('refuses forged, tampered and unsigned webhooks with 400 and the reason, recording nothing', async () => {
    const order = await cardOrder(buyer);
    const event = sessionEvent('checkout.session.completed', order);
    const forged = await deliver(event.payload, stripe.sign(event.payload, 'whsec_someone_else')).expect(400);
    expect(errorOf(forged)).toMatchObject({
      code: 'CHECKOUT_WEBHOOK_SIGNATURE_INVALID',
      message: expect.stringContaining('No signatures found matching the expected signature'),
    });
    const tampered = await deliver(event.payload.replace(`"amount_total":${PRICE_CENTS}`, '"amount_total":1'), stripe.sign(event.payload)).expect(
      400,
    );
    expect(errorOf(tampered).code).toBe('CHECKOUT_WEBHOOK_SIGNATURE_INVALID');
    const unsigned = await t.http().post('/v1/webhooks/stripe').set('Content-Type', 'application/json').send(event.payload).expect(400);
    expect(errorOf(unsigned).message).toContain('Stripe-Signature');
    const stale = await deliver(event.payload, stripe.sdkHeaderAt(event.payload, Math.floor(Date.now() / 1000) - 3600)).expect(400);
    expect(errorOf(stale).message).toContain('tolerance');
    expect(await count(`SELECT count(*) AS n FROM stripe_events WHERE event_id = $1`, [event.id])).toBe(0);
    expect((await get(buyer, order.id)).status).toBe('pending');
  });

  it('never pays an order with a session of another amount or currency: a short one is recorded and refunded, a foreign one ignored', async () => {
    const order = await cardOrder(buyer);
    const short = await deliver(
      sessionEvent('checkout.session.completed', order, { id: `cs_test_short_${order.id}`, payment_intent: `pi_short_${order.id}`, amount_total: 1 })
        .payload,
    ).expect(200);
    expect(outcomeOf(short)).toBe('refunding: short payment: 0.01 USD arrived, less than the 42.50 USD this order costs; it is being refunded');
    const euros = await deliver(
      sessionEvent('checkout.session.completed', order, { currency: 'eur', payment_intent: `pi_eur_${order.id}` }).payload,
    ).expect(200);
    expect(outcomeOf(euros)).toBe('rejected: the session was paid in eur, not usd');
    const foreign = await deliver(
      stripe.event('checkout.session.completed', {
        ...stripe.sessionObject(order.stripe.sessionId),
        id: 'cs_test_not_ours',
        metadata: { order_id: '00000000-0000-4000-8000-000000000000' },
        client_reference_id: null,
      }).payload,
    ).expect(200);
    expect(outcomeOf(foreign)).toContain('does not belong to an order');
    const returned = await orderWhen(t, buyer, order.id, (o) => o.refunds[0]?.status === 'sent');
    expect(returned).toMatchObject({
      status: 'pending',
      payments: [
        { kind: 'charge', amount: { minor: 1, currency: 'USD' }, reference: `pi_short_${order.id}`, paidOrder: false },
        { kind: 'refund', amount: { minor: 1, currency: 'USD' } },
      ],
      lastPaymentError: 'the session was paid in eur, not usd',
    });
    expect(refundPosts(`pi_short_${order.id}`)).toHaveLength(1);
  });

  it('stays right whatever order late and repeated events arrive in', async () => {
    // Delayed payment method: completed (unpaid) and async success arrive the wrong way round, then a stray failure.
    const delayed = await cardOrder(buyer);
    expect(outcomeOf(await deliver(sessionEvent('checkout.session.async_payment_succeeded', delayed).payload).expect(200))).toBe('paid');
    expect(outcomeOf(await deliver(sessionEvent('checkout.session.completed', delayed, { payment_status: 'unpaid' }).payload).expect(200))).toBe(
      'awaiting payment (payment_status unpaid)',
    );
    expect(outcomeOf(await deliver(sessionEvent('checkout.session.async_payment_failed', delayed).payload).expect(200))).toBe(
      'unchanged (order is paid)',
    );
    expect(await get(buyer, delayed.id)).toMatchObject({
      status: 'paid',
      payments: [expect.any(Object)],
    });

    // The async payment fails (order cancelled), then a success arrives anyway: the money goes back.
    const failed = await cardOrder(buyer);
    expect(outcomeOf(await deliver(sessionEvent('checkout.session.async_payment_failed', failed).payload).expect(200))).toBe(
      'cancelled: async payment failed',
    );
    expect(outcomeOf(await deliver(sessionEvent('checkout.session.async_payment_succeeded', failed).payload).expect(200))).toBe(
      'refunding: the order was cancelled before this payment arrived; it is being refunded',
    );
    const returned = await orderWhen(t, buyer, failed.id, (o) => o.payments.length === 2);
    expect(returned).toMatchObject({
      status: 'refunded',
      payments: [{ kind: 'charge' }, { kind: 'refund', amount: { minor: PRICE_CENTS, currency: 'USD' } }],
    });
    expect(stripe.requestsTo('/v1/refunds').find((r) => r.idempotencyKey === `refund:${returned.refunds[0].id}`)?.form).toMatchObject({
      payment_intent: paymentIntentOf(failed),
      amount: String(PRICE_CENTS),
    });
    await t.http().get(`/v1/orders/${failed.id}/downloads`).set(auth(buyer)).expect(410);

    // The order expires, then the payment completes late: honoured.
    const late = await cardOrder(buyer);
    await t.sql(`UPDATE orders SET expires_at = now() WHERE id = $1`, [late.id]);
    await sweepExpiredOrdersNow(t);
    await orderWhen(t, buyer, late.id, (o) => o.status === 'expired');
    expect(outcomeOf(await deliver(sessionEvent('checkout.session.completed', late).payload).expect(200))).toBe('paid');
    await t.http().get(`/v1/orders/${late.id}/downloads`).set(auth(buyer)).expect(200);
  });

  it('refunds the second payment for an exclusive licence automatically through Stripe', async () => {
    const [one, two] = await Promise.all(rivals.map((token) => cardOrder(token, exclusive.datasetId)));
    const answers = await Promise.all([
      deliver(sessionEvent('checkout.session.completed', one).payload),
      deliver(sessionEvent('checkout.session.completed', two).payload),
    ]);
    const outcomes = answers.map(outcomeOf);
    expect(outcomes.filter((o) => o === 'paid')).toHaveLength(1);
    expect(outcomes.filter((o) => o.startsWith('refunding: the exclusive licence'))).toHaveLength(1);
    const loserIndex = outcomes.findIndex((o) => o !== 'paid');
    const loser = [one, two][loserIndex];
    const refunded = await orderWhen(t, rivals[loserIndex], loser.id, (o) => o.payments.length === 2);
    expect(refunded).toMatchObject({ status: 'refunded', statusReason: expect.stringContaining('sold to another buyer') });
    expect(stripe.requestsTo('/v1/refunds').filter((r) => r.idempotencyKey === `refund:${refunded.refunds[0].id}`)).toHaveLength(1);
    expect(
      errorOf(await t.http().post('/v1/orders').set(auth(buyer)).send({ datasetId: exclusive.datasetId, paymentMethod: 'card' }).expect(409)).code,
    ).toBe('CHECKOUT_EXCLUSIVE_SOLD');
  });

  it('refunds a card order for an admin through Stripe once; charge.refunded echoes and dashboard refunds are handled', async () => {
    const order = await cardOrder(buyer);
    await deliver(sessionEvent('checkout.session.completed', order).payload).expect(200);
    const refunded = (await t.http().post(`/v1/admin/orders/${order.id}/refund`).set(auth(admin)).send({ reason: 'Duplicate purchase' }).expect(200))
      .body as OrderResponse;
    expect(refunded).toMatchObject({
      status: 'refunded',
      payments: [{ kind: 'charge' }, { kind: 'refund', reference: expect.stringMatching(/^re_test_/) }],
      refunds: [{ status: 'sent' }],
    });
    await t.http().post(`/v1/admin/orders/${order.id}/refund`).set(auth(admin)).send({ reason: 'Duplicate purchase' }).expect(200);
    const refundCalls = refundPosts(paymentIntentOf(order));
    expect(refundCalls).toHaveLength(1);
    expect(refundCalls[0]).toMatchObject({
      idempotencyKey: `refund:${refunded.refunds[0].id}`,
      form: { payment_intent: paymentIntentOf(order), amount: String(PRICE_CENTS), 'metadata[order_id]': order.id },
    });
    const echo = stripe.event('charge.refunded', {
      id: 'ch_echo',
      object: 'charge',
      payment_intent: paymentIntentOf(order),
      refunded: true,
      amount_refunded: PRICE_CENTS,
      currency: 'usd',
    });
    expect(outcomeOf(await deliver(echo.payload).expect(200))).toBe('unchanged (already refunded, or being refunded by the marketplace)');
    expect(await count(`SELECT count(*) AS n FROM payments WHERE order_id = $1 AND kind = 'refund'`, [order.id])).toBe(1);

    // Refunded in Stripe's dashboard: the licence is revoked and the refund recorded, with no second refund sent.
    const other = await cardOrder(buyer);
    await deliver(sessionEvent('checkout.session.completed', other).payload).expect(200);
    const partial = stripe.event('charge.refunded', {
      id: 'ch_partial',
      object: 'charge',
      payment_intent: paymentIntentOf(other),
      refunded: false,
      amount_refunded: 100,
      currency: 'usd',
    });
    expect(outcomeOf(await deliver(partial.payload).expect(200))).toBe('ignored: partial refund of 100');
    const dashboard = stripe.event('charge.refunded', {
      id: 'ch_dashboard',
      object: 'charge',
      payment_intent: paymentIntentOf(other),
      refunded: true,
      amount_refunded: PRICE_CENTS,
      currency: 'usd',
      refunds: { object: 'list', data: [{ id: 're_dashboard', object: 'refund' }] },
    });
    expect(outcomeOf(await deliver(dashboard.payload).expect(200))).toBe('refunded');
    expect(await get(buyer, other.id)).toMatchObject({
      status: 'refunded',
      payments: [{ kind: 'charge' }, { kind: 'refund', reference: 're_dashboard' }],
    });
    await t.http().get(`/v1/orders/${other.id}/downloads`).set(auth(buyer)).expect(410);
    expect(refundPosts(paymentIntentOf(other))).toHaveLength(0);
  });

  it('answers 502 and keeps no order when Stripe is down', async () => {
    const before = await count(`SELECT count(*) AS n FROM orders`, []);
    stripe.failWith = 500;
    try {
      const res = await t
        .http()
        .post('/v1/orders')
        .set(auth(buyer))
        .send({ datasetId: open.datasetId, paymentMethod: 'card', allowRepeat: true })
        .expect(502);
      expect(errorOf(res)).toMatchObject({
        code: 'CHECKOUT_STRIPE_UNAVAILABLE',
        message: expect.stringContaining('Stripe could not open a Checkout Session'),
      });
    } finally {
      stripe.failWith = null;
    }
    expect(await count(`SELECT count(*) AS n FROM orders`, [])).toBe(before);
  });
});
