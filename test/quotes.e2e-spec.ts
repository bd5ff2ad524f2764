import { readFileSync } from 'node:fs';
import { DataSource } from 'typeorm';
import type { DatasetResponse, DatasetSearchPage } from '../src/catalog/dto/dataset.response.js';
import type { ReviewQueueItem } from '../src/catalog/dto/review.response.js';
import { bboxPolygon } from '../src/common/bbox-polygon.js';
import type { ErrorBody } from '../src/common/errors/error-body.js';
import type { CaptureResponse } from '../src/ingestion/dto/capture.response.js';
import type { QuoteResponse } from '../src/quotes/dto/quote.response.js';
import { QuotesService } from '../src/quotes/services/quotes.service.js';
import { readyCapture } from './support/captures.js';
import { auth, logIn, signUp, TEST_ADMIN } from './support/checkout.js';
import { describeWithSamples, samplePath } from './support/samples.js';
import { grantAll } from './support/consent.js';
import { startTestApp, type TestApp } from './support/test-app.js';

/**
 * Issue 13, parts 1 and 2, end to end on real files: two contributors with real GPS tracks in different places (a GPX
 * walk round Lake Cerknica in Slovenia, August 2010; gpsd's NMEA log of a drive in New Zealand, 31 December 2014), a
 * dataset an admin curates from both with per-km and per-hour prices, listed through the real review; buyers quote
 * slices of it over HTTP.
 */
describeWithSamples('quotes: slices of a listed dataset priced per km / hour (e2e)', ['cerknicko-jezero.gpx', 'bu353s4.log'], () => {
  let t: TestApp;
  let admin: string;
  let buyer: string;
  let otherBuyer: string;
  let gpx: CaptureResponse;
  let nmea: CaptureResponse;
  let datasetId: string;
  let exclusiveId: string;
  const lake = [14.3, 45.7, 14.5, 45.8];

  const quote = (body: Record<string, unknown>, token = buyer) =>
    t
      .http()
      .post('/v1/quotes')
      .set(auth(token))
      .send({ datasetId, ...body });
  const refused = async (body: Record<string, unknown>, status: number, code: string, message?: RegExp) => {
    const res = await quote(body).expect(status);
    const error = res.body as ErrorBody;
    expect(error.code).toBe(code);
    if (message) expect(error.message).toMatch(message);
  };

  /** Tokens of the contributors whose captures the admin curates. */
  let contributors: string[] = [];

  /** The admin curates a dataset of both contributors' captures; both grant consent; the admin submits it. */
  const curate = async (title: string, licenceSlug: string, unitPrices: Record<string, number> | null): Promise<string> => {
    const licences = (await t.http().get('/v1/licences').expect(200)).body as { id: string; slug: string }[];
    const licence = licences.find((l) => l.slug === licenceSlug);
    if (!licence) throw new Error(`no licence ${licenceSlug}`);
    const draft = (
      await t
        .http()
        .post('/v1/datasets')
        .set(auth(admin))
        .send({
          title,
          description: 'A walk round Lake Cerknica and a drive in New Zealand.',
          captureIds: [gpx.id, nmea.id],
          licenceTemplateId: licence.id,
          priceUsdCents: 10_000,
          ...(unitPrices ? { unitPrices } : {}),
          declarations: { ownsRights: true, identifiablePeople: false, piiRedacted: true, restrictedLocations: false },
        })
        .expect(201)
    ).body as DatasetResponse;
    await grantAll(t, contributors, draft.id);
    await t.http().post(`/v1/datasets/${draft.id}/submit`).set(auth(admin)).expect(200);
    return draft.id;
  };

  beforeAll(async () => {
    t = await startTestApp({ ADMIN_EMAIL: TEST_ADMIN.email, ADMIN_PASSWORD: TEST_ADMIN.password, AUTH_RATE_LIMIT: '1000' });
    admin = await logIn(t, TEST_ADMIN.email, TEST_ADMIN.password);
    const alice = await signUp(t, 'alice@quotes.test', 'contributor');
    const bob = await signUp(t, 'bob@quotes.test', 'contributor');
    contributors = [alice, bob];
    buyer = await signUp(t, 'buyer@quotes.test', 'buyer');
    otherBuyer = await signUp(t, 'other-buyer@quotes.test', 'buyer');
    gpx = await readyCapture(t, alice, readFileSync(samplePath('cerknicko-jezero.gpx')), 'cerknicko-jezero.gpx');
    nmea = await readyCapture(t, bob, readFileSync(samplePath('bu353s4.log')), 'bu353s4.log');
    datasetId = await curate('Lake Cerknica and a New Zealand drive', 'commercial-ai-training', {
      perKmUsdCents: 150,
      perHourUsdCents: 2_000,
      minimumUsdCents: 50,
    });
    // The admin reviews the unit prices like the whole price: the queue shows them on the draft.
    const queue = (await t.http().get('/v1/admin/reviews').set(auth(admin)).expect(200)).body as ReviewQueueItem[];
    expect(queue.find((item) => item.dataset.id === datasetId)?.dataset.draft?.unitPrices).toEqual({
      perKmUsdCents: 150,
      perHourUsdCents: 2_000,
      minimumUsdCents: 50,
    });
    await t.http().post(`/v1/admin/datasets/${datasetId}/approve`).set(auth(admin)).send({}).expect(200);
    exclusiveId = await curate('Lake Cerknica, exclusively', 'exclusive-commercial', null);
    await t.http().post(`/v1/admin/datasets/${exclusiveId}/approve`).set(auth(admin)).send({}).expect(200);
  }, 240_000);

  afterAll(async () => {
    await t.close();
  });

  it('shows the frozen unit prices on the listed dataset', async () => {
    const dataset = (await t.http().get(`/v1/datasets/${datasetId}`).expect(200)).body as DatasetResponse;
    expect(dataset.published?.unitPrices).toEqual({ perKmUsdCents: 150, perHourUsdCents: 2_000, minimumUsdCents: 50 });
    expect(((await t.http().get('/v1/datasets').expect(200)).body as DatasetSearchPage).items.map((i) => i.id)).toContain(datasetId);
  });

  it('refuses unit prices on an exclusive licence at draft time', async () => {
    const licences = (await t.http().get('/v1/licences').expect(200)).body as { id: string; slug: string }[];
    const res = await t
      .http()
      .post('/v1/datasets')
      .set(auth(admin))
      .send({
        title: 'Exclusive with rates',
        description: 'Not possible.',
        captureIds: [gpx.id],
        licenceTemplateId: licences.find((l) => l.slug === 'exclusive-commercial')?.id,
        priceUsdCents: 10_000,
        unitPrices: { perKmUsdCents: 10 },
        declarations: {},
      })
      .expect(400);
    expect((res.body as ErrorBody).code).toBe('DATASET_UNIT_PRICES_EXCLUSIVE');
    const negative = await t
      .http()
      .patch(`/v1/datasets/${exclusiveId}`)
      .set(auth(admin))
      .send({ unitPrices: { perKmUsdCents: -1 } })
      .expect(400);
    expect((negative.body as ErrorBody).message).toMatch(/perKmUsdCents/);
  });

  it('quotes the lake: exactly the GPX capture, its km, hours and bytes, at the exact price', async () => {
    const res = await quote({ area: { bbox: lake } }).expect(201);
    const q = res.body as QuoteResponse;
    const durationMs = new Date(gpx.timeRange?.end ?? 0).getTime() - new Date(gpx.timeRange?.start ?? 0).getTime();
    expect(durationMs).toBeGreaterThan(0);
    // GDAL's geodesic length of the track's 8 segments: 4,576.907 m, counted as 4,577 whole metres.
    expect(q).toMatchObject({
      kind: 'slice',
      version: 1,
      files: [{ captureId: gpx.id }],
      totals: { captures: 1, lengthM: 4_577, durationMs, bytes: 36_362 },
      // 150 cents/km x 4,577 m = 686.55 cents, half up once: 687.
      priceUsdCents: 687,
      wholePriceUsdCents: 10_000,
      pricing: { unit: 'km', rateUsdCents: 150, ratedUsdCents: 687, minimumApplied: false, cappedAtWholePrice: false },
      rounding: 'half-up, once, on the total',
    });
    expect(new Date(q.expiresAt).getTime() - new Date(q.createdAt).getTime()).toBe(10 * 60_000);
    expect(q.outline.features).toHaveLength(1);
    expect(q.outline.features[0].properties.captureId).toBe(gpx.id);
    // Per hour: 2,000 cents/hour x the walk's milliseconds, half up once.
    const hourly = (await quote({ area: { bbox: lake }, unit: 'hour' }).expect(201)).body as QuoteResponse;
    expect(hourly.priceUsdCents).toBe(Math.max(50, Number((2_000n * BigInt(durationMs) * 2n + 3_600_000n) / 7_200_000n)));
    // The buyer reads it back as it was made.
    expect((await t.http().get(`/v1/quotes/${q.id}`).set(auth(buyer)).expect(200)).body).toEqual(q);
  });

  it("quotes the drive in New Zealand by polygon: only the other contributor's capture", async () => {
    const polygon = bboxPolygon([175.2, -37.9, 175.4, -37.7]);
    const q = (await quote({ area: { polygon }, from: '2014-12-31', to: '2014-12-31T23:59:59Z' }).expect(201)).body as QuoteResponse;
    expect(q.files.map((f) => f.captureId)).toEqual([nmea.id]);
    expect(q.totals.bytes).toBe(6_214);
  });

  it('quotes the whole dataset at the whole price', async () => {
    const q = (await quote({}).expect(201)).body as QuoteResponse;
    expect(q).toMatchObject({ kind: 'whole', priceUsdCents: 10_000, pricing: null, totals: { captures: 2, bytes: 36_362 + 6_214 } });
  });

  it('refuses empty slices with the reason, and bad input with a 400', async () => {
    await refused({ area: { bbox: [70, -10, 80, 0] } }, 422, 'QUOTE_EMPTY_SLICE', /no capture of this dataset is in the area/);
    await refused({ area: { bbox: lake }, from: '2012-01-01', to: '2012-12-31' }, 422, 'QUOTE_EMPTY_SLICE', /none was there in the window/);
    await refused({ area: { bbox: lake }, modalities: ['video'] }, 422, 'QUOTE_EMPTY_SLICE', /modalities video/);
    await refused({ from: '2012-12-31', to: '2012-01-01' }, 400, 'QUOTE_INVALID_WINDOW');
    await refused({ area: { bbox: [14.5, 45.7, 14.3, 45.8] } }, 400, 'DATASET_INVALID_AREA', /min before max/);
    await quote({ modalities: ['smell'] }).expect(400);
    await quote({ unit: 'mile' }).expect(400);
    await quote({ area: { bbox: lake }, extra: true }).expect(400);
    await quote({ area: { bbox: [1, 2, 3] } }).expect(400);
  });

  it('sells an exclusive licence only whole', async () => {
    await refused({ datasetId: exclusiveId, area: { bbox: lake } }, 422, 'QUOTE_EXCLUSIVE_WHOLE_ONLY');
    expect(((await quote({ datasetId: exclusiveId }).expect(201)).body as QuoteResponse).priceUsdCents).toBe(10_000);
  });

  it("answers another buyer's quote as unknown (404), and an anonymous caller with 401", async () => {
    const q = (await quote({ area: { bbox: lake } }).expect(201)).body as QuoteResponse;
    expect(((await t.http().get(`/v1/quotes/${q.id}`).set(auth(otherBuyer)).expect(404)).body as ErrorBody).code).toBe('QUOTE_NOT_FOUND');
    await t.http().get(`/v1/quotes/${q.id}`).expect(401);
    await t.http().post('/v1/quotes').send({ datasetId }).expect(401);
  });

  it('redeem refuses an expired quote and takes a live one', async () => {
    const q = (await quote({ area: { bbox: lake } }).expect(201)).body as QuoteResponse;
    const buyerId = ((await t.http().get('/v1/auth/me').set(auth(buyer)).expect(200)).body as { id: string }).id;
    const redeem = (now: Date) => t.app.get(DataSource).transaction((manager) => t.app.get(QuotesService).redeem(q.id, buyerId, manager, now));
    await expect(redeem(new Date(new Date(q.expiresAt).getTime() + 1))).rejects.toMatchObject({ code: 'QUOTE_EXPIRED' });
    expect(await redeem(new Date())).toMatchObject({ id: q.id, captureIds: [gpx.id], priceUsdCents: 687 });
  });

  it('does not quote a dataset once it is taken down', async () => {
    await t.http().post(`/v1/admin/datasets/${exclusiveId}/takedown`).set(auth(admin)).send({ reason: 'Complaint received' }).expect(200);
    await refused({ datasetId: exclusiveId }, 404, 'QUOTE_DATASET_NOT_LISTED');
  });
});
