import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import type { DatabaseConnection } from '../src/database/database-connection.js';
import { BuyerNoticeService } from '../src/notifications/services/buyer-notice.service.js';
import type { QuoteResponse } from '../src/quotes/dto/quote.response.js';
import type { SubscriptionResponse } from '../src/subscriptions/dto/subscription.response.js';
import { SubscriptionBillingService } from '../src/subscriptions/services/subscription-billing.service.js';
import { periodOf } from '../src/subscriptions/subscription-period.js';
import { auth, logIn, readyCaptures, signUp, sweepExpiredOrdersNow, TEST_ADMIN } from './support/checkout.js';
import { NMEA_DISTRICT, listOwnDataset, subscribe, subscriptionOf } from './support/subscriptions.js';
import { createTestDatabase } from './support/test-database.js';
import { startTestApp, type TestApp } from './support/test-app.js';

interface PeriodRow {
  period: string;
  outcome: string;
  checkout_id: string | null;
  price_usd_cents: string;
  captures: number;
  skipped: { datasetId: string; code: string }[];
  reason: string | null;
}

/**
 * The monthly billing of area subscriptions (issue 13, part 7), service by service on a real database with the real
 * catalog and quotes behind it: which captures a month bills (new ones only, each once, priced as a quote prices them),
 * two instances running the same month at once (one invoice), the monthly cap (nothing billed, the buyer told, the
 * captures still new), cancelling, an unpaid invoice that expires (its captures come back), an exclusive dataset left
 * out with its reason.
 */
describe('subscription billing (services on a real database, two instances)', () => {
  let database: DatabaseConnection;
  let a: TestApp;
  let b: TestApp;
  let admin: string;
  let seller: string;
  let seed = 10;

  const billing = (t: TestApp) => t.app.get(SubscriptionBillingService);
  const periodsOf = (subscriptionId: string) =>
    a.sql<PeriodRow>(
      `SELECT to_char(period, 'YYYY-MM') AS period, outcome, checkout_id, price_usd_cents::text, captures, skipped, reason
       FROM subscription_periods WHERE subscription_id = $1 ORDER BY period`,
      [subscriptionId],
    );
  const linesOf = (checkoutId: string) =>
    a.sql<{ dataset_id: string; capture_ids: string[]; price_usd_cents: string }>(
      `SELECT l.dataset_id, l.capture_ids, l.price_usd_cents::text FROM subscription_invoice_lines l
       JOIN subscription_periods p ON p.id = l.period_id WHERE p.checkout_id = $1`,
      [checkoutId],
    );
  /** A new dataset of a new GNSS drive in the district and new CAN telemetry in Munich; answers it and the drive. */
  const listNewDrive = async (options: { licenceSlug?: string; unitPrices?: null } = {}) => {
    seed += 1;
    const [drive, telemetry] = await readyCaptures(a, seller, seed);
    const datasetId = await listOwnDataset(
      a,
      { contributor: seller, admin },
      { title: `Drives ${seed}`, captureIds: [drive, telemetry], ...options },
    );
    return { datasetId, drive };
  };
  const subscribeAnywhere = async (email: string, monthlyCapUsdCents = 100_000): Promise<{ token: string; subscription: SubscriptionResponse }> => {
    const token = await signUp(a, email, 'buyer');
    return {
      token,
      subscription: await subscribe(a, token, { area: NMEA_DISTRICT, modalities: ['gnss'], paymentMethod: 'solana', monthlyCapUsdCents }),
    };
  };
  const cancel = (token: string, id: string) => a.http().post(`/v1/me/subscriptions/${id}/cancel`).set(auth(token)).expect(200);

  beforeAll(async () => {
    database = await createTestDatabase();
    // Instances behind one balancer share their secrets.
    const env = {
      JWT_SECRET: randomBytes(32).toString('hex'),
      ADMIN_EMAIL: TEST_ADMIN.email,
      ADMIN_PASSWORD: TEST_ADMIN.password,
      AUTH_RATE_LIMIT: '1000',
      // A buyer's webhook endpoint on this host: its deliveries are queued (and fail to send, which no test waits for).
      WEBHOOKS_ALLOW_LOOPBACK: 'true',
    };
    a = await startTestApp(env, database);
    b = await startTestApp({ ...env, WORKER_CONCURRENCY: '0' }, database);
    admin = await logIn(a, TEST_ADMIN.email, TEST_ADMIN.password);
    seller = await signUp(a, 'seller@billing.test', 'contributor');
    await listNewDrive();
  }, 300_000);
  afterAll(async () => {
    await a.close();
    await b.close();
    await database.close();
  });

  it('bills only the captures new since subscribing, priced as POST /v1/quotes prices them, and no month before the subscription', async () => {
    const { token, subscription } = await subscribeAnywhere('period@billing.test');
    expect(subscription.baselineCaptures).toBe(1);
    // A month that ended before the subscription existed bills nothing of it.
    await billing(a).runPeriod('2020-01');
    expect(await periodsOf(subscription.id)).toEqual([]);

    const fresh = await listNewDrive();
    const quoted = (
      await a
        .http()
        .post('/v1/quotes')
        .set(auth(token))
        .send({ datasetId: fresh.datasetId, area: NMEA_DISTRICT, modalities: ['gnss'] })
        .expect(201)
    ).body as QuoteResponse;
    const period = periodOf(new Date());
    expect(await billing(a).runPeriod(period)).toMatchObject({ invoiced: 1 });
    const [row] = await periodsOf(subscription.id);
    expect(row).toMatchObject({ period, outcome: 'invoiced', captures: 1, price_usd_cents: String(quoted.priceUsdCents), skipped: [] });
    // One line, for the new dataset only: the first drive was for sale when the buyer subscribed.
    expect(await linesOf(row.checkout_id ?? '')).toEqual([
      { dataset_id: fresh.datasetId, capture_ids: [fresh.drive], price_usd_cents: String(quoted.priceUsdCents) },
    ]);
    expect(quoted.files.map((file) => file.captureId)).toEqual([fresh.drive]);
    await cancel(token, subscription.id);
  }, 120_000);

  it('places one invoice when two instances run the same month at once', async () => {
    const { token, subscription } = await subscribeAnywhere('race@billing.test');
    await listNewDrive();
    const [onA, onB] = await Promise.all([billing(a).runPeriod('2031-01'), billing(b).runPeriod('2031-01')]);
    expect(onA.invoiced + onB.invoiced).toBe(1);
    expect(onA.already + onB.already).toBe(1);
    expect((await periodsOf(subscription.id)).map((row) => row.outcome)).toEqual(['invoiced']);
    const buyerId = (await subscriptionOf(a, token, subscription.id)).invoices[0].checkoutId;
    expect(
      await a.sql(`SELECT id FROM cart_checkouts WHERE buyer_id = (SELECT buyer_id FROM subscriptions WHERE id = $1)`, [subscription.id]),
    ).toEqual([{ id: buyerId }]);
    await cancel(token, subscription.id);
  }, 120_000);

  it('bills nothing over the monthly cap, tells the buyer why, and keeps the captures new for the next month', async () => {
    const { token, subscription } = await subscribeAnywhere('cap@billing.test', 1);
    await listNewDrive();
    // Both instances at once: one notice.
    const [onA, onB] = await Promise.all([billing(a).runPeriod('2031-02'), billing(b).runPeriod('2031-02')]);
    expect([onA.over_cap + onB.over_cap, onA.already + onB.already]).toEqual([1, 1]);
    await billing(a).runPeriod('2031-03');
    const rows = await periodsOf(subscription.id);
    expect(rows.map((row) => [row.period, row.outcome, row.checkout_id, row.captures])).toEqual([
      ['2031-02', 'over_cap', null, 1],
      ['2031-03', 'over_cap', null, 1],
    ]);
    expect(rows[0].reason).toContain('above your monthly cap of $0.01');
    expect(Number(rows[0].price_usd_cents)).toBeGreaterThan(1);
    expect(
      await a.sql(`SELECT count(*)::int AS n FROM cart_checkouts WHERE buyer_id = (SELECT buyer_id FROM subscriptions WHERE id = $1)`, [
        subscription.id,
      ]),
    ).toEqual([{ n: 0 }]);
    const mails = await a.sql<{ subject: string; text_body: string }>(
      `SELECT subject, text_body FROM email_messages WHERE to_address = 'cap@billing.test' ORDER BY created_at`,
    );
    expect(mails.map((mail) => mail.subject)).toEqual([
      'Your area subscription found new captures for 2031-02 above your monthly cap',
      'Your area subscription found new captures for 2031-03 above your monthly cap',
    ]);
    expect(mails[0].text_body).toContain('raise the cap');
    await cancel(token, subscription.id);
  }, 120_000);

  /** Fails the next notice right after it is queued: the last write of the month's transaction, after the period's own. */
  const failNextNoticeAfterQueueing = () => {
    const notices = a.app.get(BuyerNoticeService);
    const queue = notices.queue.bind(notices);
    return jest.spyOn(notices, 'queue').mockImplementationOnce(async (...args) => {
      await queue(...args);
      throw new Error('injected: the transaction failed after the invoice and its notice were written');
    });
  };
  const countOf = async (query: string, params: unknown[]) => (await a.sql<{ n: number }>(query, params))[0].n;

  it('stores an invoice and its notice in one transaction: a failure after both stores neither, and the next run tells once', async () => {
    const { token, subscription } = await subscribeAnywhere('notice@billing.test');
    const endpoint = (
      await a
        .http()
        .post('/v1/me/webhooks')
        .set(auth(token))
        .send({ url: 'http://127.0.0.1:9/invoices', events: ['subscription.invoice'] })
        .expect(201)
    ).body as { id: string };
    const fresh = await listNewDrive();
    const stored = async () => ({
      periods: (await periodsOf(subscription.id)).length,
      checkouts: await countOf(`SELECT count(*)::int AS n FROM cart_checkouts WHERE buyer_id = (SELECT buyer_id FROM subscriptions WHERE id = $1)`, [
        subscription.id,
      ]),
      deliveries: await countOf(`SELECT count(*)::int AS n FROM webhook_deliveries WHERE endpoint_id = $1`, [endpoint.id]),
      emails: await countOf(`SELECT count(*)::int AS n FROM email_messages WHERE to_address = $1`, ['notice@billing.test']),
    });

    const spy = failNextNoticeAfterQueueing();
    await expect(billing(a).runPeriod('2031-09')).rejects.toThrow(/injected/);
    expect(spy).toHaveBeenCalledTimes(1);
    expect(await stored()).toEqual({ periods: 0, checkouts: 0, deliveries: 0, emails: 0 });

    expect(await billing(a).runPeriod('2031-09')).toMatchObject({ invoiced: 1 });
    expect(await billing(a).runPeriod('2031-09')).toMatchObject({ invoiced: 0, already: 1 });
    expect(await stored()).toEqual({ periods: 1, checkouts: 1, deliveries: 1, emails: 1 });
    // Written before the checkout was committed, the notice still names what was stored: its order, expiry and payment request.
    const [invoice] = await periodsOf(subscription.id);
    const [order] = await a.sql<{ id: string; expires_at: Date }>(`SELECT id, expires_at FROM orders WHERE checkout_id = $1`, [invoice.checkout_id]);
    const [delivery] = await a.sql<{ body: string }>(`SELECT body FROM webhook_deliveries WHERE endpoint_id = $1`, [endpoint.id]);
    const event = JSON.parse(delivery.body) as {
      data: { checkoutId: string; paymentUrl: string; expiresAt: string; lines: { orderId: string; datasetId: string; captures: number }[] };
    };
    expect(event.data).toMatchObject({
      checkoutId: invoice.checkout_id,
      expiresAt: order.expires_at.toISOString(),
      lines: [{ orderId: order.id, datasetId: fresh.datasetId, captures: 1 }],
    });
    expect(event.data.paymentUrl).toMatch(/^solana:/);
    const [mail] = await a.sql<{ text_body: string }>(`SELECT text_body FROM email_messages WHERE to_address = $1`, ['notice@billing.test']);
    expect(mail.text_body).toContain(`Pay it here: ${event.data.paymentUrl}`);
    await cancel(token, subscription.id);
  }, 120_000);

  it('stores an over-cap month and its notice in one transaction: a failure after both stores neither', async () => {
    const { token, subscription } = await subscribeAnywhere('cap-notice@billing.test', 1);
    await listNewDrive();
    const mails = () => countOf(`SELECT count(*)::int AS n FROM email_messages WHERE to_address = $1`, ['cap-notice@billing.test']);
    failNextNoticeAfterQueueing();
    await expect(billing(a).runPeriod('2031-10')).rejects.toThrow(/injected/);
    expect([(await periodsOf(subscription.id)).length, await mails()]).toEqual([0, 0]);
    expect(await billing(a).runPeriod('2031-10')).toMatchObject({ over_cap: 1 });
    expect((await periodsOf(subscription.id)).map((row) => row.outcome)).toEqual(['over_cap']);
    expect(await mails()).toBe(1);
    await cancel(token, subscription.id);
  }, 120_000);

  it('bills a cancelled subscription no more; cancelling again changes nothing', async () => {
    const { token, subscription } = await subscribeAnywhere('cancel@billing.test');
    const first = (await cancel(token, subscription.id)).body as SubscriptionResponse;
    await listNewDrive();
    await billing(a).runPeriod('2031-04');
    expect(await periodsOf(subscription.id)).toEqual([]);
    expect((await cancel(token, subscription.id)).body).toEqual(first);
    expect(first).toMatchObject({ status: 'cancelled', cancelledAt: expect.any(String) });
  }, 120_000);

  it('holds the captures of a payable invoice, and gives them back to the next month once it expired unpaid', async () => {
    const { token, subscription } = await subscribeAnywhere('expiry@billing.test');
    const fresh = await listNewDrive();
    await billing(a).runPeriod('2031-05');
    // While the invoice can be paid, its captures are not billed again.
    await billing(a).runPeriod('2031-06');
    const [invoiced, held] = await periodsOf(subscription.id);
    expect([invoiced.outcome, held.outcome]).toEqual(['invoiced', 'empty']);
    expect((await subscriptionOf(a, token, subscription.id)).invoices.map((invoice) => invoice.paymentStatus)).toEqual([null, 'pending']);

    await a.sql(`UPDATE orders SET expires_at = now() - interval '1 minute' WHERE checkout_id = $1`, [invoiced.checkout_id]);
    await sweepExpiredOrdersNow(a);
    expect((await subscriptionOf(a, token, subscription.id)).invoices[1]).toMatchObject({ paymentStatus: 'expired', lines: [{ status: 'expired' }] });
    // The reason names the invoice's own deadline, not the cart's ORDER_TTL_MINUTES.
    const [expired] = await a.sql<{ status_reason: string; expires_at: Date }>(
      `SELECT status_reason, expires_at FROM orders WHERE checkout_id = $1`,
      [invoiced.checkout_id],
    );
    expect(expired.status_reason).toBe(`not paid by ${expired.expires_at.toISOString()}`);
    await billing(a).runPeriod('2031-07');
    const again = (await periodsOf(subscription.id))[2];
    expect(again).toMatchObject({ period: '2031-07', outcome: 'invoiced', captures: 1 });
    expect(again.checkout_id).not.toBe(invoiced.checkout_id);
    expect((await linesOf(again.checkout_id ?? '')).map((line) => line.capture_ids)).toEqual([[fresh.drive]]);
    await cancel(token, subscription.id);
  }, 120_000);

  it('leaves out an exclusive dataset with the reason, and refuses a subscription to it', async () => {
    const { token, subscription } = await subscribeAnywhere('exclusive@billing.test');
    const exclusive = await listNewDrive({ licenceSlug: 'exclusive-commercial', unitPrices: null });
    await billing(a).runPeriod('2031-08');
    expect(await periodsOf(subscription.id)).toEqual([
      expect.objectContaining({
        outcome: 'empty',
        checkout_id: null,
        skipped: [{ datasetId: exclusive.datasetId, code: 'QUOTE_EXCLUSIVE_WHOLE_ONLY', reason: expect.stringContaining('exclusive licence') }],
      }),
    ]);
    const refused = await a
      .http()
      .post('/v1/me/subscriptions')
      .set(auth(token))
      .send({ area: NMEA_DISTRICT, datasetId: exclusive.datasetId, paymentMethod: 'solana', monthlyCapUsdCents: 1_000 })
      .expect(422);
    expect((refused.body as { code: string }).code).toBe('SUBSCRIPTION_NOT_SLICEABLE');
    await cancel(token, subscription.id);
  }, 120_000);
});
