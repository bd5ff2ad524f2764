import { verifyCertificate } from '../src/checkout/licence-certificate.js';
import { type PublishedDataset, auth, orderWhen, publishDataset, signUp, startStripeTestApp, sweepExpiredOrdersNow } from './support/checkout.js';
import { FakeStripe } from './support/fake-stripe.js';
import type { TestApp } from './support/test-app.js';

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

  const cardOrder = async (token: string, datasetId = open.datasetId) =>
    (await t.http().post('/v1/orders').set(auth(token)).send({ datasetId, paymentMethod: 'card' }).expect(201)).body;
  /** Posts a webhook as Stripe does: the exact payload bytes with a Stripe-Signature header. */
  const deliver = (payload: string, signature = stripe.sign(payload)) =>
    t.http().post('/v1/webhooks/stripe').set('Content-Type', 'application/json').set('Stripe-Signature', signature).send(payload);
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

  it('opens a Checkout Session for the order amount, then pays and fulfils the order on the signed webhook', async () => {
    const order = await cardOrder(buyer);
    expect(order).toMatchObject({ status: 'pending', paymentMethod: 'card', amount: { minor: PRICE_CENTS, currency: 'USD' }, payments: [] });
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
    const paid = (await t.http().get(`/v1/orders/${order.id}`).set(auth(buyer)).expect(200)).body;
    expect(paid).toMatchObject({
      status: 'paid',
      payments: [{ kind: 'charge', amount: { minor: PRICE_CENTS, currency: 'USD' }, reference: paymentIntentOf(order) }],
    });

    const downloads = await t.http().get(`/v1/orders/${order.id}/downloads`).set(auth(buyer)).expect(200);
    expect(downloads.body.files.map((f: { path: string }) => f.path)).toEqual(open.files.map((f) => f.path));
    const certificate = (await t.http().get(`/v1/orders/${order.id}/certificate`).set(auth(buyer)).expect(200)).body;
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
    expect(answers.filter((res) => !res.body.duplicate)).toHaveLength(1);
    expect(answers.filter((res) => res.body.duplicate).map((res) => res.body.outcome)).toEqual(['paid', 'paid', 'paid', 'paid']);
    // A later redelivery of the same event: a new signature, same id.
    expect((await deliver(event.payload).expect(200)).body).toEqual({ received: true, duplicate: true, outcome: 'paid' });
    // Another event id for the same payment (Stripe sends async_payment_succeeded too) pays nothing twice.
    expect((await deliver(sessionEvent('checkout.session.async_payment_succeeded', order).payload).expect(200)).body.outcome).toBe(
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
    expect(forged.body).toMatchObject({
      code: 'CHECKOUT_WEBHOOK_SIGNATURE_INVALID',
      message: expect.stringContaining('No signatures found matching the expected signature'),
    });
    const tampered = await deliver(event.payload.replace(`"amount_total":${PRICE_CENTS}`, '"amount_total":1'), stripe.sign(event.payload)).expect(
      400,
    );
    expect(tampered.body.code).toBe('CHECKOUT_WEBHOOK_SIGNATURE_INVALID');
    const unsigned = await t.http().post('/v1/webhooks/stripe').set('Content-Type', 'application/json').send(event.payload).expect(400);
    expect(unsigned.body.message).toContain('Stripe-Signature');
    const stale = await deliver(event.payload, stripe.sdkHeaderAt(event.payload, Math.floor(Date.now() / 1000) - 3600)).expect(400);
    expect(stale.body.message).toContain('tolerance');
    expect(await count(`SELECT count(*) AS n FROM stripe_events WHERE event_id = $1`, [event.id])).toBe(0);
    expect((await t.http().get(`/v1/orders/${order.id}`).set(auth(buyer)).expect(200)).body.status).toBe('pending');
  });

  it('never pays an order whose session amount or currency does not match it', async () => {
    const order = await cardOrder(buyer);
    const short = await deliver(sessionEvent('checkout.session.completed', order, { amount_total: 1 }).payload).expect(200);
    expect(short.body.outcome).toBe(`rejected: received 1 USD minor units, the order costs ${PRICE_CENTS}`);
    const euros = await deliver(sessionEvent('checkout.session.completed', order, { currency: 'eur' }).payload).expect(200);
    expect(euros.body.outcome).toBe('rejected: the session was paid in eur, not usd');
    const foreign = await deliver(
      stripe.event('checkout.session.completed', { ...stripe.sessionObject(order.stripe.sessionId), id: 'cs_test_not_ours' }).payload,
    ).expect(200);
    expect(foreign.body.outcome).toContain('does not belong to an order');
    expect((await t.http().get(`/v1/orders/${order.id}`).set(auth(buyer)).expect(200)).body).toMatchObject({
      status: 'pending',
      payments: [],
      lastPaymentError: 'the session was paid in eur, not usd',
    });
  });

  it('stays right whatever order late and repeated events arrive in', async () => {
    // Delayed payment method: completed (unpaid) and async success arrive the wrong way round, then a stray failure.
    const delayed = await cardOrder(buyer);
    expect((await deliver(sessionEvent('checkout.session.async_payment_succeeded', delayed).payload).expect(200)).body.outcome).toBe('paid');
    expect((await deliver(sessionEvent('checkout.session.completed', delayed, { payment_status: 'unpaid' }).payload).expect(200)).body.outcome).toBe(
      'awaiting payment (payment_status unpaid)',
    );
    expect((await deliver(sessionEvent('checkout.session.async_payment_failed', delayed).payload).expect(200)).body.outcome).toBe(
      'unchanged (order is paid)',
    );
    expect((await t.http().get(`/v1/orders/${delayed.id}`).set(auth(buyer)).expect(200)).body).toMatchObject({
      status: 'paid',
      payments: [expect.any(Object)],
    });

    // The async payment fails (order cancelled), then a success arrives anyway: the money goes back.
    const failed = await cardOrder(buyer);
    expect((await deliver(sessionEvent('checkout.session.async_payment_failed', failed).payload).expect(200)).body.outcome).toBe(
      'cancelled: async payment failed',
    );
    expect((await deliver(sessionEvent('checkout.session.async_payment_succeeded', failed).payload).expect(200)).body.outcome).toContain('refunding');
    const returned = await orderWhen(t, buyer, failed.id, (o) => o.payments.length === 2);
    expect(returned).toMatchObject({
      status: 'refunded',
      payments: [{ kind: 'charge' }, { kind: 'refund', amount: { minor: PRICE_CENTS, currency: 'USD' } }],
    });
    expect(stripe.requestsTo('/v1/refunds').find((r) => r.idempotencyKey === `refund:${failed.id}`)?.form).toMatchObject({
      payment_intent: paymentIntentOf(failed),
      amount: String(PRICE_CENTS),
    });
    await t.http().get(`/v1/orders/${failed.id}/downloads`).set(auth(buyer)).expect(410);

    // The order expires, then the payment completes late: honoured.
    const late = await cardOrder(buyer);
    await t.sql(`UPDATE orders SET expires_at = now() WHERE id = $1`, [late.id]);
    await sweepExpiredOrdersNow(t);
    await orderWhen(t, buyer, late.id, (o) => o.status === 'expired');
    expect((await deliver(sessionEvent('checkout.session.completed', late).payload).expect(200)).body.outcome).toBe('paid');
    await t.http().get(`/v1/orders/${late.id}/downloads`).set(auth(buyer)).expect(200);
  });

  it('refunds the second payment for an exclusive licence automatically through Stripe', async () => {
    const [one, two] = await Promise.all(rivals.map((token) => cardOrder(token, exclusive.datasetId)));
    const answers = await Promise.all([
      deliver(sessionEvent('checkout.session.completed', one).payload),
      deliver(sessionEvent('checkout.session.completed', two).payload),
    ]);
    const outcomes = answers.map((res) => res.body.outcome as string);
    expect(outcomes.filter((o) => o === 'paid')).toHaveLength(1);
    expect(outcomes.filter((o) => o.startsWith('refunding: the exclusive licence'))).toHaveLength(1);
    const loserIndex = outcomes.findIndex((o) => o !== 'paid');
    const loser = [one, two][loserIndex];
    const refunded = await orderWhen(t, rivals[loserIndex], loser.id, (o) => o.payments.length === 2);
    expect(refunded).toMatchObject({ status: 'refunded', statusReason: expect.stringContaining('sold to another buyer') });
    expect(stripe.requestsTo('/v1/refunds').filter((r) => r.idempotencyKey === `refund:${loser.id}`)).toHaveLength(1);
    expect(
      (await t.http().post('/v1/orders').set(auth(buyer)).send({ datasetId: exclusive.datasetId, paymentMethod: 'card' }).expect(409)).body.code,
    ).toBe('CHECKOUT_EXCLUSIVE_SOLD');
  });

  it('refunds a card order for an admin through Stripe once; charge.refunded echoes and dashboard refunds are handled', async () => {
    const order = await cardOrder(buyer);
    await deliver(sessionEvent('checkout.session.completed', order).payload).expect(200);
    const refunded = await t.http().post(`/v1/admin/orders/${order.id}/refund`).set(auth(admin)).send({ reason: 'Duplicate purchase' }).expect(200);
    expect(refunded.body).toMatchObject({
      status: 'refunded',
      payments: [{ kind: 'charge' }, { kind: 'refund', reference: expect.stringMatching(/^re_test_/) }],
    });
    await t.http().post(`/v1/admin/orders/${order.id}/refund`).set(auth(admin)).send({ reason: 'Duplicate purchase' }).expect(200);
    const refundCalls = stripe.requestsTo('/v1/refunds').filter((r) => r.idempotencyKey === `refund:${order.id}`);
    expect(refundCalls).toHaveLength(1);
    expect(refundCalls[0].form).toMatchObject({
      payment_intent: paymentIntentOf(order),
      amount: String(PRICE_CENTS),
      'metadata[order_id]': order.id,
    });
    const echo = stripe.event('charge.refunded', {
      id: 'ch_echo',
      object: 'charge',
      payment_intent: paymentIntentOf(order),
      refunded: true,
      amount_refunded: PRICE_CENTS,
      currency: 'usd',
    });
    expect((await deliver(echo.payload).expect(200)).body.outcome).toBe('unchanged (already refunded or not paid)');
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
    expect((await deliver(partial.payload).expect(200)).body.outcome).toBe('ignored: partial refund of 100');
    const dashboard = stripe.event('charge.refunded', {
      id: 'ch_dashboard',
      object: 'charge',
      payment_intent: paymentIntentOf(other),
      refunded: true,
      amount_refunded: PRICE_CENTS,
      currency: 'usd',
      refunds: { object: 'list', data: [{ id: 're_dashboard', object: 'refund' }] },
    });
    expect((await deliver(dashboard.payload).expect(200)).body.outcome).toBe('refunded');
    expect((await t.http().get(`/v1/orders/${other.id}`).set(auth(buyer)).expect(200)).body).toMatchObject({
      status: 'refunded',
      payments: [{ kind: 'charge' }, { kind: 'refund', reference: 're_dashboard' }],
    });
    await t.http().get(`/v1/orders/${other.id}/downloads`).set(auth(buyer)).expect(410);
    expect(stripe.requestsTo('/v1/refunds').filter((r) => r.idempotencyKey === `refund:${other.id}`)).toHaveLength(0);
  });

  it('answers 502 and keeps no order when Stripe is down', async () => {
    const before = await count(`SELECT count(*) AS n FROM orders`, []);
    stripe.failWith = 500;
    try {
      const res = await t.http().post('/v1/orders').set(auth(buyer)).send({ datasetId: open.datasetId, paymentMethod: 'card' }).expect(502);
      expect(res.body).toMatchObject({
        code: 'CHECKOUT_STRIPE_UNAVAILABLE',
        message: expect.stringContaining('Stripe could not open a Checkout Session'),
      });
    } finally {
      stripe.failWith = null;
    }
    expect(await count(`SELECT count(*) AS n FROM orders`, [])).toBe(before);
  });
});
