import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { DatasetResponse } from '../src/catalog/dto/dataset.response.js';
import { sha256 } from './support/captures.js';
import { auth, publishDataset, readyCaptures, signUp, startStripeTestApp } from './support/checkout.js';
import { FakeStripe } from './support/fake-stripe.js';
import type { TestApp } from './support/test-app.js';

interface Page {
  items: { id: string }[];
  nextCursor: string | null;
}

/**
 * Every keyset-paged route walks its rows exactly once, in order, when created_at values share a millisecond, differ
 * only in microseconds, or are equal: PostgreSQL keeps microseconds, which a JavaScript Date cannot carry.
 */
describe('keyset paging over microsecond timestamps (e2e)', () => {
  const stripe = new FakeStripe();
  let t: TestApp;
  let admin: string;
  let alice: string;
  let datasetId: string;
  let firstBuyer: string;

  /** Pairs of equal values, 333 µs apart, so most fall inside a millisecond and some cross into the next. */
  const stampRows = (table: string) =>
    t.sql(
      `UPDATE ${table} SET created_at = s.at FROM (
         SELECT id, timestamptz '2026-11-02 09:30:00.000250+00' + ((row_number() OVER (ORDER BY id) - 1) / 2) * interval '333 microseconds' AS at
         FROM ${table}
       ) s WHERE ${table}.id = s.id`,
    );
  const idsIn = async (query: string, params: unknown[] = []) => (await t.sql<{ id: string }>(query, params)).map((row) => row.id);

  /** Every id of every page, following nextCursor from the first page. */
  const walk = async (path: string, token: string, limit: number, query: Record<string, string> = {}) => {
    const ids: string[] = [];
    let cursor: string | null = null;
    for (let pages = 0; pages < 200; pages += 1) {
      const res = await t
        .http()
        .get(path)
        .query({ ...query, limit, ...(cursor === null ? {} : { cursor }) })
        .set(auth(token))
        .expect(200);
      const page = res.body as Page;
      ids.push(...page.items.map((item) => item.id));
      cursor = page.nextCursor;
      if (cursor === null) break;
    }
    return ids;
  };

  beforeAll(async () => {
    ({ t, admin } = await startStripeTestApp(stripe));
    alice = await signUp(t, 'alice@example.com', 'contributor');
    const buyers = [];
    for (let i = 0; i < 8; i += 1) buyers.push(await signUp(t, `buyer-${i}@example.com`, 'buyer'));
    datasetId = (
      await publishDataset(
        t,
        { contributor: alice, admin },
        { title: 'Harbour GNSS', licenceSlug: 'commercial-ai-training', priceUsdCents: 1500, seed: 5 },
      )
    ).datasetId;
    const captureIds = await readyCaptures(t, alice, 6);
    for (let i = 0; i < 6; i += 1) {
      const bytes = Buffer.from(`capture ${i}`);
      await t
        .http()
        .post('/v1/captures')
        .set(auth(alice))
        .send({ filename: `c${i}.bin`, sizeBytes: bytes.length, sha256: sha256(bytes) })
        .expect(201);
    }
    const licences = (await t.http().get('/v1/licences').expect(200)).body as { id: string; slug: string }[];
    const licenceTemplateId = licences.find((licence) => licence.slug === 'commercial-ai-training')?.id;
    for (let i = 0; i < 6; i += 1) {
      const draft = (
        await t
          .http()
          .post('/v1/datasets')
          .set(auth(alice))
          .send({
            title: `Draft ${i}`,
            description: 'GNSS fixes and CAN telemetry for paging tests.',
            captureIds,
            licenceTemplateId,
            priceUsdCents: 1000 + i,
            declarations: { ownsRights: true, identifiablePeople: false, piiRedacted: true, restrictedLocations: false },
          })
          .expect(201)
      ).body as DatasetResponse;
      await t.http().post(`/v1/datasets/${draft.id}/submit`).set(auth(alice)).expect(200);
    }
    for (const buyer of buyers) {
      await t.http().post('/v1/orders').set(auth(buyer)).send({ datasetId, paymentMethod: 'solana' }).expect(201);
    }
    // One buyer with several orders of their own, so that their own list has pages too.
    for (let i = 0; i < 4; i += 1) {
      await t.http().post('/v1/orders').set(auth(buyers[0])).send({ datasetId, paymentMethod: 'solana', allowRepeat: true }).expect(201);
    }
    firstBuyer = buyers[0];
    for (const table of ['users', 'captures', 'datasets', 'dataset_review_events', 'orders']) await stampRows(table);
  }, 300_000);
  afterAll(async () => {
    await t.close();
    await stripe.stop();
  });

  it('arranged rows that share milliseconds and microseconds', async () => {
    const [row] = await t.sql<{ rows: string; millis: string; micros: string }>(
      `SELECT count(*) AS rows, count(DISTINCT date_trunc('milliseconds', created_at)) AS millis, count(DISTINCT created_at) AS micros FROM captures`,
    );
    expect(Number(row.rows)).toBeGreaterThanOrEqual(10);
    expect(Number(row.millis)).toBeLessThan(Number(row.micros));
    expect(Number(row.micros)).toBeLessThan(Number(row.rows));
  });

  it.each([1, 2, 3])('GET /v1/admin/users, %i a page: every user once, oldest first', async (limit) => {
    expect(await walk('/v1/admin/users', admin, limit)).toEqual(await idsIn(`SELECT id FROM users ORDER BY created_at, id`));
  });

  it.each([1, 2, 3])('GET /v1/captures, %i a page: every capture once, newest first, for the owner and for an admin', async (limit) => {
    expect(await walk('/v1/captures', alice, limit)).toEqual(
      await idsIn(
        `SELECT c.id FROM captures c JOIN users u ON u.id = c.owner_id WHERE u.email = 'alice@example.com' ORDER BY c.created_at DESC, c.id DESC`,
      ),
    );
    expect(await walk('/v1/captures', admin, limit, { mine: 'false' })).toEqual(
      await idsIn(`SELECT id FROM captures ORDER BY created_at DESC, id DESC`),
    );
  });

  it.each([1, 2, 3])('GET /v1/me/datasets, %i a page: every dataset once, newest first', async (limit) => {
    expect(await walk('/v1/me/datasets', alice, limit)).toEqual(await idsIn(`SELECT id FROM datasets ORDER BY created_at DESC, id DESC`));
  });

  it.each([1, 2, 3])('GET /v1/admin/audit, %i a page: every review event once, newest first', async (limit) => {
    expect(await walk('/v1/admin/audit', admin, limit)).toEqual(
      await idsIn(`SELECT id FROM dataset_review_events ORDER BY created_at DESC, id DESC`),
    );
  });

  it.each([1, 2, 3])("GET /v1/orders, %i a page: the buyer's orders once, newest first; every order for an admin asking for all", async (limit) => {
    expect(await walk('/v1/orders', firstBuyer, limit)).toEqual(
      await idsIn(
        `SELECT o.id FROM orders o JOIN users u ON u.id = o.buyer_id WHERE u.email = 'buyer-0@example.com' ORDER BY o.created_at DESC, o.id DESC`,
      ),
    );
    expect(await walk('/v1/orders', admin, limit, { mine: 'false' })).toEqual(await idsIn(`SELECT id FROM orders ORDER BY created_at DESC, id DESC`));
  });

  it.each([1, 2, 3])('GET /v1/admin/orders, %i a page: every order once, newest first', async (limit) => {
    expect(await walk('/v1/admin/orders', admin, limit)).toEqual(await idsIn(`SELECT id FROM orders ORDER BY created_at DESC, id DESC`));
  });
});
