import { readFileSync } from 'node:fs';

import { cellToParent, latLngToCell } from 'h3-js';

import type { DatasetSearchPage } from '../src/catalog/dto/dataset.response.js';
import type { CatalogCoverageResponse, DatasetCoverageResponse } from '../src/catalog/dto/coverage.response.js';
import { VersionFootprintsService } from '../src/catalog/services/version-footprints.service.js';
import type { ErrorBody } from '../src/common/errors/error-body.js';
import type { CaptureResponse } from '../src/ingestion/dto/capture.response.js';
import { FootprintBackfillService } from '../src/ingestion/services/footprint-backfill.service.js';
import { readyCapture } from './support/captures.js';
import { auth, logIn, publishCaptures, TEST_ADMIN } from './support/checkout.js';
import { describeWithSamples, samplePath } from './support/samples.js';
import { startTestApp, type TestApp } from './support/test-app.js';

/**
 * Issue 12, end to end on real files: a dataset of a Slovenian GPX track (Lake Cerknica, August 2010) and a New
 * Zealand NMEA log (gpsd's bu353s4, 31 December 2014), and one of a LAZ point cloud in Oregon State Plane feet
 * (autzen). One box around the first dataset would span the Indian Ocean; only real footprints say where data is.
 */
describeWithSamples(
  'footprints: honest geo + time search, coverage and GNSS quality (e2e)',
  ['cerknicko-jezero.gpx', 'bu353s4.log', 'autzen_trim.laz'],
  () => {
    let t: TestApp;
    let admin: string;
    let alice: string;
    const ids: Record<'gpx' | 'nmea' | 'laz', string> = { gpx: '', nmea: '', laz: '' };
    let mixed: string;
    let survey: string;

    const ready = (name: string): Promise<CaptureResponse> => readyCapture(t, alice, readFileSync(samplePath(name)), name);

    const publish = async (title: string, captureIds: string[]): Promise<string> =>
      (
        await publishCaptures(
          t,
          { contributor: alice, admin },
          { title, description: 'Real footprints from real files.', licenceSlug: 'commercial-ai-training', priceUsdCents: 10_000, captureIds },
        )
      ).datasetId;

    const search = async (query: Record<string, string | number>): Promise<string[]> =>
      ((await t.http().get('/v1/datasets').query(query).expect(200)).body as DatasetSearchPage).items.map((item) => item.id).sort();

    beforeAll(async () => {
      t = await startTestApp({ ADMIN_EMAIL: TEST_ADMIN.email, ADMIN_PASSWORD: TEST_ADMIN.password, AUTH_RATE_LIMIT: '1000' });
      admin = await logIn(t, TEST_ADMIN.email, TEST_ADMIN.password);
      alice = (
        (
          await t
            .http()
            .post('/v1/auth/register')
            .send({ email: 'alice@footprints.test', password: 'a-long-password', role: 'contributor' })
            .expect(201)
        ).body as { accessToken: string }
      ).accessToken;
      const gpx = await ready('cerknicko-jezero.gpx');
      const nmea = await ready('bu353s4.log');
      const laz = await ready('autzen_trim.laz');
      ids.gpx = gpx.id;
      ids.nmea = nmea.id;
      ids.laz = laz.id;
      mixed = await publish('Lake Cerknica and a New Zealand drive', [gpx.id, nmea.id]);
      survey = await publish('Autzen stadium LiDAR', [laz.id]);
    }, 240_000);

    afterAll(async () => {
      await t.close();
    });

    it('extracts a footprint from the bytes of each capture, with the GNSS quality the format carries', async () => {
      const gpx = (await t.http().get(`/v1/captures/${ids.gpx}`).set(auth(alice)).expect(200)).body as CaptureResponse;
      expect(gpx.footprint).toMatchObject({ kind: 'track', h3Resolution: 8 });
      expect(gpx.footprint?.start).toMatch(/^2010-08-0/);
      const [w, s, e, n] = gpx.footprint?.bbox ?? [];
      expect([w, s, e, n].every(Number.isFinite)).toBe(true);
      expect(w).toBeGreaterThan(14.2);
      expect(e).toBeLessThan(14.6);
      expect(s).toBeGreaterThan(45.6);
      expect(n).toBeLessThan(45.9);
      expect(gpx.footprint?.lengthKm).toBeGreaterThan(1);
      expect(gpx.footprint?.cells).toBeGreaterThan(3);

      const nmea = (await t.http().get(`/v1/captures/${ids.nmea}`).set(auth(alice)).expect(200)).body as CaptureResponse;
      expect(nmea.footprint?.bbox[1]).toBeCloseTo(-37.78, 1);
      expect(nmea.footprint?.bbox[0]).toBeCloseTo(175.31, 1);
      expect(nmea.gnssQuality?.rtkFixed).toBe(0);
      expect(nmea.gnssQuality?.medianHdop).toBeLessThanOrEqual(1.5);

      // LAZ in Oregon State Plane North (international feet): reprojected, it lies on the Autzen stadium in Eugene.
      const laz = (await t.http().get(`/v1/captures/${ids.laz}`).set(auth(alice)).expect(200)).body as CaptureResponse;
      expect(laz.footprint?.kind).toBe('polygon');
      const [lw, ls, le, ln] = laz.footprint?.bbox ?? [];
      expect(lw).toBeGreaterThan(-123.1);
      expect(le).toBeLessThan(-123.0);
      expect(ls).toBeGreaterThan(44.0);
      expect(ln).toBeLessThan(44.1);
    });

    it('finds a dataset only where and when one of its captures was', async () => {
      // Between Slovenia and New Zealand: inside one box around the dataset, but nothing was captured there.
      expect(await search({ bbox: '70,-10,80,0' })).toEqual([]);
      expect(await search({ bbox: '-40,30,-30,40' })).toEqual([]);
      // Lake Cerknica.
      expect(await search({ bbox: '14.3,45.7,14.5,45.8' })).toEqual([mixed]);
      // The right place in the wrong year, and in the right month.
      expect(await search({ bbox: '14.3,45.7,14.5,45.8', from: '2012-01-01', to: '2012-12-31' })).toEqual([]);
      expect(await search({ bbox: '14.3,45.7,14.5,45.8', from: '2010-08-01', to: '2010-08-31' })).toEqual([mixed]);
      // The NZ drive was on 31 December 2014, so a window in 2014 finds the dataset without an area, and 2012 does not.
      expect(await search({ from: '2014-12-31', to: '2014-12-31T23:59:59Z' })).toEqual([mixed]);
      expect(await search({ from: '2012-01-01', to: '2012-12-31' })).toEqual([]);
      // Eugene, Oregon: the LAZ's reprojected footprint.
      expect(await search({ bbox: '-123.2,44.0,-123.0,44.1' })).toEqual([survey]);
      // Modality of the capture in the area: the Oregon cloud is not GNSS.
      expect(await search({ bbox: '-123.2,44.0,-123.0,44.1', modality: 'gnss' })).toEqual([]);
    });

    it('takes GeoJSON polygons (query or body) and H3 cells as areas', async () => {
      const lake = {
        type: 'Polygon',
        coordinates: [
          [
            [14.3, 45.7],
            [14.5, 45.7],
            [14.5, 45.8],
            [14.3, 45.8],
            [14.3, 45.7],
          ],
        ],
      };
      expect(await search({ polygon: JSON.stringify(lake) })).toEqual([mixed]);
      const posted = await t.http().post('/v1/datasets/search').send({ polygon: lake, from: '2010-08-01' }).expect(200);
      expect((posted.body as DatasetSearchPage).items.map((i) => i.id)).toEqual([mixed]);
      const lakeCell = latLngToCell(45.75, 14.37, 8);
      const gpx = (await t.http().get(`/v1/datasets/${mixed}/coverage`).query({ cells: 'true' }).expect(200)).body as DatasetCoverageResponse;
      const someCell = gpx.cells?.[0]?.h3 ?? lakeCell;
      expect(await search({ cells: cellToParent(someCell, 5) })).toContain(mixed);
      expect(await search({ cells: latLngToCell(0, -30, 5) })).toEqual([]);
    });

    it("stores each hit's outline once, from its cells, and drops it when the cells change", async () => {
      const hitOutline = async () =>
        ((await t.http().get('/v1/datasets').query({ bbox: '14.3,45.7,14.5,45.8' }).expect(200)).body as DatasetSearchPage).items[0].footprint;
      const outline = async () =>
        (await t.sql<{ outline: unknown }>(`SELECT coverage_outline AS outline FROM dataset_search_entries WHERE dataset_id = $1`, [mixed]))[0]
          .outline;
      // Until the footprint-sync job has run, a hit's outline is drawn from its cells on each request.
      await t.sql(`UPDATE dataset_search_entries SET coverage_outline = NULL WHERE dataset_id = $1`, [mixed]);
      const drawn = await hitOutline();
      expect(drawn).toMatchObject({ type: 'MultiPolygon' });
      expect(await t.app.get(VersionFootprintsService).fillOutlines()).toBeGreaterThanOrEqual(1);
      expect(await outline()).toEqual(drawn);
      expect(await hitOutline()).toEqual(drawn);
      // A stored outline is served as stored; nothing pending is left.
      expect(await t.app.get(VersionFootprintsService).fillOutlines()).toBe(0);
      // New cells clear it (the trigger), so a stale outline is never served.
      await t.sql(`UPDATE dataset_search_entries SET coverage_cells = coverage_cells[1:1] WHERE dataset_id = $1`, [mixed]);
      expect(await outline()).toBeNull();
      await t.sql(`SELECT dataset_search_index_version($1, 1, true)`, [mixed]);
      expect(await t.app.get(VersionFootprintsService).fillOutlines()).toBeGreaterThanOrEqual(1);
      expect(await outline()).toEqual(drawn);
    });

    it('refuses areas that are not places with a 400 and the reason', async () => {
      const bad = async (query: Record<string, string>, message: RegExp) => {
        const res = await t.http().get('/v1/datasets').query(query).expect(400);
        expect((res.body as ErrorBody).code).toBe('DATASET_INVALID_AREA');
        expect((res.body as ErrorBody).message).toMatch(message);
      };
      await bad(
        {
          polygon: JSON.stringify({
            type: 'Polygon',
            coordinates: [
              [
                [0, 0],
                [1, 1],
                [1, 0],
                [0, 1],
                [0, 0],
              ],
            ],
          }),
        },
        /intersects itself/,
      );
      await bad(
        {
          polygon: JSON.stringify({
            type: 'Polygon',
            coordinates: [
              [
                [-100, -60],
                [60, -60],
                [60, 70],
                [-100, 70],
                [-100, -60],
              ],
            ],
          }),
        },
        /more than a continent/,
      );
      await bad({ polygon: '{"type":"Polygon"' }, /not valid JSON/);
      await bad({ bbox: '14,46,13,47' }, /min before max/);
      await t.http().get('/v1/datasets').query({ cells: 'nothex' }).expect(400);
      await t
        .http()
        .post('/v1/datasets/search')
        .send({ polygon: { type: 'Point', coordinates: [1, 2] } })
        .expect(400);
    });

    it('filters by GNSS quality of a capture', async () => {
      expect(await search({ maxHdop: 1.5 })).toEqual([mixed]);
      expect(await search({ maxHdop: 0.5 })).toEqual([]);
      expect(await search({ minRtkFixed: 0.9 })).toEqual([]);
      await t.http().get('/v1/datasets').query({ minRtkFixed: 2 }).expect(400);
    });

    it('serves coverage as GeoJSON: each capture, its totals, and the catalogue coverage layer', async () => {
      const coverage = (await t.http().get(`/v1/datasets/${mixed}/coverage`).expect(200)).body as DatasetCoverageResponse;
      expect(coverage.type).toBe('FeatureCollection');
      expect(coverage.features).toHaveLength(2);
      expect(coverage.withoutFootprint).toEqual([]);
      for (const feature of coverage.features) expect(['LineString', 'MultiLineString', 'Point']).toContain(feature.geometry.type);
      expect(coverage.totals).toMatchObject({ captures: 2, withFootprint: 2 });
      expect(coverage.totals.km).toBeGreaterThan(1);
      expect(coverage.totals.cells).toBeGreaterThan(3);

      const laz = (await t.http().get(`/v1/datasets/${survey}/coverage`).expect(200)).body as DatasetCoverageResponse;
      expect(laz.features[0].geometry.type).toBe('Polygon');

      const hit = ((await t.http().get('/v1/datasets').query({ bbox: '14.3,45.7,14.5,45.8' }).expect(200)).body as DatasetSearchPage).items[0];
      expect(hit.footprint?.type).toBe('MultiPolygon');

      const world = (await t.http().get('/v1/coverage').query({ zoom: 2 }).expect(200)).body as CatalogCoverageResponse;
      expect(world.res).toBe(3);
      const slovenia = world.features.find((f) => f.properties.h3 === cellToParent(latLngToCell(45.75, 14.37, 8), 3));
      expect(slovenia?.properties).toMatchObject({ datasets: 1, modalities: ['gnss'] });
      const oregon = (await t.http().get('/v1/coverage').query({ zoom: 12, bbox: '-123.2,44.0,-123.0,44.1', modality: 'pointcloud' }).expect(200))
        .body as CatalogCoverageResponse;
      expect(oregon.res).toBe(7);
      expect(oregon.features.length).toBeGreaterThan(0);
      expect(oregon.features.every((f) => f.properties.modalities.includes('pointcloud'))).toBe(true);
    });

    it('backfills footprints of captures stored before footprints existed, through the job queue, and search follows', async () => {
      const before = await t.sql<{ sha256: string; size_bytes: string }>(`SELECT sha256, size_bytes FROM captures WHERE id = $1`, [ids.gpx]);
      await t.sql(`UPDATE captures SET footprint = NULL, footprint_reason = NULL, gnss_quality = NULL, footprint_version = 0 WHERE id = $1`, [
        ids.gpx,
      ]);
      await t.sql(`UPDATE dataset_version_files SET footprint = NULL, footprint_reason = NULL, gnss_quality = NULL WHERE capture_id = $1`, [ids.gpx]);
      await t.sql(`SELECT dataset_search_index_version($1, 1, true)`, [mixed]);
      expect(await search({ bbox: '14.3,45.7,14.5,45.8' })).toEqual([]);

      expect(await t.app.get(FootprintBackfillService).sweep()).toBe(1);
      const deadline = Date.now() + 60_000;
      for (;;) {
        const [row] = await t.sql<{ footprint_version: number }>(`SELECT footprint_version FROM captures WHERE id = $1`, [ids.gpx]);
        if (row.footprint_version === 1) break;
        if (Date.now() > deadline) throw new Error('the footprint job did not run');
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      // The scheduled catalog.footprint-sync may have got there first (it runs every minute); either way the file is filled once.
      expect(await t.app.get(VersionFootprintsService).run()).toBeLessThanOrEqual(1);
      const [file] = await t.sql<{ filled: boolean }>(`SELECT footprint IS NOT NULL AS filled FROM dataset_version_files WHERE capture_id = $1`, [
        ids.gpx,
      ]);
      expect(file.filled).toBe(true);
      expect(await search({ bbox: '14.3,45.7,14.5,45.8' })).toEqual([mixed]);
      // Derived facts only: the verified bytes' hash and size are what they were.
      expect(await t.sql(`SELECT sha256, size_bytes FROM captures WHERE id = $1`, [ids.gpx])).toEqual(before);
      // A second sweep finds nothing to do.
      expect(await t.app.get(FootprintBackfillService).sweep()).toBe(0);
    });
  },
);
