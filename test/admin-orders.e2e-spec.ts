import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { DevPaymentResponse } from '../src/chain/dto/dev-payment.dto.js';
import type { AdminOrderPage } from '../src/checkout/dto/admin-order-list.dto.js';
import type { OrderResponse } from '../src/checkout/dto/order.response.js';
import type { ErrorBody } from '../src/common/errors/error-body.js';
import type { Plain } from '../src/common/plain.js';
import { type PublishedDataset, auth, deliverStripeEvent, orderWhen, publishDataset, signUp, startStripeTestApp } from './support/checkout.js';
import { FakeStripe } from './support/fake-stripe.js';
import type { TestApp } from './support/test-app.js';

/** GET /v1/admin/orders: the admin console's order list (refunds start from it). */
describe('admin order list (e2e)', () => {
  const stripe = new FakeStripe();
  let t: TestApp;
  let admin: string;
  let ann: string;
  let ben: string;
  let dataset: PublishedDataset;
  /** Every order placed here, oldest first. */
  const placed: { id: string; method: 'card' | 'solana'; buyer: string }[] = [];
  let paidId: string;

  const order = async (token: string, paymentMethod: 'card' | 'solana', buyer: string) => {
    // Buyers here order the same version several times, on purpose (the list pages through them).
    const created = (
      await t.http().post('/v1/orders').set(auth(token)).send({ datasetId: dataset.datasetId, paymentMethod, allowRepeat: true }).expect(201)
    ).body as OrderResponse;
    placed.push({ id: created.id, method: paymentMethod, buyer });
    return created;
  };
  const page = async (query: Record<string, string | number>) => (await list(query).expect(200)).body as AdminOrderPage;
  const list = (query: Record<string, string | number>, token = admin) => t.http().get('/v1/admin/orders').query(query).set(auth(token));
  /** Every page of a listing, following nextCursor. */
  const allPages = async (query: Record<string, string | number>) => {
    const pages: AdminOrderPage[] = [];
    let cursor: string | undefined;
    do {
      const next = await page({ ...query, ...(cursor ? { cursor } : {}) });
      pages.push(next);
      cursor = next.nextCursor ?? undefined;
    } while (cursor && pages.length < 20);
    return pages;
  };

  beforeAll(async () => {
    ({ t, admin } = await startStripeTestApp(stripe));
    const alice = await signUp(t, 'alice@example.com', 'contributor');
    ann = await signUp(t, 'ann@example.com', 'buyer');
    ben = await signUp(t, 'ben@example.com', 'buyer');
    dataset = await publishDataset(
      t,
      { contributor: alice, admin },
      { title: 'Harbour GNSS', licenceSlug: 'commercial-ai-training', priceUsdCents: 1500, seed: 3 },
    );
    const first = await order(ann, 'solana', 'ann@example.com');
    await order(ben, 'card', 'ben@example.com');
    await order(ann, 'solana', 'ann@example.com');
    await order(ben, 'card', 'ben@example.com');
    await order(ann, 'solana', 'ann@example.com');
    // Two orders in the same millisecond: the id breaks the tie, so paging neither skips nor repeats one.
    await t.sql(`UPDATE orders SET created_at = (SELECT created_at FROM orders WHERE id = $1) WHERE id = $2`, [placed[3].id, placed[4].id]);
    if (!first.solanaPay) throw new Error('no Solana Pay request');
    const { signature } = (await t.http().post('/v1/dev/solana/pay').send({ url: first.solanaPay.url }).expect(200)).body as DevPaymentResponse;
    expect(
      ((await t.http().post(`/v1/orders/${first.id}/confirm-solana`).set(auth(ann)).send({ signature }).expect(200)).body as OrderResponse).status,
    ).toBe('paid');
    paidId = first.id;
  }, 120_000);
  afterAll(async () => {
    await t.close();
    await stripe.stop();
  });

  it('is for admins only', async () => {
    const denied = await list({}, ann).expect(403);
    expect(denied.body as ErrorBody).toMatchObject({ statusCode: 403, error: expect.any(String), message: expect.any(String) });
    await t.http().get('/v1/admin/orders').expect(401);
  });

  it('lists every order newest first, page by page, in the order response shape with the buyer', async () => {
    const pages = await allPages({ limit: 2 });
    expect(pages.map((page) => page.items.length)).toEqual([2, 2, 1]);
    expect(pages.at(-1)?.nextCursor).toBeNull();
    const rows = await t.sql<{ id: string }>(`SELECT id FROM orders ORDER BY created_at DESC, id DESC`);
    expect(pages.flatMap((page) => page.items.map((item) => item.id))).toEqual(rows.map((row) => row.id));

    const [newest] = (await page({ limit: 1, paymentMethod: 'solana' })).items;
    const asBuyer = (await t.http().get(`/v1/orders/${newest.id}`).set(auth(ann)).expect(200)).body as Plain<OrderResponse>;
    expect(newest).toEqual({ ...asBuyer, buyerEmail: 'ann@example.com', buyerWallet: null });
  });

  it('filters by status and payment method, together with paging', async () => {
    const paid = await page({ status: 'paid' });
    expect(paid).toEqual({
      items: [expect.objectContaining({ id: paidId, status: 'paid', paymentMethod: 'solana', buyerEmail: 'ann@example.com' })],
      nextCursor: null,
    });

    const cards = (await allPages({ paymentMethod: 'card', limit: 1 })).flatMap((page) => page.items);
    expect(cards.map((item) => item.id)).toEqual(
      placed
        .filter((p) => p.method === 'card')
        .map((p) => p.id)
        .reverse(),
    );
    expect(cards).toEqual(
      cards.map(() => expect.objectContaining({ paymentMethod: 'card', buyerEmail: 'ben@example.com', amount: { minor: 1500, currency: 'USD' } })),
    );

    const pendingUsdc = (await page({ status: 'pending', paymentMethod: 'solana' })).items;
    expect(pendingUsdc.map((item) => item.id).sort()).toEqual([placed[2].id, placed[4].id].sort());
    expect((await page({ status: 'refunded' })).items).toEqual([]);
  });

  it('shows a refund made from it under status=refunded', async () => {
    await t.http().post(`/v1/admin/orders/${paidId}/refund`).set(auth(admin)).send({ reason: 'Bought by mistake' }).expect(200);
    const refunded = (await page({ status: 'refunded' })).items;
    expect(refunded).toEqual([
      expect.objectContaining({ id: paidId, status: 'refunded', statusReason: expect.stringContaining('Bought by mistake') }),
    ]);
    expect(refunded[0].payments.map((p) => p.kind).sort()).toEqual(['charge', 'refund']);
    expect((await page({ status: 'paid' })).items).toEqual([]);
  });

  it('finds the orders whose refund is still on its way, e.g. while Stripe is down', async () => {
    const card = placed.find((p) => p.method === 'card');
    if (!card) throw new Error('no card order');
    const session = (await t.http().get(`/v1/orders/${card.id}`).set(auth(ben)).expect(200)).body as OrderResponse;
    if (!session.stripe) throw new Error('no Checkout Session');
    const { payload } = stripe.event('checkout.session.completed', stripe.sessionObject(session.stripe.sessionId));
    await deliverStripeEvent(t, stripe, payload).expect(200);
    stripe.failWith = 500;
    try {
      await t.http().post(`/v1/admin/orders/${card.id}/refund`).set(auth(admin)).send({ reason: 'Refund during an outage' }).expect(200);
      const waiting = (await page({ refundStatus: 'pending' })).items;
      expect(waiting).toEqual([
        expect.objectContaining({
          id: card.id,
          status: 'refunded',
          refunds: [expect.objectContaining({ status: 'pending', reason: 'Refund during an outage' })],
        }),
      ]);
      expect((await page({ refundStatus: 'held' })).items).toEqual([]);
    } finally {
      stripe.failWith = null;
    }
    // The refund job retries once Stripe answers again.
    await orderWhen(t, ben, card.id, (o) => o.refunds[0]?.status === 'sent', 30_000);
    expect((await page({ refundStatus: 'pending' })).items).toEqual([]);
  });

  it('rejects bad filters and cursors with 400', async () => {
    const bad: Record<string, string | number>[] = [
      { status: 'lost' },
      { paymentMethod: 'cash' },
      { limit: 0 },
      { limit: 101 },
      { cursor: 'not-a-cursor' },
      { refundStatus: 'sent' },
    ];
    for (const query of bad) {
      const res = await list(query).expect(400);
      expect(res.body as ErrorBody).toMatchObject({ statusCode: 400, message: expect.anything() });
    }
  });
});
