import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { CheckoutResponse } from '../src/checkout/dto/cart.dto.js';
import type { DownloadsResponse } from '../src/checkout/dto/fulfilment.response.js';
import type { ErrorBody } from '../src/common/errors/error-body.js';
import type { WebhookEvent } from '../src/notifications/notification-events.js';
import { verifyWebhookSignature } from '../src/notifications/webhook-signature.js';
import type { SubscriptionResponse } from '../src/subscriptions/dto/subscription.response.js';
import { type SubscriptionInvoiceEventData, SubscriptionBillingService } from '../src/subscriptions/services/subscription-billing.service.js';
import { periodOf } from '../src/subscriptions/subscription-period.js';
import { subscriptionBillingQueue } from '../src/subscriptions/subscriptions.jobs.js';
import { JobsService } from '../src/queue/jobs.service.js';
import { sha256 } from './support/captures.js';
import { auth, deliverStripeEvent, publishEdit, readyCaptures, signUp, startStripeTestApp } from './support/checkout.js';
import { FakeStripe } from './support/fake-stripe.js';
import { nmeaLog } from './support/fixtures.js';
import { NMEA_DISTRICT, listOwnDataset, subscribe, subscriptionOf } from './support/subscriptions.js';
import type { TestApp } from './support/test-app.js';
import { waitFor } from './support/wait-for.js';
import { startReceiver } from './support/webhook-receiver.js';

/**
 * Issue 13, part 7, through HTTP: a buyer subscribes to the GNSS captures of one district; the seller publishes a new
 * version with a new capture there and one elsewhere; the month's billing run places one invoice (a cart checkout),
 * the buyer hears of it by a signed webhook and by e-mail with its payment link, pays it by USDC (embedded ledger), and
 * the order delivers exactly the new capture in the district. The next run bills nothing.
 */
describe('area subscriptions: monthly invoices of new captures (e2e)', () => {
  const stripe = new FakeStripe();
  let t: TestApp;
  let admin: string;
  let seller: string;
  let buyer: string;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  let datasetId: string;
  let first: string[];
  /** Version 2's new drive and telemetry (the first test lists them). */
  let second: string[] = [];

  const codeOf = (body: unknown) => (body as ErrorBody).code;
  const run = (period: string) => t.app.get(SubscriptionBillingService).runPeriod(period);

  beforeAll(async () => {
    receiver = await startReceiver();
    ({ t, admin } = await startStripeTestApp(stripe, { WEBHOOKS_ALLOW_LOOPBACK: 'true' }));
    seller = await signUp(t, 'seller@subscriptions.test', 'contributor');
    buyer = await signUp(t, 'buyer@subscriptions.test', 'buyer');
    // Seed 1: a GNSS drive in the district and CAN telemetry in Munich.
    first = await readyCaptures(t, seller, 1);
    datasetId = await listOwnDataset(t, { contributor: seller, admin }, { title: 'Monthly drives', captureIds: first });
  }, 300_000);
  afterAll(async () => {
    await t.close();
    await stripe.stop();
    await new Promise((resolve) => receiver.server.close(resolve));
  });

  it('invoices the new capture in the district once, delivers exactly it when paid by USDC, and bills nothing the month after', async () => {
    const endpoint = await t
      .http()
      .post('/v1/me/webhooks')
      .set(auth(buyer))
      .send({ url: `${receiver.base}/invoices`, events: ['subscription.invoice'] })
      .expect(201);
    const secret = (endpoint.body as { secret: string }).secret;
    const created = await subscribe(t, buyer, { area: NMEA_DISTRICT, modalities: ['gnss'], paymentMethod: 'solana', monthlyCapUsdCents: 5_000 });
    // The drive already for sale in the district is not new: it is never billed.
    expect(created).toMatchObject({ status: 'active', datasetId: null, modalities: ['gnss'], baselineCaptures: 1, invoices: [] });

    // Seed 2: a new drive in the district and new telemetry in Munich, in version 2.
    const [newDrive, newTelemetry] = await readyCaptures(t, seller, 2);
    second = [newDrive, newTelemetry];
    await publishEdit(t, { contributor: seller, admin }, datasetId, { captureIds: [...first, ...second] });

    const period = periodOf(new Date());
    expect(await run(period)).toMatchObject({ invoiced: 1, already: 0 });
    // A second run of the month (a retry, another instance) places nothing more.
    expect(await run(period)).toMatchObject({ invoiced: 0, already: 1 });
    const billed = await subscriptionOf(t, buyer, created.id);
    expect(billed.invoices).toHaveLength(1);
    const [invoice] = billed.invoices;
    expect(invoice).toMatchObject({
      period,
      outcome: 'invoiced',
      paymentStatus: 'pending',
      captures: 1,
      lines: [{ datasetId, version: 2, captures: 1, status: 'pending' }],
      skipped: [],
    });
    if (!invoice.checkoutId) throw new Error('an invoiced month has a checkout');

    // The invoice is a cart checkout of one slice line, priced as a quote prices it.
    const checkout = (await t.http().get(`/v1/checkouts/${invoice.checkoutId}`).set(auth(buyer)).expect(200)).body as CheckoutResponse;
    expect(checkout.priceUsdCents).toBe(invoice.priceUsdCents);
    expect(checkout.orders).toHaveLength(1);
    expect(checkout.orders[0].slice).toMatchObject({ captures: 1, unit: 'km' });
    if (!checkout.solanaPay) throw new Error('a USDC invoice has a Solana Pay request');

    // Told by a signed webhook and by e-mail, both with the payment link.
    const delivered = await waitFor(() => receiver.received.find((request) => request.path === '/invoices'), 'the subscription.invoice webhook');
    expect(verifyWebhookSignature(delivered.body, delivered.headers['depai-signature'] as string, secret)).toBe(true);
    const event = JSON.parse(delivered.body) as WebhookEvent<SubscriptionInvoiceEventData>;
    expect(event).toMatchObject({
      type: 'subscription.invoice',
      data: {
        subscriptionId: created.id,
        period,
        outcome: 'invoiced',
        checkoutId: invoice.checkoutId,
        captures: 1,
        paymentUrl: checkout.solanaPay.url,
      },
    });
    const [mail] = await t.sql<{ subject: string; text_body: string }>(`SELECT subject, text_body FROM email_messages WHERE to_address = $1`, [
      'buyer@subscriptions.test',
    ]);
    expect(mail.subject).toContain(`invoice for ${period}: 1 new capture, $`);
    expect(mail.text_body).toContain(checkout.solanaPay.url);

    // Paid by USDC as any checkout: the order delivers exactly the new drive in the district.
    await t.http().post('/v1/dev/solana/pay').send({ url: checkout.solanaPay.url }).expect(200);
    const paid = (await t.http().post(`/v1/checkouts/${invoice.checkoutId}/confirm-solana`).set(auth(buyer)).send({}).expect(200))
      .body as CheckoutResponse;
    expect(paid.orders.map((order) => order.status)).toEqual(['paid']);
    const downloads = (await t.http().get(`/v1/orders/${paid.orders[0].id}/downloads`).set(auth(buyer)).expect(200)).body as DownloadsResponse;
    expect(downloads.files.map((file) => file.sha256)).toEqual([sha256(nmeaLog(22))]);
    expect((await subscriptionOf(t, buyer, created.id)).invoices[0]).toMatchObject({ paymentStatus: 'paid', lines: [{ status: 'fulfilled' }] });

    // The month after, billed by the job as the schedule sends it: nothing new in the district (the paid drive is
    // delivered, the old one was there before).
    const next = periodOf(new Date(Date.UTC(new Date().getUTCFullYear(), new Date().getUTCMonth() + 1, 1)));
    await t.app.get(JobsService).sendOutsideTransaction(subscriptionBillingQueue, { period: next });
    const after = await waitFor(async () => {
      const current = await subscriptionOf(t, buyer, created.id);
      return current.invoices.length === 2 ? current : undefined;
    }, 'the billing job to record the next month');
    expect(after.invoices.map((each) => [each.period, each.outcome, each.checkoutId])).toEqual([
      [next, 'empty', null],
      [period, 'invoiced', invoice.checkoutId],
    ]);
  }, 180_000);

  it('invoices a card subscription as one Stripe Checkout Session; the signed webhook pays it and it delivers the new drive', async () => {
    const cardBuyer = await signUp(t, 'card@subscriptions.test', 'buyer');
    const subscription = await subscribe(t, cardBuyer, { area: NMEA_DISTRICT, datasetId, paymentMethod: 'card', monthlyCapUsdCents: 5_000 });
    expect(subscription.baselineCaptures).toBe(2);
    const [drive, telemetry] = await readyCaptures(t, seller, 3);
    await publishEdit(t, { contributor: seller, admin }, datasetId, { captureIds: [...first, ...second, drive, telemetry] });
    await run('2031-01');
    const [invoice] = (await subscriptionOf(t, cardBuyer, subscription.id)).invoices;
    expect(invoice).toMatchObject({ period: '2031-01', outcome: 'invoiced', captures: 1, lines: [{ datasetId, version: 3, captures: 1 }] });
    const checkout = (
      await t
        .http()
        .get(`/v1/checkouts/${invoice.checkoutId ?? ''}`)
        .set(auth(cardBuyer))
        .expect(200)
    ).body as CheckoutResponse;
    if (!checkout.stripe) throw new Error('a card invoice has a Checkout Session');
    const session = stripe.requests.filter((request) => request.path === '/v1/checkout/sessions').at(-1);
    expect(session?.form).toMatchObject({
      'line_items[0][price_data][unit_amount]': String(invoice.priceUsdCents),
      'metadata[checkout_id]': checkout.id,
    });
    expect(session?.form['line_items[1][price_data][unit_amount]']).toBeUndefined();
    const { payload } = stripe.event('checkout.session.completed', stripe.sessionObject(checkout.stripe.sessionId));
    await deliverStripeEvent(t, stripe, payload).expect(200);
    const paid = (await t.http().get(`/v1/checkouts/${checkout.id}`).set(auth(cardBuyer)).expect(200)).body as CheckoutResponse;
    expect(paid.orders.map((order) => order.status)).toEqual(['paid']);
    const downloads = (await t.http().get(`/v1/orders/${paid.orders[0].id}/downloads`).set(auth(cardBuyer)).expect(200)).body as DownloadsResponse;
    expect(downloads.files.map((file) => file.sha256)).toEqual([sha256(nmeaLog(23))]);
  }, 180_000);

  it('answers a foreign or unknown id as not found, a malformed area with a 400 code, and cancels idempotently', async () => {
    const mine = await subscribe(t, buyer, { area: { cells: ['881e15b2b1fffff'] }, paymentMethod: 'solana', monthlyCapUsdCents: 1_000 });
    const stranger = await signUp(t, 'stranger@subscriptions.test', 'buyer');
    const foreign = await t.http().get(`/v1/me/subscriptions/${mine.id}`).set(auth(stranger)).expect(404);
    const unknown = await t.http().get('/v1/me/subscriptions/00000000-0000-4000-8000-000000000000').set(auth(stranger)).expect(404);
    expect([codeOf(foreign.body), codeOf(unknown.body)]).toEqual(['SUBSCRIPTION_NOT_FOUND', 'SUBSCRIPTION_NOT_FOUND']);
    expect(codeOf((await t.http().post(`/v1/me/subscriptions/${mine.id}/cancel`).set(auth(stranger)).expect(404)).body)).toBe(
      'SUBSCRIPTION_NOT_FOUND',
    );
    expect(((await t.http().get('/v1/me/subscriptions').set(auth(stranger)).expect(200)).body as unknown[]).length).toBe(0);

    const bad = (area: unknown) =>
      t.http().post('/v1/me/subscriptions').set(auth(buyer)).send({ area, paymentMethod: 'solana', monthlyCapUsdCents: 1_000 });
    const selfCrossing = {
      polygon: {
        type: 'Polygon',
        coordinates: [
          [
            [14, 46],
            [14.1, 46.1],
            [14.1, 46],
            [14, 46.1],
            [14, 46],
          ],
        ],
      },
    };
    for (const area of [{ bbox: [14.1, 46, 14, 46.1] }, { bbox: [14, 46, 14.1, 46.1], cells: ['881e15b2b1fffff'] }, {}, selfCrossing]) {
      const answer = await bad(area).expect(400);
      expect([JSON.stringify(area), codeOf(answer.body)]).toEqual([JSON.stringify(area), 'DATASET_INVALID_AREA']);
    }
    expect((await bad('not an area').expect(400)).body).toMatchObject({ statusCode: 400 });
    const zeroCap = await t
      .http()
      .post('/v1/me/subscriptions')
      .set(auth(buyer))
      .send({ area: NMEA_DISTRICT, paymentMethod: 'solana', monthlyCapUsdCents: 0 });
    expect(zeroCap.status).toBe(400);
    const count = async () => Number((await t.sql<{ n: string }>(`SELECT count(*) AS n FROM subscriptions`))[0].n);
    const before = await count();
    await bad({ bbox: [14.1, 46, 14, 46.1] }).expect(400);
    expect(await count()).toBe(before);

    const cancelled = (await t.http().post(`/v1/me/subscriptions/${mine.id}/cancel`).set(auth(buyer)).expect(200)).body as SubscriptionResponse;
    const again = (await t.http().post(`/v1/me/subscriptions/${mine.id}/cancel`).set(auth(buyer)).expect(200)).body as SubscriptionResponse;
    expect(cancelled.status).toBe('cancelled');
    expect(again).toEqual(cancelled);
  });
});
