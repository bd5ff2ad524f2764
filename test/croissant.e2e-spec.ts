import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

import type { ErrorBody } from '../src/common/errors/error-body.js';
import type { VersionFilePage } from '../src/catalog/dto/version-files.dto.js';
import type { DatasetResponse } from '../src/catalog/dto/dataset.response.js';
import type { ManifestResponse } from '../src/catalog/dto/manifest.response.js';
import type { OrderResponse } from '../src/checkout/dto/order.response.js';
import type { TrainingContentEntryResponse } from '../src/checkout/dto/training-content.response.js';
import { readyCapture } from './support/captures.js';
import { auth, logIn, publishCaptures, TEST_ADMIN, type PublishedDataset } from './support/checkout.js';
import { validateCroissant } from './support/croissant-validator.js';
import { describeWithSamples, samplePath } from './support/samples.js';
import { startTestApp, type TestApp } from './support/test-app.js';

type Json = Record<string, unknown>;

const ARTIFACTS = resolve('test-artifacts', 'metadata');

/** The value, or a failed test naming what was missing. */
function present<T>(value: T | null | undefined, what: string): T {
  if (value === null || value === undefined) throw new Error(`${what} is missing`);
  return value;
}

const SAMPLES = ['cerknicko-jezero.gpx', 'gpsbabel_iblue747.csv', 'openvins_tumvi_room4_groundtruth.csv', 'talker.mcap', 'bu353s4.log'] as const;

/**
 * Issue 14 item 3: the Croissant 1.1 and SPDX 3 documents of a dataset built from real files in ../shared/samples (a GPX
 * track, two CSV logs, an MCAP log and an NMEA log), checked by the validator in test/support/croissant-validator.ts,
 * and the paged file list the dataset card reads.
 */
describeWithSamples('Croissant 1.1, SPDX 3 and the file list of a real dataset (e2e)', SAMPLES, () => {
  let t: TestApp;
  let alice: string;
  let published: PublishedDataset;
  let croissant: Json;

  beforeAll(async () => {
    t = await startTestApp({ ADMIN_EMAIL: TEST_ADMIN.email, ADMIN_PASSWORD: TEST_ADMIN.password, AUTH_RATE_LIMIT: '1000' });
    const admin = await logIn(t, TEST_ADMIN.email, TEST_ADMIN.password);
    alice = (
      (await t.http().post('/v1/auth/register').send({ email: 'alice@croissant.test', password: 'a-long-password', role: 'contributor' }).expect(201))
        .body as {
        accessToken: string;
      }
    ).accessToken;
    const captureIds: string[] = [];
    for (const name of SAMPLES) captureIds.push((await readyCapture(t, alice, readFileSync(samplePath(name)), name)).id);
    published = await publishCaptures(
      t,
      { contributor: alice, admin },
      {
        title: 'Ljubljana drives & <lab> runs',
        description: 'GNSS tracks, CAN-style CSV and a ROS 2 talker log.\n\nRecorded by **one** contributor.',
        licenceSlug: 'commercial-ai-training',
        priceUsdCents: 12_500,
        captureIds,
      },
    );
    const response = await t.http().get(`/v1/datasets/${published.datasetId}/croissant`).expect(200);
    expect(response.headers['content-type']).toMatch(/^application\/ld\+json; profile="http:\/\/mlcommons\.org\/croissant\/1\.1"(; charset=utf-8)?$/);
    croissant = JSON.parse(response.text) as Json;
    // Kept as an artifact, for reading and for other validators (mlcroissant validate --jsonld ...).
    mkdirSync(ARTIFACTS, { recursive: true });
    writeFileSync(join(ARTIFACTS, 'samples-croissant.json'), JSON.stringify(croissant, null, 2));
  }, 300_000);

  afterAll(async () => {
    await t.close();
  });

  it('passes the Croissant 1.1 validator', () => {
    expect(validateCroissant(croissant)).toEqual([]);
    expect(croissant.conformsTo).toBe('http://mlcommons.org/croissant/1.1');
    expect(croissant.name).toBe('Ljubljana drives & <lab> runs');
  });

  it('lists every manifest file as a FileObject with its sha256, size and media type', () => {
    const objects = (croissant.distribution as Json[]).filter((d) => d['@type'] === 'cr:FileObject');
    expect(objects.map((o) => [o.name, o.sha256, o.contentSize])).toEqual(published.files.map((f) => [f.path, f.sha256, `${f.sizeBytes} B`]));
    const formats = Object.fromEntries(objects.map((o): [string, unknown] => [String(o.name).replace(/^.*\./, ''), o.encodingFormat]));
    expect(formats).toEqual({ gpx: 'application/gpx+xml', csv: 'text/csv', mcap: 'application/x-mcap', log: 'text/x-nmea' });
  });

  it('describes the CSV columns and the MCAP topics as record sets', () => {
    const recordSets = croissant.recordSet as Json[];
    const gps = recordSets.find((r) => String(r['@id']).includes('gpsbabel_iblue747.csv'));
    const columns = (gps?.field as Json[]).map((f) => [f.name, f.dataType]);
    expect(columns).toEqual(
      expect.arrayContaining([
        ['LATITUDE', 'sc:Float'],
        ['LONGITUDE', 'sc:Float'],
        ['DATE', 'sc:Text'],
      ]),
    );
    expect((gps?.field as Json[])[0].source).toEqual({
      fileObject: { '@id': expect.stringContaining('gpsbabel_iblue747.csv') as unknown },
      extract: { column: 'INDEX' },
    });
    const openvins = recordSets.find((r) => String(r['@id']).includes('openvins'));
    expect((openvins?.field as Json[]).map((f) => f.name)).toEqual([
      'timestamp [ns]',
      'p_RS_R_x [m]',
      'p_RS_R_y [m]',
      'p_RS_R_z [m]',
      'q_RS_w []',
      'q_RS_x []',
      'q_RS_y []',
      'q_RS_z []',
    ]);
    const topics = recordSets.find((r) => String(r['@id']).endsWith('talker.mcap#topics'));
    const data = topics?.data as Json[];
    expect(data.length).toBeGreaterThan(0);
    const id = String(topics?.['@id']);
    expect(data.map((row) => row[`${id}/topic`]).sort()).toEqual(['/parameter_events', '/rosout', '/topic']);
    expect(data.find((row) => row[`${id}/topic`] === '/topic')?.[`${id}/type`]).toBe('std_msgs/msg/String');
    expect(data.every((row) => typeof row[`${id}/messages`] === 'number')).toBe(true);
  });

  it('carries provenance, licence terms, RAI fields and GeoCroissant coverage', async () => {
    const dataset = (await t.http().get(`/v1/datasets/${published.datasetId}`).expect(200)).body as DatasetResponse;
    const version = present(dataset.published, 'the published version');
    const [minLon, minLat, maxLon, maxLat] = present(version.coverage.bbox, 'the bbox');
    const start = new Date(present(version.coverage.timeStart, 'timeStart')).toISOString();
    const end = new Date(present(version.coverage.timeEnd, 'timeEnd')).toISOString();
    expect(croissant.spatialCoverage).toEqual({ '@type': 'Place', geo: { '@type': 'GeoShape', box: `${minLat} ${minLon} ${maxLat} ${maxLon}` } });
    expect(croissant.temporalCoverage).toBe(`${start}/${end}`);
    expect(croissant['rai:dataCollectionTimeframe']).toEqual([start, end]);
    expect(croissant['rai:personalSensitiveInformation']).toContain('No identifiable people');
    expect(croissant['rai:personalSensitiveInformation']).toBe(version.declarationStatements.join(' '));
    const freeze = (croissant['prov:wasGeneratedBy'] as Json[])[0];
    expect(freeze.identifier).toBe(published.merkleRoot);
    const licence = croissant.license as Json;
    expect(licence.name).toBe(version.licence.name);
    expect(licence.text).toBe(version.licence.text);
    expect(String(licence.text).length).toBeGreaterThan(100);
    const usage = croissant.usageInfo as Json;
    const permitted = (usage['odrl:permission'] as Json[]).map((p) => p.name);
    expect(permitted).toContain('training AI models');
    expect(permitted.length + (usage['odrl:prohibition'] as Json[]).length).toBe(5);
  });

  it('names the anchor transaction once the root is anchored', async () => {
    const deadline = Date.now() + 30_000;
    for (;;) {
      const doc = (await t.http().get(`/v1/datasets/${published.datasetId}/croissant`).expect(200)).body as Json;
      const activities = doc['prov:wasGeneratedBy'] as Json[];
      const anchor = activities.find((a) => String(a['@id']).endsWith('#anchor'));
      if (anchor) {
        expect(anchor['prov:label']).toContain(published.merkleRoot);
        expect(String(anchor.identifier).length).toBeGreaterThan(40);
        expect(validateCroissant(doc)).toEqual([]);
        return;
      }
      if (Date.now() > deadline) throw new Error('the anchor never showed in the Croissant document');
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  });

  it('serves an SPDX 3 DatasetPackage whose files, hashes, licences and relationships hold together', async () => {
    const response = await t.http().get(`/v1/datasets/${published.datasetId}/versions/${published.version}/spdx`).expect(200);
    const doc = JSON.parse(response.text) as { '@context': string; '@graph': Json[] };
    writeFileSync(join(ARTIFACTS, 'samples-spdx.json'), JSON.stringify(doc, null, 2));
    expect(doc['@context']).toBe('https://spdx.org/rdf/3.0.1/spdx-context.jsonld');
    const graph = doc['@graph'];
    const byId = new Map(graph.filter((e) => typeof e.spdxId === 'string').map((e) => [String(e.spdxId), e]));
    expect(byId.size).toBe(graph.filter((e) => e.type !== 'CreationInfo').length);
    const creation = graph.find((e) => e.type === 'CreationInfo');
    expect(creation).toMatchObject({ '@id': '_:creationinfo', specVersion: '3.0.1' });
    for (const element of graph) if (element.type !== 'CreationInfo') expect(element.creationInfo).toBe('_:creationinfo');
    const pkg = present(
      graph.find((e) => e.type === 'dataset_DatasetPackage'),
      'the DatasetPackage',
    );
    // The Dataset profile's required properties.
    for (const key of ['originatedBy', 'software_downloadLocation', 'software_primaryPurpose', 'releaseTime', 'builtTime', 'dataset_datasetType'])
      expect(pkg[key]).toBeDefined();
    expect(pkg.dataset_datasetSize).toBe(published.files.reduce((sum, f) => sum + f.sizeBytes, 0));
    expect(pkg.dataset_hasSensitivePersonalInformation).toBe('no');
    const files = graph.filter((e) => e.type === 'software_File');
    expect(files.map((f) => [f.name, (f.verifiedUsing as Json[])[0]])).toEqual(
      published.files.map((f) => [f.path, { type: 'Hash', algorithm: 'sha256', hashValue: f.sha256 }]),
    );
    const relationships = graph.filter((e) => e.type === 'Relationship');
    for (const r of relationships) {
      expect(byId.has(String(r.from))).toBe(true);
      for (const to of r.to as string[]) expect(byId.has(to)).toBe(true);
    }
    const from = (type: string) => relationships.filter((r) => r.from === pkg.spdxId && r.relationshipType === type);
    expect(from('hasDeclaredLicense')).toHaveLength(1);
    expect(from('hasConcludedLicense')).toHaveLength(1);
    expect(from('contains')[0].to).toEqual(files.map((f) => f.spdxId));
    const document = present(
      graph.find((e) => e.type === 'SpdxDocument'),
      'the SpdxDocument',
    );
    expect(document.rootElement).toEqual([pkg.spdxId]);
    for (const id of document.element as string[]) expect(byId.has(id)).toBe(true);
  });

  it('pages through the file list in leaf order with sizes, formats, footprints and GNSS quality', async () => {
    const seen: VersionFilePage['items'] = [];
    let cursor: string | null = null;
    do {
      const page: VersionFilePage = (
        await t
          .http()
          .get(`/v1/datasets/${published.datasetId}/versions/${published.version}/files`)
          .query({ limit: 2, ...(cursor ? { cursor } : {}) })
          .expect(200)
      ).body as VersionFilePage;
      expect(page.total).toBe(SAMPLES.length);
      expect(page.items.length).toBeLessThanOrEqual(2);
      seen.push(...page.items);
      cursor = page.nextCursor;
    } while (cursor !== null);
    expect(seen.map((f) => [f.path, f.sizeBytes, f.sha256])).toEqual(published.files.map((f) => [f.path, f.sizeBytes, f.sha256]));
    const gpx = present(
      seen.find((f) => f.path.endsWith('.gpx')),
      'the GPX file',
    );
    expect(present(gpx.footprint, 'its footprint')).toMatchObject({ kind: 'track', lengthKm: expect.any(Number) as unknown });
    expect(present(gpx.footprint, 'its footprint').lengthKm).toBeGreaterThan(1);
    const nmea = present(
      seen.find((f) => f.format === 'nmea'),
      'the NMEA file',
    );
    expect(present(nmea.gnssQuality, 'its GNSS quality').epochs).toBeGreaterThan(0);
    const mcap = present(
      seen.find((f) => f.format === 'mcap'),
      'the MCAP file',
    );
    expect(mcap.footprint).toBeNull();
    expect(mcap.footprintReason).toEqual(expect.any(String));
  });

  it('answers a clear 400 for a bad cursor and 404 for a missing version', async () => {
    const bad = (await t.http().get(`/v1/datasets/${published.datasetId}/versions/1/files`).query({ cursor: 'abc' }).expect(400)).body as ErrorBody;
    expect(bad.message).toEqual(expect.stringContaining('cursor'));
    const missing = (await t.http().get(`/v1/datasets/${published.datasetId}/croissant`).query({ version: 9 }).expect(404)).body as ErrorBody;
    expect(missing.code).toBe('DATASET_VERSION_NOT_FOUND');
    await t.http().get(`/v1/datasets/${published.datasetId}/versions/9/spdx`).expect(404);
  });

  it('hides a draft from others and shows it to its owner', async () => {
    const manifest = (await t.http().get(`/v1/datasets/${published.datasetId}/versions/1/manifest`).expect(200)).body as ManifestResponse;
    const draft = (
      await t
        .http()
        .post('/v1/datasets')
        .set(auth(alice))
        .send({
          title: 'Unpublished',
          description: 'Not yet reviewed.',
          captureIds: [manifest.files[0].captureId],
          licenceTemplateId: ((await t.http().get('/v1/licences').expect(200)).body as { id: string }[])[0].id,
          priceUsdCents: 100,
          declarations: { ownsRights: true, identifiablePeople: false, piiRedacted: true, restrictedLocations: false },
        })
        .expect(201)
    ).body as DatasetResponse;
    await t.http().get(`/v1/datasets/${draft.id}/croissant`).expect(404);
    // The owner sees it, but a draft has no published version to describe yet.
    const own = (await t.http().get(`/v1/datasets/${draft.id}/croissant`).set(auth(alice)).expect(404)).body as ErrorBody;
    expect(own.code).toBe('DATASET_VERSION_NOT_FOUND');
  });

  it("gives the buyer of a paid order its EU AI Act 'licensed private dataset' entry, and nobody else", async () => {
    const buyer = (
      (await t.http().post('/v1/auth/register').send({ email: 'bob@croissant.test', password: 'a-long-password', role: 'buyer' }).expect(201))
        .body as {
        accessToken: string;
      }
    ).accessToken;
    const order = (await t.http().post('/v1/orders').set(auth(buyer)).send({ datasetId: published.datasetId, paymentMethod: 'solana' }).expect(201))
      .body as OrderResponse;
    const unpaid = (await t.http().get(`/v1/orders/${order.id}/training-content`).set(auth(buyer)).expect(409)).body as ErrorBody;
    expect(unpaid.code).toBe('CHECKOUT_ORDER_NOT_PAID');
    await t.http().post('/v1/dev/solana/pay').send({ url: order.solanaPay?.url }).expect(200);
    await t.http().post(`/v1/orders/${order.id}/confirm-solana`).set(auth(buyer)).send({}).expect(200);
    const entry = (await t.http().get(`/v1/orders/${order.id}/training-content`).set(auth(buyer)).expect(200)).body as TrainingContentEntryResponse;
    const dataset = (await t.http().get(`/v1/datasets/${published.datasetId}`).expect(200)).body as DatasetResponse;
    const coverage = present(dataset.published, 'the published version').coverage;
    expect(entry).toMatchObject({
      orderId: order.id,
      category: 'licensed_private_dataset',
      datasetTitle: 'Ljubljana drives & <lab> runs',
      version: published.version,
      merkleRoot: published.merkleRoot,
      licensor: { name: 'DePAI data marketplace', contributorCount: 1 },
      files: SAMPLES.length,
      sizeBytes: published.files.reduce((sum, f) => sum + f.sizeBytes, 0),
      collectionPeriod: {
        start: new Date(present(coverage.timeStart, 'timeStart')).toISOString(),
        end: new Date(present(coverage.timeEnd, 'timeEnd')).toISOString(),
      },
    });
    // GNSS tracks, CSV logs and an MCAP log are all sensor data: the template's "other" modality.
    expect(entry.modalities).toEqual([
      {
        modality: 'other',
        sources: ['gnss', 'telemetry'],
        sizeRange: 'Less than 1 GB of sensor data',
        amount: expect.stringContaining('5 files') as unknown,
      },
    ]);
    expect(entry.text).toContain('licensed from the DePAI data marketplace');
    expect(entry.text).toContain(`Collected between ${new Date(present(coverage.timeStart, 'timeStart')).toISOString().slice(0, 10)}`);
    // Another buyer, and the contributor, do not see it.
    const other = (
      (await t.http().post('/v1/auth/register').send({ email: 'eve@croissant.test', password: 'a-long-password', role: 'buyer' }).expect(201))
        .body as {
        accessToken: string;
      }
    ).accessToken;
    await t.http().get(`/v1/orders/${order.id}/training-content`).set(auth(other)).expect(404);
    await t.http().get(`/v1/orders/${order.id}/training-content`).set(auth(alice)).expect(404);
  });
});
