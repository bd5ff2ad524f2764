import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { HttpStatus } from '@nestjs/common';
import { latLngToCell } from 'h3-js';
import { DataSource } from 'typeorm';
import type { AuthUser } from '../src/auth/auth-user.js';
import { Role } from '../src/auth/role.js';
import { bboxPolygon } from '../src/common/bbox-polygon.js';
import { CatalogErrorCode } from '../src/catalog/catalog.exception.js';
import { CreateDatasetDto, UpdateDatasetDto } from '../src/catalog/dto/create-dataset.dto.js';
import { CatalogSalesService } from '../src/catalog/services/catalog-sales.service.js';
import { DatasetDraftService } from '../src/catalog/services/dataset-draft.service.js';
import { DatasetReviewService } from '../src/catalog/services/dataset-review.service.js';
import type { UnitPrices } from '../src/catalog/unit-prices.js';
import type { CaptureFootprint } from '../src/ingestion/footprints/footprint.types.js';
import { LicenceTemplateService } from '../src/licensing/services/licence-template.service.js';
import { CreateQuoteDto } from '../src/quotes/dto/create-quote.dto.js';
import { QuoteErrorCode } from '../src/quotes/quote.exception.js';
import { QuotesModule } from '../src/quotes/quotes.module.js';
import { QUOTE_TTL_MS, QuotesService } from '../src/quotes/services/quotes.service.js';
import { ConsentModule } from '../src/consent/consent.module.js';
import { ConsentGrantService } from '../src/consent/services/consent-grant.service.js';
import { type ReviewServices, startReviewServices } from './support/review-services.js';
import { grantAllByService } from './support/consent.js';

/** A straight track east from (lat, lon) over `km`, timed from `start` to `end`, with the res-8 cells of its two ends. */
function track(lat: number, lon: number, km: number, start: string, end: string): CaptureFootprint {
  const east = lon + km / (111.32 * Math.cos((lat * Math.PI) / 180));
  const cells = [...new Set([latLngToCell(lat, lon, 8), latLngToCell(lat, east, 8)])].sort();
  return {
    kind: 'track',
    geometry: {
      type: 'LineString',
      coordinates: [
        [lon, lat],
        [east, lat],
      ],
    },
    bbox: [lon, lat, east, lat],
    lengthKm: km,
    areaKm2: cells.length * 0.74,
    start,
    end,
    positions: 2,
    dropped: { invalid: 0, nullIsland: 0, jumps: 0 },
    h3Resolution: 8,
    cells: cells.map((h3) => ({ h3, start, end })),
    source: 'test track',
  };
}

const LJUBLJANA_BBOX: [number, number, number, number] = [14.45, 46.0, 14.6, 46.1];

/**
 * Per-unit prices and quotes, service by service on a real database (no HTTP): drafts with unit prices through the
 * catalog's draft service, published by the review service, sliced by the catalog's cell index, priced and stored by
 * QuotesService, and redeemed in a transaction as checkout will.
 */
describe('unit prices and quotes (services on a real database)', () => {
  let services: ReviewServices;
  let admin: AuthUser;
  /** Curates the datasets: an admin may put any contributor's ready captures in one. */
  let curator: AuthUser;
  let owner: AuthUser;
  let second: AuthUser;
  let buyer: AuthUser;
  let otherBuyer: AuthUser;
  const licences: Record<string, string> = {};
  const captures = { ljubljana: '', munich: '', telemetry: '' };
  let sliceable: string;

  const drafts = () => services.get(DatasetDraftService);
  const quotes = () => services.get(QuotesService);
  /** A draft of the three captures, curated by an admin, with complete declarations; `fields` changes any of it. */
  const draftOf = (fields: Partial<CreateDatasetDto>) =>
    drafts().create(
      curator,
      Object.assign(new CreateDatasetDto(), {
        title: 'Two cities, one log',
        description: 'A Ljubljana drive, a Munich video and a telemetry log without positions.',
        captureIds: [captures.ljubljana, captures.munich, captures.telemetry],
        licenceTemplateId: licences['commercial-ai-training'],
        priceUsdCents: 12_500,
        declarations: { ownsRights: true, identifiablePeople: false, piiRedacted: true, restrictedLocations: false },
        ...fields,
      }),
    );
  const publish = async (fields: Partial<CreateDatasetDto>): Promise<string> => {
    const created = await draftOf(fields);
    await grantAllByService(services.get(ConsentGrantService), [owner, second], created.id);
    await drafts().submit(curator, created.id);
    await services.get(DatasetReviewService).approve(admin, created.id, 'Checked');
    return created.id;
  };
  const quote = (fields: Partial<CreateQuoteDto>, as: AuthUser = buyer) =>
    quotes().create(as, Object.assign(new CreateQuoteDto(), { datasetId: sliceable, ...fields }));
  const refused = (code: string, status: HttpStatus, message?: RegExp) =>
    expect.objectContaining({ code, status, ...(message ? { message: expect.stringMatching(message) } : {}) });
  const redeem = (id: string, buyerId: string, now?: Date) =>
    services.get(DataSource).transaction((manager) => quotes().redeem(id, buyerId, manager, now));

  beforeAll(async () => {
    services = await startReviewServices([QuotesModule, ConsentModule]);
    admin = await services.user(Role.ADMIN);
    curator = await services.user(Role.ADMIN);
    owner = await services.user(Role.CONTRIBUTOR);
    second = await services.user(Role.CONTRIBUTOR);
    buyer = await services.user(Role.BUYER);
    otherBuyer = await services.user(Role.BUYER);
    for (const licence of await services.get(LicenceTemplateService).list()) licences[licence.slug] = licence.id;
    captures.ljubljana = await services.captures.add(owner.id, {
      sizeBytes: 4_096,
      timeStart: new Date('2026-03-01T08:00:00Z'),
      timeEnd: new Date('2026-03-01T08:30:00Z'),
      footprint: track(46.05, 14.5, 2.5004, '2026-03-01T08:00:00.000Z', '2026-03-01T08:30:00.000Z'),
    });
    captures.munich = await services.captures.add(second.id, {
      modality: 'video',
      format: 'mp4',
      sizeBytes: 8_192,
      timeStart: new Date('2026-03-02T09:00:00Z'),
      timeEnd: new Date('2026-03-02T10:00:00Z'),
      footprint: track(48.14, 11.58, 10, '2026-03-02T09:00:00.000Z', '2026-03-02T10:00:00.000Z'),
    });
    captures.telemetry = await services.captures.add(owner.id, {
      modality: 'telemetry',
      format: 'csv',
      sizeBytes: 1_000,
      bbox: null,
      timeStart: new Date('2026-04-10T12:00:00Z'),
      timeEnd: new Date('2026-04-10T12:15:00Z'),
      footprintReason: 'the file holds no position',
    });
    sliceable = await publish({ unitPrices: { perKmUsdCents: 150, perHourUsdCents: 2_000, minimumUsdCents: 100 } });
  }, 120_000);
  afterAll(() => services.close());

  describe('unit prices on a listing', () => {
    it('are frozen into the published version, shown in its view and handed to sellers', async () => {
      const published = await drafts().get(null, sliceable);
      expect(published.published?.unitPrices).toEqual({ perKmUsdCents: 150, perHourUsdCents: 2_000, minimumUsdCents: 100 });
      expect((await services.get(CatalogSalesService).findSaleable(sliceable))?.unitPrices).toEqual({
        perKmUsdCents: 150,
        perHourUsdCents: 2_000,
        minimumUsdCents: 100,
      });
    });

    it('refuses unit prices with an exclusive licence, at creation and when an edit makes the licence exclusive', async () => {
      const create = draftOf({ licenceTemplateId: licences['exclusive-commercial'], unitPrices: { perKmUsdCents: 10 } });
      await expect(create).rejects.toEqual(refused(CatalogErrorCode.UNIT_PRICES_EXCLUSIVE, HttpStatus.BAD_REQUEST, /only sold whole/));

      const draft = await draftOf({ unitPrices: { perGbUsdCents: 10 } });
      expect(draft.draft?.unitPrices).toEqual({ perGbUsdCents: 10 });
      const exclusive = Object.assign(new UpdateDatasetDto(), { licenceTemplateId: licences['exclusive-commercial'] });
      await expect(drafts().update(curator, draft.id, exclusive)).rejects.toEqual(
        refused(CatalogErrorCode.UNIT_PRICES_EXCLUSIVE, HttpStatus.BAD_REQUEST),
      );
      // Removing them in the same edit is fine.
      const edited = await drafts().update(curator, draft.id, Object.assign(exclusive, { unitPrices: null }));
      expect(edited.draft?.unitPrices).toBeNull();
    });

    it('refuses a minimum without a rate', async () => {
      const create = draftOf({ unitPrices: { minimumUsdCents: 100 } satisfies UnitPrices });
      await expect(create).rejects.toEqual(refused(CatalogErrorCode.INVALID_DATASET, HttpStatus.BAD_REQUEST, /at least one of perKmUsdCents/));
    });
  });

  describe('quotes', () => {
    it('slices by area: exactly the capture there, its km, hours and bytes, priced per km by default', async () => {
      const q = await quote({ area: { bbox: LJUBLJANA_BBOX } });
      expect(q).toMatchObject({
        kind: 'slice',
        version: 1,
        files: [{ captureId: captures.ljubljana }],
        totals: { captures: 1, lengthM: 2_500, km: 2.5, durationMs: 1_800_000, hours: 0.5, bytes: 4_096 },
        // 150 cents/km x 2,500 m = 375 cents exactly.
        priceUsdCents: 375,
        wholePriceUsdCents: 12_500,
        pricing: { unit: 'km', rateUsdCents: 150, ratedUsdCents: 375, minimumApplied: false, cappedAtWholePrice: false },
        rounding: 'half-up, once, on the total',
      });
      expect(q.outline.features.map((f) => f.properties.captureId)).toEqual([captures.ljubljana]);
      expect(q.expiresAt.getTime() - q.createdAt.getTime()).toBe(QUOTE_TTL_MS);
      // Per hour instead: 2,000 cents/hour x 30 min = 1,000 cents.
      expect((await quote({ area: { bbox: LJUBLJANA_BBOX }, unit: 'hour' })).priceUsdCents).toBe(1_000);
      await expect(quote({ area: { bbox: LJUBLJANA_BBOX }, unit: 'gb' })).rejects.toEqual(
        refused(QuoteErrorCode.UNIT_NOT_PRICED, HttpStatus.UNPROCESSABLE_ENTITY, /per km, hour/),
      );
      const [row] = await services.sql<{ leaf_indexes: number[]; area_ranges: { res: number } }>(
        `SELECT leaf_indexes, area_ranges FROM quotes WHERE id = $1`,
        [q.id],
      );
      expect(row.leaf_indexes).toEqual([q.files[0].leafIndex]);
      expect(row.area_ranges.res).toBe(8);
    });

    it('slices by H3 cells and by polygon the same way', async () => {
      const cell = latLngToCell(46.05, 14.5, 6);
      expect((await quote({ area: { cells: [cell] } })).files.map((f) => f.captureId)).toEqual([captures.ljubljana]);
      const polygon = bboxPolygon(LJUBLJANA_BBOX);
      expect((await quote({ area: { polygon } })).files.map((f) => f.captureId)).toEqual([captures.ljubljana]);
    });

    it("slices by window alone through the captures' own times, so a capture without a position counts; the minimum applies", async () => {
      const q = await quote({ from: '2026-04-01', to: '2026-04-30' });
      expect(q.files.map((f) => f.captureId)).toEqual([captures.telemetry]);
      expect(q.totals).toMatchObject({ lengthM: 0, durationMs: 900_000, bytes: 1_000 });
      expect(q).toMatchObject({ priceUsdCents: 100, pricing: { ratedUsdCents: 0, minimumApplied: true } });
    });

    it('slices by modality alone', async () => {
      const q = await quote({ modalities: ['video'] });
      expect(q.files.map((f) => f.captureId)).toEqual([captures.munich]);
      // 150 cents/km x 10 km = 1,500 cents.
      expect(q.priceUsdCents).toBe(1_500);
    });

    it('caps a slice at the whole price', async () => {
      const dear = await publish({ title: 'Dear per hour', unitPrices: { perHourUsdCents: 10_000 } });
      const q = await quote({ datasetId: dear, from: '2026-01-01', to: '2026-12-31' });
      // 1 h 45 min at 10,000 cents/hour = 17,500 cents, more than the whole 12,500.
      expect(q).toMatchObject({ priceUsdCents: 12_500, pricing: { unit: 'hour', ratedUsdCents: 17_500, cappedAtWholePrice: true } });
      expect(q.files).toHaveLength(3);
    });

    it('quotes the whole dataset at the whole price, every file', async () => {
      const q = await quote({});
      expect(q).toMatchObject({ kind: 'whole', priceUsdCents: 12_500, pricing: null, totals: { captures: 3, bytes: 4_096 + 8_192 + 1_000 } });
      expect(q.files.map((f) => f.leafIndex)).toEqual([0, 1, 2]);
    });

    it('says why a slice is empty, and stores nothing', async () => {
      const before = await services.sql<{ n: number }>(`SELECT count(*)::int AS n FROM quotes`);
      await expect(quote({ area: { bbox: [-40, 30, -30, 40] } })).rejects.toEqual(
        refused(QuoteErrorCode.EMPTY_SLICE, HttpStatus.UNPROCESSABLE_ENTITY, /no capture of this dataset is in the area/),
      );
      await expect(quote({ area: { bbox: LJUBLJANA_BBOX }, from: '2025-01-01', to: '2025-12-31' })).rejects.toEqual(
        refused(QuoteErrorCode.EMPTY_SLICE, HttpStatus.UNPROCESSABLE_ENTITY, /none was there in the window/),
      );
      await expect(quote({ from: '2020-01-01', to: '2020-12-31' })).rejects.toEqual(
        refused(QuoteErrorCode.EMPTY_SLICE, HttpStatus.UNPROCESSABLE_ENTITY, /no capture of this dataset was recorded in the window/),
      );
      await expect(quote({ area: { bbox: LJUBLJANA_BBOX }, modalities: ['video', 'pointcloud'] })).rejects.toEqual(
        refused(QuoteErrorCode.EMPTY_SLICE, HttpStatus.UNPROCESSABLE_ENTITY, /no capture in the area is of the modalities video, pointcloud/),
      );
      await expect(quote({ modalities: ['pointcloud'] })).rejects.toEqual(
        refused(QuoteErrorCode.EMPTY_SLICE, HttpStatus.UNPROCESSABLE_ENTITY, /no capture of this dataset is of the modalities pointcloud/),
      );
      expect(await services.sql<{ n: number }>(`SELECT count(*)::int AS n FROM quotes`)).toEqual(before);
    });

    it('refuses bad windows and areas with a 400', async () => {
      await expect(quote({ from: '2026-05-01', to: '2026-04-01' })).rejects.toEqual(refused(QuoteErrorCode.INVALID_WINDOW, HttpStatus.BAD_REQUEST));
      await expect(quote({ area: { bbox: [14.6, 46, 14.5, 46.1] } })).rejects.toEqual(
        refused(CatalogErrorCode.INVALID_AREA, HttpStatus.BAD_REQUEST, /min before max/),
      );
      await expect(quote({ area: { bbox: LJUBLJANA_BBOX, cells: [latLngToCell(46.05, 14.5, 8)] } })).rejects.toEqual(
        refused(CatalogErrorCode.INVALID_AREA, HttpStatus.BAD_REQUEST, /exactly one of bbox, polygon or cells/),
      );
      await expect(quote({ area: { polygon: { type: 'Point', coordinates: [14.5, 46.05] } } })).rejects.toEqual(
        refused(CatalogErrorCode.INVALID_AREA, HttpStatus.BAD_REQUEST, /Polygon or MultiPolygon/),
      );
    });

    it('sells a listing without unit prices, and an exclusive one, only whole', async () => {
      const whole = await publish({ title: 'Whole only' });
      await expect(quote({ datasetId: whole, area: { bbox: LJUBLJANA_BBOX } })).rejects.toEqual(
        refused(QuoteErrorCode.NOT_SLICEABLE, HttpStatus.UNPROCESSABLE_ENTITY),
      );
      expect((await quote({ datasetId: whole })).priceUsdCents).toBe(12_500);
      const exclusive = await publish({ title: 'Exclusive', licenceTemplateId: licences['exclusive-commercial'] });
      await expect(quote({ datasetId: exclusive, area: { bbox: LJUBLJANA_BBOX } })).rejects.toEqual(
        refused(QuoteErrorCode.EXCLUSIVE_WHOLE_ONLY, HttpStatus.UNPROCESSABLE_ENTITY),
      );
      expect((await quote({ datasetId: exclusive })).kind).toBe('whole');
    });

    it('does not quote what is not for sale', async () => {
      const gone = await publish({ title: 'Taken down', unitPrices: { perKmUsdCents: 1 } });
      await services.get(DatasetReviewService).takedown(admin, gone, 'Complaint');
      await expect(quote({ datasetId: gone })).rejects.toEqual(refused(QuoteErrorCode.DATASET_NOT_LISTED, HttpStatus.NOT_FOUND));
      await expect(quote({ datasetId: '00000000-0000-4000-8000-000000000000' })).rejects.toEqual(
        refused(QuoteErrorCode.DATASET_NOT_LISTED, HttpStatus.NOT_FOUND),
      );
    });

    it('shows a quote to its buyer only (and admins); it can never be changed', async () => {
      const q = await quote({ area: { bbox: LJUBLJANA_BBOX } });
      expect(await quotes().get(buyer, q.id)).toEqual(q);
      expect((await quotes().get(admin, q.id)).id).toBe(q.id);
      await expect(quotes().get(otherBuyer, q.id)).rejects.toEqual(refused(QuoteErrorCode.QUOTE_NOT_FOUND, HttpStatus.NOT_FOUND));
      await expect(services.sql(`UPDATE quotes SET price_usd_cents = 1 WHERE id = $1`, [q.id])).rejects.toThrow(/quotes are never changed/);
    });
  });

  describe('version files (for checkout)', () => {
    it('hands each file in leaf order measured as the quote measured it: metres of track, ms of recording, bytes', async () => {
      const files = await services.get(CatalogSalesService).versionFiles(sliceable, 1);
      const stored = await services.sql<{ path: string; sha256: string; object_key: string; capture_id: string }>(
        `SELECT path, sha256, object_key, capture_id FROM dataset_version_files WHERE dataset_id = $1 AND version = 1 ORDER BY leaf_index`,
        [sliceable],
      );
      expect(files.map((f) => f.leafIndex)).toEqual([0, 1, 2]);
      expect(files.map(({ path, sha256, objectKey, captureId }) => ({ path, sha256, object_key: objectKey, capture_id: captureId }))).toEqual(stored);
      const byCapture = new Map(files.map((f) => [f.captureId, f]));
      expect(byCapture.get(captures.ljubljana)).toMatchObject({ contributorId: owner.id, lengthM: 2_500, durationMs: 1_800_000, sizeBytes: 4_096 });
      expect(byCapture.get(captures.munich)).toMatchObject({ contributorId: second.id, lengthM: 10_000, durationMs: 3_600_000, sizeBytes: 8_192 });
      // No position: no track, so 0 m, but its recording time counts.
      expect(byCapture.get(captures.telemetry)).toMatchObject({ contributorId: owner.id, lengthM: 0, durationMs: 900_000, sizeBytes: 1_000 });
      const whole = await quote({ from: '2026-01-01', to: '2026-12-31' });
      expect(whole.totals).toMatchObject({
        lengthM: files.reduce((sum, f) => sum + f.lengthM, 0),
        durationMs: files.reduce((sum, f) => sum + f.durationMs, 0),
        bytes: files.reduce((sum, f) => sum + f.sizeBytes, 0),
      });
    });
  });

  describe('redeem (for checkout)', () => {
    it("answers the buyer's live quote with its exact files and price", async () => {
      const q = await quote({ area: { bbox: LJUBLJANA_BBOX } });
      expect(await redeem(q.id, buyer.id)).toMatchObject({
        id: q.id,
        datasetId: sliceable,
        version: 1,
        kind: 'slice',
        unit: 'km',
        captureIds: [captures.ljubljana],
        leafIndexes: [q.files[0].leafIndex],
        lengthM: 2_500,
        priceUsdCents: 375,
      });
    });

    it("refuses another buyer's quote as unknown, and an expired one", async () => {
      const q = await quote({ area: { bbox: LJUBLJANA_BBOX } });
      await expect(redeem(q.id, otherBuyer.id)).rejects.toEqual(refused(QuoteErrorCode.QUOTE_NOT_FOUND, HttpStatus.NOT_FOUND));
      await expect(redeem(q.id, buyer.id, new Date(q.expiresAt.getTime()))).rejects.toEqual(
        refused(QuoteErrorCode.EXPIRED, HttpStatus.GONE, /expired/),
      );
      expect((await redeem(q.id, buyer.id, new Date(q.expiresAt.getTime() - 1))).id).toBe(q.id);
    });

    it('refuses a quote whose version is no longer listed or whose prices changed', async () => {
      const id = await publish({ title: 'Repriced', unitPrices: { perKmUsdCents: 150 } });
      const before = await quote({ datasetId: id, area: { bbox: LJUBLJANA_BBOX } });
      // Version 2 at the same prices: the quote names version 1, which is no longer for sale.
      await drafts().update(curator, id, Object.assign(new UpdateDatasetDto(), { title: 'Repriced, second edition' }));
      await drafts().submit(curator, id);
      await services.get(DatasetReviewService).approve(admin, id, 'Checked');
      await expect(redeem(before.id, buyer.id)).rejects.toEqual(refused(QuoteErrorCode.STALE, HttpStatus.CONFLICT, /no longer the one for sale/));

      const current = await quote({ datasetId: id, area: { bbox: LJUBLJANA_BBOX } });
      expect(current.version).toBe(2);
      await services.get(DatasetReviewService).takedown(admin, id, 'Complaint');
      await expect(redeem(current.id, buyer.id)).rejects.toEqual(refused(QuoteErrorCode.STALE, HttpStatus.CONFLICT));
      await services.get(DatasetReviewService).reinstate(admin, id, 'Resolved');
      expect((await redeem(current.id, buyer.id)).version).toBe(2);
    });
  });
});
