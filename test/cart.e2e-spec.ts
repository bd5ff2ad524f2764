import { afterAll, beforeAll, expect, it } from '@jest/globals';
import type { CartResponse, CheckoutResponse } from '../src/checkout/dto/cart.dto.js';
import type { CertificateResponse, DownloadsResponse } from '../src/checkout/dto/fulfilment.response.js';
import type { OrderResponse } from '../src/checkout/dto/order.response.js';
import type { ReceiptResponse } from '../src/checkout/dto/receipt.response.js';
import { type LicenceCertificate, verifyCertificate } from '../src/checkout/licence-certificate.js';
import type { ErrorBody } from '../src/common/errors/error-body.js';
import type { CaptureResponse } from '../src/ingestion/dto/capture.response.js';
import type { QuoteResponse } from '../src/quotes/dto/quote.response.js';
import type { SplitResponse } from '../src/revenue/dto/split.response.js';
import { readFileSync } from 'node:fs';
import { readyCapture } from './support/captures.js';
import { type PublishedDataset, auth, deliverStripeEvent, listCurated, publishDataset, signUp, startStripeTestApp } from './support/checkout.js';
import { FakeStripe } from './support/fake-stripe.js';
import { describeWithSamples, samplePath } from './support/samples.js';
import type { TestApp } from './support/test-app.js';

/**
 * Issue 13, part 3, through HTTP: a buyer puts two whole datasets of two sellers and a slice (Lake Cerknica, per km)
 * in the cart and pays once by USDC (embedded ledger); another pays a cart by card (one Stripe Checkout Session, a line
 * item per order). Each line is its own order with its licence, version, files, certificate and split; a line taken
 * down between checkout and payment is refunded exactly its share; expired quotes, foreign lines, exclusive slices and
 * removed datasets are refused with a code and nothing stored; a version the buyer already holds goes in (and is bought
 * again) only when the line says so (allowRepeat), as a single order.
 */
describeWithSamples('cart: several sellers, whole and sliced, paid once (e2e)', ['cerknicko-jezero.gpx', 'bu353s4.log'], () => {
  const stripe = new FakeStripe();
  let t: TestApp;
  let admin: string;
  let alice: string;
  let bob: string;
  let aliceId: string;
  let bobId: string;
  let gpx: CaptureResponse;
  let sliced: string;
  let wholeA: PublishedDataset;
  let wholeB: PublishedDataset;
  const lake = { bbox: [14.3, 45.7, 14.5, 45.8] };

  const addLine = (token: string, body: Record<string, unknown>) => t.http().post('/v1/cart/lines').set(auth(token)).send(body);
  const cartOf = async (token: string) => (await t.http().get('/v1/cart').set(auth(token)).expect(200)).body as CartResponse;
  const checkout = (token: string, paymentMethod: 'solana' | 'card') => t.http().post('/v1/cart/checkout').set(auth(token)).send({ paymentMethod });
  const quoteLake = async (token: string) =>
    (await t.http().post('/v1/quotes').set(auth(token)).send({ datasetId: sliced, area: lake, unit: 'km' }).expect(201)).body as QuoteResponse;
  const splitOf = async (orderId: string) => (await t.http().get(`/v1/orders/${orderId}/split`).set(auth(admin)).expect(200)).body as SplitResponse;
  const count = async (table: string) => Number((await t.sql<{ n: string }>(`SELECT count(*) AS n FROM ${table}`))[0].n);
  const codeOf = (body: unknown) => (body as ErrorBody).code;

  /**
   * A new buyer's checkout of Alice's dataset and a new one of Bob's, which an admin takes down after checkout, before
   * the payment.
   */
  const checkoutTakenDown = async (email: string, method: 'solana' | 'card', line: { title: string; priceUsdCents: number; seed: number }) => {
    const buyer = await signUp(t, email, 'buyer');
    const extra = await publishDataset(t, { contributor: bob, admin }, { ...line, licenceSlug: 'commercial-ai-training' });
    await addLine(buyer, { datasetId: wholeA.datasetId }).expect(201);
    await addLine(buyer, { datasetId: extra.datasetId }).expect(201);
    const placed = (await checkout(buyer, method).expect(201)).body as CheckoutResponse;
    await t.http().post(`/v1/admin/datasets/${extra.datasetId}/takedown`).set(auth(admin)).send({ reason: 'Rights dispute' }).expect(200);
    return { buyer, extra, placed };
  };

  beforeAll(async () => {
    ({ t, admin } = await startStripeTestApp(stripe));
    alice = await signUp(t, 'alice@cart.test', 'contributor');
    bob = await signUp(t, 'bob@cart.test', 'contributor');
    [{ id: aliceId }] = await t.sql<{ id: string }>(`SELECT id FROM users WHERE email = 'alice@cart.test'`);
    [{ id: bobId }] = await t.sql<{ id: string }>(`SELECT id FROM users WHERE email = 'bob@cart.test'`);
    gpx = await readyCapture(t, alice, readFileSync(samplePath('cerknicko-jezero.gpx')), 'cerknicko-jezero.gpx');
    const nmea = await readyCapture(t, bob, readFileSync(samplePath('bu353s4.log')), 'bu353s4.log');
    sliced = await listCurated(t, admin, {
      title: 'Lake Cerknica and a New Zealand drive',
      captureIds: [gpx.id, nmea.id],
      unitPrices: { perKmUsdCents: 150, minimumUsdCents: 50 },
      contributors: [alice, bob],
    });
    wholeA = await publishDataset(
      t,
      { contributor: alice, admin },
      { title: "Alice's drives", licenceSlug: 'commercial-ai-training', priceUsdCents: 1_999, seed: 21 },
    );
    wholeB = await publishDataset(
      t,
      { contributor: bob, admin },
      { title: "Bob's drives", licenceSlug: 'commercial-no-resale', priceUsdCents: 2_500, seed: 22 },
    );
  }, 300_000);

  afterAll(async () => {
    await t.close();
    await stripe.stop();
  });

  it("pays two sellers' datasets and a slice with one USDC transfer: each line its own order, files, certificate and split", async () => {
    const buyer = await signUp(t, 'usdc@cart.test', 'buyer');
    const lakeQuote = await quoteLake(buyer);
    await addLine(buyer, { datasetId: wholeA.datasetId }).expect(201);
    await addLine(buyer, { datasetId: wholeB.datasetId }).expect(201);
    const cart = (await addLine(buyer, { datasetId: sliced, quoteId: lakeQuote.id }).expect(201)).body as CartResponse;
    expect(cart).toMatchObject({ totalUsdCents: 1_999 + 2_500 + lakeQuote.priceUsdCents, payable: true });
    expect(cart.lines.map((line) => [line.datasetTitle, line.version, line.licence?.slug, line.priceUsdCents, line.quote?.captures ?? null])).toEqual(
      [
        ["Alice's drives", 1, 'commercial-ai-training', 1_999, null],
        ["Bob's drives", 1, 'commercial-no-resale', 2_500, null],
        ['Lake Cerknica and a New Zealand drive', 1, 'commercial-ai-training', lakeQuote.priceUsdCents, 1],
      ],
    );
    expect((await t.http().get('/v1/cart/count').set(auth(buyer)).expect(200)).body).toEqual({ count: 3 });

    const placed = (await checkout(buyer, 'solana').expect(201)).body as CheckoutResponse;
    const total = 1_999 + 2_500 + lakeQuote.priceUsdCents;
    expect(placed).toMatchObject({ priceUsdCents: total, amount: { minor: total * 10_000, currency: 'USDC' } });
    expect(placed.orders).toHaveLength(3);
    expect(placed.solanaPay?.url).toContain(`checkout%3A${placed.id}`);
    expect((await cartOf(buyer)).lines).toEqual([]);

    await t.http().post('/v1/dev/solana/pay').send({ url: placed.solanaPay?.url }).expect(200);
    const paid = (await t.http().post(`/v1/checkouts/${placed.id}/confirm-solana`).set(auth(buyer)).send({}).expect(200)).body as CheckoutResponse;
    expect(paid.orders.map((order) => order.status)).toEqual(['paid', 'paid', 'paid']);
    expect(paid.solanaPay).toBeUndefined();

    const byDataset = new Map(paid.orders.map((order) => [order.datasetId, order]));
    const sliceOrder = byDataset.get(sliced);
    const aOrder = byDataset.get(wholeA.datasetId);
    const bOrder = byDataset.get(wholeB.datasetId);
    if (!sliceOrder || !aOrder || !bOrder) throw new Error('one order per line');
    // Each order keeps its own licence snapshot, version, slice and amount, and names its checkout.
    expect(aOrder).toMatchObject({
      licence: { slug: 'commercial-ai-training' },
      version: 1,
      slice: null,
      amount: { minor: 19_990_000 },
      checkoutId: placed.id,
    });
    expect(bOrder).toMatchObject({ licence: { slug: 'commercial-no-resale' }, amount: { minor: 25_000_000 }, checkoutId: placed.id });
    expect(sliceOrder).toMatchObject({ slice: { quoteId: lakeQuote.id, captures: 1 }, priceUsdCents: lakeQuote.priceUsdCents });

    // The slice delivers exactly the lake's capture, with a certificate naming the slice.
    const downloads = (await t.http().get(`/v1/orders/${sliceOrder.id}/downloads`).set(auth(buyer)).expect(200)).body as DownloadsResponse;
    expect(downloads.files).toHaveLength(1);
    const certificate = (await t.http().get(`/v1/orders/${sliceOrder.id}/certificate`).set(auth(buyer)).expect(200)).body as CertificateResponse;
    expect(verifyCertificate(certificate)).toBe(true);
    expect((JSON.parse(certificate.payload) as LicenceCertificate).slice?.quoteId).toBe(lakeQuote.id);

    // Splits: Alice's dataset pays Alice, Bob's pays Bob, the lake slice only Alice (whose GPX it delivers).
    const payees = async (orderId: string) =>
      (await splitOf(orderId)).rows.filter((row) => row.role === 'contributor' && BigInt(row.amount) > 0n).map((row) => row.payee);
    expect(await payees(aOrder.id)).toEqual([aliceId]);
    expect(await payees(bOrder.id)).toEqual([bobId]);
    expect(await payees(sliceOrder.id)).toEqual([aliceId]);

    // Each order's receipt is its own line; the checkout lists them all.
    const receipt = (await t.http().get(`/v1/orders/${bOrder.id}/receipt`).set(auth(buyer)).expect(200)).body as ReceiptResponse;
    expect(JSON.stringify(receipt)).toContain("Bob's drives");
    const again = (await t.http().get(`/v1/checkouts/${placed.id}`).set(auth(buyer)).expect(200)).body as CheckoutResponse;
    expect(again.orders.map((order) => order.id).sort()).toEqual(paid.orders.map((order) => order.id).sort());
  });

  it('pays a cart by card: one Checkout Session with a line item per order, the signed webhook pays every order', async () => {
    const buyer = await signUp(t, 'card@cart.test', 'buyer');
    await addLine(buyer, { datasetId: wholeA.datasetId }).expect(201);
    await addLine(buyer, { datasetId: wholeB.datasetId }).expect(201);
    const placed = (await checkout(buyer, 'card').expect(201)).body as CheckoutResponse;
    if (!placed.stripe) throw new Error('a card checkout has a Checkout Session');
    const created = stripe.requests.filter((request) => request.path === '/v1/checkout/sessions').at(-1);
    expect(created?.form).toMatchObject({
      'line_items[0][price_data][unit_amount]': '1999',
      'line_items[1][price_data][unit_amount]': '2500',
      'metadata[checkout_id]': placed.id,
    });
    const { payload } = stripe.event('checkout.session.completed', stripe.sessionObject(placed.stripe.sessionId));
    await deliverStripeEvent(t, stripe, payload).expect(200);
    const paid = (await t.http().get(`/v1/checkouts/${placed.id}`).set(auth(buyer)).expect(200)).body as CheckoutResponse;
    expect(paid.orders.map((order) => order.status)).toEqual(['paid', 'paid']);
    const paymentIntent = `pi_${placed.stripe.sessionId.slice(3)}`;
    for (const order of paid.orders) {
      expect(order.payments).toEqual([
        expect.objectContaining({
          kind: 'charge',
          amount: { minor: order.amount.minor, currency: 'USD' },
          reference: paymentIntent,
        }),
      ]);
    }
    // A redelivery changes nothing.
    await deliverStripeEvent(t, stripe, payload).expect(200);
    expect(await t.sql(`SELECT id FROM payments WHERE provider_reference = $1`, [paymentIntent])).toHaveLength(2);
    // The certificate names the payment intent that paid the line.
    const certificate = (await t.http().get(`/v1/orders/${paid.orders[0].id}/certificate`).set(auth(buyer)).expect(200)).body as CertificateResponse;
    expect((JSON.parse(certificate.payload) as LicenceCertificate).payment).toEqual({ method: 'card', reference: paymentIntent });
    // Refunded in full from Stripe's dashboard: every line's share is refunded with it, and its licence revoked.
    const dashboard = stripe.event('charge.refunded', {
      id: 'ch_cart_dashboard',
      object: 'charge',
      payment_intent: paymentIntent,
      refunded: true,
      amount_refunded: 1_999 + 2_500,
      currency: 'usd',
      refunds: { object: 'list', data: [{ id: 're_cart_dashboard', object: 'refund' }] },
    });
    await deliverStripeEvent(t, stripe, dashboard.payload).expect(200);
    const refunded = (await t.http().get(`/v1/checkouts/${placed.id}`).set(auth(buyer)).expect(200)).body as CheckoutResponse;
    for (const order of refunded.orders) {
      expect(order.status).toBe('refunded');
      expect(order.payments.map((payment) => [payment.kind, payment.amount.minor])).toEqual([
        ['charge', order.amount.minor],
        ['refund', order.amount.minor],
      ]);
      await t.http().get(`/v1/orders/${order.id}/downloads`).set(auth(buyer)).expect(410);
    }
  });

  it('by card, refunds each share against the one payment intent: a line taken down before payment, then another by an admin', async () => {
    const { buyer, extra, placed } = await checkoutTakenDown('card-refunds@cart.test', 'card', {
      title: 'Taken down before the card payment',
      priceUsdCents: 3_000,
      seed: 25,
    });
    if (!placed.stripe) throw new Error('a card checkout has a Checkout Session');
    const paymentIntent = `pi_${placed.stripe.sessionId.slice(3)}`;
    const { payload } = stripe.event('checkout.session.completed', stripe.sessionObject(placed.stripe.sessionId));
    await deliverStripeEvent(t, stripe, payload).expect(200);
    const orderOf = async (datasetId: string) => {
      const current = (await t.http().get(`/v1/checkouts/${placed.id}`).set(auth(buyer)).expect(200)).body as CheckoutResponse;
      const found = current.orders.find((order) => order.datasetId === datasetId);
      if (!found) throw new Error(`no order of ${datasetId}`);
      return found;
    };
    const sent = async (datasetId: string) => {
      for (let i = 0; i < 100; i += 1) {
        const order = await orderOf(datasetId);
        if (order.refunds.length > 0 && order.refunds.every((refund) => refund.status === 'sent')) return order;
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
      throw new Error(`the refunds of the order of ${datasetId} were not sent`);
    };
    expect((await orderOf(wholeA.datasetId)).status).toBe('paid');
    expect((await sent(extra.datasetId)).status).toBe('refunded');
    await t
      .http()
      .post(`/v1/admin/orders/${(await orderOf(wholeA.datasetId)).id}/refund`)
      .set(auth(admin))
      .send({ reason: 'Asked for it' })
      .expect(200);
    expect((await sent(wholeA.datasetId)).status).toBe('refunded');
    // Two refunds of the one payment intent, each exactly its line's share (the first, larger one is not taken for the second).
    const refunds = stripe.requests.filter((request) => request.path === '/v1/refunds' && request.form.payment_intent === paymentIntent);
    expect(refunds.map((request) => request.form.amount).sort()).toEqual(['1999', '3000']);
  });

  it('refunds by USDC exactly the share of a line taken down between checkout and payment; the other line is paid', async () => {
    const { buyer, extra, placed } = await checkoutTakenDown('takedown@cart.test', 'solana', {
      title: 'Soon taken down',
      priceUsdCents: 700,
      seed: 23,
    });
    await t.http().post('/v1/dev/solana/pay').send({ url: placed.solanaPay?.url }).expect(200);
    const after = (await t.http().post(`/v1/checkouts/${placed.id}/confirm-solana`).set(auth(buyer)).send({}).expect(200)).body as CheckoutResponse;
    const gone = after.orders.find((order) => order.datasetId === extra.datasetId);
    const kept = after.orders.find((order) => order.datasetId === wholeA.datasetId);
    expect(kept?.status).toBe('paid');
    expect(gone).toMatchObject({
      status: 'refunded',
      statusReason: expect.stringContaining('taken down or unlisted after checkout'),
      refunds: [expect.objectContaining({ amount: { minor: 7_000_000, currency: 'USDC' } })],
    });
    // The refund job sends it back to the paying wallet.
    const refundedOrder = async () =>
      (
        await t
          .http()
          .get(`/v1/orders/${gone?.id ?? ''}`)
          .set(auth(buyer))
          .expect(200)
      ).body as OrderResponse;
    for (let i = 0; i < 100 && (await refundedOrder()).refunds[0]?.status !== 'sent'; i += 1)
      await new Promise((resolve) => setTimeout(resolve, 200));
    expect((await refundedOrder()).payments.map((payment) => [payment.kind, payment.amount.minor])).toEqual([
      ['charge', 7_000_000],
      ['refund', 7_000_000],
    ]);
    const downloads = await t
      .http()
      .get(`/v1/orders/${gone?.id ?? ''}/downloads`)
      .set(auth(buyer));
    expect(downloads.status).toBeGreaterThanOrEqual(400);
  });

  it('refuses an expired quote, a foreign line, an exclusive slice and a removed dataset, with a code, storing nothing', async () => {
    const buyer = await signUp(t, 'bad@cart.test', 'buyer');
    const stranger = await signUp(t, 'stranger@cart.test', 'buyer');

    // An expired quote: the cart says so, and checkout refuses the whole cart.
    const lakeQuote = await quoteLake(buyer);
    await addLine(buyer, { datasetId: wholeB.datasetId }).expect(201);
    await addLine(buyer, { datasetId: sliced, quoteId: lakeQuote.id }).expect(201);
    // Ten minutes pass: the quote's row is immutable, so its trigger steps aside for this one change of the clock's effect.
    await t.sql(`ALTER TABLE quotes DISABLE TRIGGER quotes_immutable`);
    await t.sql(`UPDATE quotes SET created_at = now() - interval '11 minutes', expires_at = now() - interval '1 minute' WHERE id = $1`, [
      lakeQuote.id,
    ]);
    await t.sql(`ALTER TABLE quotes ENABLE TRIGGER quotes_immutable`);
    const stale = await cartOf(buyer);
    expect(stale.payable).toBe(false);
    expect(stale.lines[1]).toMatchObject({ quote: { id: lakeQuote.id, expired: true }, problem: expect.stringContaining('quote expired') });
    const [orders, checkouts] = [await count('orders'), await count('cart_checkouts')];
    const expired = await checkout(buyer, 'solana');
    expect(expired.status).toBeGreaterThanOrEqual(400);
    expect(expired.status).toBeLessThan(500);
    expect(codeOf(expired.body)).toBe('QUOTE_EXPIRED');
    expect([await count('orders'), await count('cart_checkouts')]).toEqual([orders, checkouts]);
    expect((await cartOf(buyer)).lines).toHaveLength(2);

    // A foreign line is as unknown as a missing one; the owner removes it.
    const foreign = await t.http().delete(`/v1/cart/lines/${stale.lines[1].id}`).set(auth(stranger)).expect(404);
    expect(codeOf(foreign.body)).toBe('CHECKOUT_CART_LINE_NOT_FOUND');
    await t.http().delete(`/v1/cart/lines/${stale.lines[1].id}`).set(auth(buyer)).expect(200);
    // A line of one version once: the same again is refused.
    expect(codeOf((await addLine(buyer, { datasetId: wholeB.datasetId }).expect(409)).body)).toBe('CHECKOUT_CART_LINE_EXISTS');

    // An exclusive licence is only sold whole: no slice quote, and another dataset's quote is no slice of it.
    const exclusive = await publishDataset(
      t,
      { contributor: alice, admin },
      { title: 'Exclusive drives', licenceSlug: 'exclusive-commercial', priceUsdCents: 50_000, seed: 24 },
    );
    const slice = await t.http().post('/v1/quotes').set(auth(buyer)).send({ datasetId: exclusive.datasetId, area: lake });
    expect(slice.status).toBe(422);
    expect(codeOf(slice.body)).toBe('QUOTE_EXCLUSIVE_WHOLE_ONLY');
    expect(codeOf((await addLine(buyer, { datasetId: exclusive.datasetId, quoteId: (await quoteLake(buyer)).id }).expect(422)).body)).toBe(
      'CHECKOUT_QUOTE_MISMATCH',
    );

    // A dataset removed after it was added: the cart says so; checkout refuses it; adding it again is refused.
    await t.http().post(`/v1/admin/datasets/${wholeB.datasetId}/takedown`).set(auth(admin)).send({ reason: 'Consent withdrawn' }).expect(200);
    expect((await cartOf(buyer)).lines[0]).toMatchObject({ datasetId: wholeB.datasetId, problem: expect.stringContaining('no longer for sale') });
    const removed = await checkout(buyer, 'solana').expect(404);
    expect(codeOf(removed.body)).toBe('CHECKOUT_DATASET_NOT_FOR_SALE');
    expect([await count('orders'), await count('cart_checkouts')]).toEqual([orders, checkouts]);
    expect(codeOf((await addLine(stranger, { datasetId: wholeB.datasetId }).expect(404)).body)).toBe('CHECKOUT_DATASET_NOT_FOR_SALE');
    await t.http().post(`/v1/admin/datasets/${wholeB.datasetId}/reinstate`).set(auth(admin)).send({ reason: 'Resolved' }).expect(200);
  });

  it("adds a version the buyer already holds only with allowRepeat, and checkout honours each line's answer", async () => {
    const buyer = await signUp(t, 'again@cart.test', 'buyer');
    const order = (datasetId: string) => t.http().post('/v1/orders').set(auth(buyer)).send({ datasetId, paymentMethod: 'solana' }).expect(201);
    const heldA = (await order(wholeA.datasetId)).body as OrderResponse;

    // Without allowRepeat the line is refused, naming the order held, and nothing is stored.
    const refused = await addLine(buyer, { datasetId: wholeA.datasetId }).expect(409);
    expect(refused.body).toMatchObject({ code: 'CHECKOUT_ALREADY_ORDERED', details: { orderId: heldA.id, status: 'pending' } });
    expect((await cartOf(buyer)).lines).toEqual([]);

    // With it, the line goes in and says so; a version not held goes in without it.
    const again = (await addLine(buyer, { datasetId: wholeA.datasetId, allowRepeat: true }).expect(201)).body as CartResponse;
    expect(again.lines.map((line) => [line.datasetId, line.allowRepeat])).toEqual([[wholeA.datasetId, true]]);
    const both = (await addLine(buyer, { datasetId: wholeB.datasetId }).expect(201)).body as CartResponse;
    expect(both.lines.map((line) => [line.datasetId, line.allowRepeat, line.problem])).toEqual([
      [wholeA.datasetId, true, null],
      [wholeB.datasetId, false, null],
    ]);

    // Bob's dataset is ordered on its own meanwhile: its line did not say to buy it again, so checkout refuses the cart.
    const heldB = (await order(wholeB.datasetId)).body as OrderResponse;
    const stale = await cartOf(buyer);
    expect(stale.payable).toBe(false);
    expect(stale.lines.map((line) => line.problem)).toEqual([null, expect.stringContaining(`You already hold order ${heldB.id} (pending)`)]);
    const [orders, checkouts] = [await count('orders'), await count('cart_checkouts')];
    const repeat = await checkout(buyer, 'solana').expect(409);
    expect(repeat.body).toMatchObject({ code: 'CHECKOUT_ALREADY_ORDERED', details: { orderId: heldB.id } });
    expect([await count('orders'), await count('cart_checkouts')]).toEqual([orders, checkouts]);

    // Without that line, the line that said so is bought again: a second order of Alice's version.
    await t.http().delete(`/v1/cart/lines/${both.lines[1].id}`).set(auth(buyer)).expect(200);
    const placed = (await checkout(buyer, 'solana').expect(201)).body as CheckoutResponse;
    expect(placed.orders.map((placedOrder) => [placedOrder.datasetId, placedOrder.version, placedOrder.status])).toEqual([
      [wholeA.datasetId, heldA.version, 'pending'],
    ]);
    expect(placed.orders[0].id).not.toBe(heldA.id);
  });
});
