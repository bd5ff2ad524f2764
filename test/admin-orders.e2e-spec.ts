import { type PublishedDataset, auth, publishDataset, signUp, startStripeTestApp } from './support/checkout.js';
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
    const res = await t.http().post('/v1/orders').set(auth(token)).send({ datasetId: dataset.datasetId, paymentMethod }).expect(201);
    placed.push({ id: res.body.id, method: paymentMethod, buyer });
    return res.body;
  };
  const list = (query: Record<string, string | number>, token = admin) => t.http().get('/v1/admin/orders').query(query).set(auth(token));
  /** Every page of a listing, following nextCursor. */
  const allPages = async (query: Record<string, string | number>) => {
    const pages: { items: { id: string }[]; nextCursor: string | null }[] = [];
    let cursor: string | undefined;
    do {
      const page = (await list({ ...query, ...(cursor ? { cursor } : {}) }).expect(200)).body;
      pages.push(page);
      cursor = page.nextCursor ?? undefined;
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
    const signature = (await t.http().post('/v1/dev/solana/pay').send({ url: first.solanaPay.url }).expect(200)).body.signature;
    expect((await t.http().post(`/v1/orders/${first.id}/confirm-solana`).set(auth(ann)).send({ signature }).expect(200)).body.status).toBe('paid');
    paidId = first.id;
  }, 120_000);
  afterAll(async () => {
    await t?.close();
    await stripe.stop();
  });

  it('is for admins only', async () => {
    const denied = await list({}, ann).expect(403);
    expect(denied.body).toMatchObject({ statusCode: 403, error: expect.any(String), message: expect.any(String) });
    await t.http().get('/v1/admin/orders').expect(401);
  });

  it('lists every order newest first, page by page, in the order response shape with the buyer', async () => {
    const pages = await allPages({ limit: 2 });
    expect(pages.map((page) => page.items.length)).toEqual([2, 2, 1]);
    expect(pages.at(-1)!.nextCursor).toBeNull();
    const rows = await t.sql<{ id: string }>(`SELECT id FROM orders ORDER BY created_at DESC, id DESC`);
    expect(pages.flatMap((page) => page.items.map((item) => item.id))).toEqual(rows.map((row) => row.id));

    const [newest] = (await list({ limit: 1, paymentMethod: 'solana' }).expect(200)).body.items;
    const asBuyer = (await t.http().get(`/v1/orders/${newest.id}`).set(auth(ann)).expect(200)).body;
    expect(newest).toEqual({ ...asBuyer, buyerEmail: 'ann@example.com', buyerWallet: null });
  });

  it('filters by status and payment method, together with paging', async () => {
    const paid = (await list({ status: 'paid' }).expect(200)).body;
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

    const pendingUsdc = (await list({ status: 'pending', paymentMethod: 'solana' }).expect(200)).body.items;
    expect(pendingUsdc.map((item: { id: string }) => item.id).sort()).toEqual([placed[2].id, placed[4].id].sort());
    expect((await list({ status: 'refunded' }).expect(200)).body.items).toEqual([]);
  });

  it('shows a refund made from it under status=refunded', async () => {
    await t.http().post(`/v1/admin/orders/${paidId}/refund`).set(auth(admin)).send({ reason: 'Bought by mistake' }).expect(200);
    const refunded = (await list({ status: 'refunded' }).expect(200)).body.items;
    expect(refunded).toEqual([
      expect.objectContaining({ id: paidId, status: 'refunded', statusReason: expect.stringContaining('Bought by mistake') }),
    ]);
    expect(refunded[0].payments.map((p: { kind: string }) => p.kind).sort()).toEqual(['charge', 'refund']);
    expect((await list({ status: 'paid' }).expect(200)).body.items).toEqual([]);
  });

  it('rejects bad filters and cursors with 400', async () => {
    const bad: Record<string, string | number>[] = [
      { status: 'lost' },
      { paymentMethod: 'cash' },
      { limit: 0 },
      { limit: 101 },
      { cursor: 'not-a-cursor' },
    ];
    for (const query of bad) {
      const res = await list(query).expect(400);
      expect(res.body).toMatchObject({ statusCode: 400, message: expect.anything() });
    }
  });
});
