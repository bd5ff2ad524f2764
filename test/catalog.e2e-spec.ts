import { createHash } from 'node:crypto';
import type { DatasetListPage, DatasetResponse, DatasetSearchPage } from '../src/catalog/dto/dataset.response.js';
import type { FileProofResponse, ManifestResponse } from '../src/catalog/dto/manifest.response.js';
import type { ProvenanceResponse } from '../src/catalog/dto/provenance.response.js';
import type { AuditPage, ReviewQueueItem } from '../src/catalog/dto/review.response.js';
import type { ChainMemoResponse } from '../src/chain/dto/chain-memo.dto.js';
import type { ErrorBody } from '../src/common/errors/error-body.js';
import { parseMemoRecord } from '../src/provenance/memo-record.js';
import { settled, uploadCapture } from './support/captures.js';
import { csvTelemetry, nmeaLog } from './support/fixtures.js';
import { startTestApp, type TestApp } from './support/test-app.js';

const H = (...parts: Buffer[]) => parts.reduce((hash, part) => hash.update(part), createHash('sha256')).digest();

/** The README's five-line verifier: fold a proof from the leaf string up to a root. */
function foldProof(leaf: string, proof: string[]): string {
  let node = H(Buffer.from([0x00]), H(Buffer.from(leaf, 'utf8')));
  for (const hex of proof) {
    const sibling = Buffer.from(hex, 'hex');
    const [lo, hi] = Buffer.compare(node, sibling) <= 0 ? [node, sibling] : [sibling, node];
    node = H(Buffer.from([0x01]), lo, hi);
  }
  return node.toString('hex');
}

const completeDeclarations = { ownsRights: true, identifiablePeople: false, piiRedacted: true, restrictedLocations: false };

describe('catalog: datasets, review, provenance and search (e2e)', () => {
  let t: TestApp;
  let admin: string;
  let alice: string;
  let bob: string;
  let buyer: string;
  let aliceCaptures: string[];
  let bobCapture: string;
  let licences: Record<string, { id: string; terms: Record<string, unknown> }>;
  let datasetId: string;
  const auth = (token: string) => ({ Authorization: `Bearer ${token}` });

  const signUp = async (email: string, role: string) =>
    ((await t.http().post('/v1/auth/register').send({ email, password: 'a-long-password', role }).expect(201)).body as { accessToken: string })
      .accessToken;

  const ready = async (token: string, bytes: Buffer, filename: string) => {
    const id = await uploadCapture(t, token, bytes, { filename });
    expect((await settled(t, token, id)).status).toBe('ready');
    return id;
  };

  const anchored = async (id: string, version: number, timeoutMs = 20_000) => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const res = await t.http().get(`/v1/datasets/${id}/provenance`).set(auth(admin)).expect(200);
      const entry = (res.body as ProvenanceResponse).versions.find((v) => v.version === version);
      if (entry?.anchor?.status === 'confirmed') return res.body as ProvenanceResponse;
      if (Date.now() > deadline) throw new Error(`version ${version} of ${id} not anchored after ${timeoutMs} ms: ${JSON.stringify(entry)}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  };

  /** The narrow search table holds exactly the listed version of each dataset, with that version's search fields. */
  const searchEntries = async () => {
    const listed = await t.sql(`SELECT dataset_id, version, search_vector::text, modalities, networks, bbox::text, time_range::text, licence_slug,
        price_usd_cents, published_at FROM dataset_versions WHERE listed ORDER BY dataset_id`);
    const entries = await t.sql(`SELECT dataset_id, version, search_vector::text, modalities, networks, bbox::text, time_range::text, licence_slug,
        price_usd_cents, published_at FROM dataset_search_entries ORDER BY dataset_id`);
    expect(entries).toEqual(listed);
    return entries.map((row) => `${row.dataset_id as string}@${row.version as number}`);
  };

  const draftBody = (captureIds: string[], extra: Record<string, unknown> = {}) => ({
    title: 'Ljubljana ring road GNSS and CAN telemetry',
    description: 'Two winter mornings of RTK-grade GNSS fixes and vehicle telemetry around Ljubljana.',
    tags: ['gnss', 'telemetry', 'winter'],
    captureIds,
    licenceTemplateId: licences['commercial-ai-training'].id,
    priceUsdCents: 125_000,
    declarations: { ownsRights: true },
    ...extra,
  });

  beforeAll(async () => {
    t = await startTestApp({ ADMIN_EMAIL: 'root@marketplace.test', ADMIN_PASSWORD: 'correct-horse-battery', AUTH_RATE_LIMIT: '1000' });
    const login = await t.http().post('/v1/auth/login').send({ email: 'root@marketplace.test', password: 'correct-horse-battery' }).expect(200);
    admin = (login.body as { accessToken: string }).accessToken;
    alice = await signUp('alice@example.com', 'contributor');
    bob = await signUp('bob@example.com', 'contributor');
    buyer = await signUp('buyer@example.com', 'buyer');
    aliceCaptures = [await ready(alice, nmeaLog(60), 'morning.nmea'), await ready(alice, csvTelemetry(500), 'can-bus.csv')];
    bobCapture = await ready(bob, nmeaLog(30), 'bob.nmea');
    const list = (await t.http().get('/v1/licences').expect(200)).body as { id: string; slug: string; terms: Record<string, unknown> }[];
    licences = Object.fromEntries(list.map((l) => [l.slug, l]));
  }, 60_000);
  afterAll(() => t.close());

  it('creates a draft only from ready captures of the caller, with derived coverage weights', async () => {
    await t.http().post('/v1/datasets').send(draftBody(aliceCaptures)).expect(401);
    const asBuyer = await t.http().post('/v1/datasets').set(auth(buyer)).send(draftBody(aliceCaptures)).expect(403);
    expect((asBuyer.body as ErrorBody).code).toBeDefined();
    const foreign = await t
      .http()
      .post('/v1/datasets')
      .set(auth(alice))
      .send(draftBody([...aliceCaptures, bobCapture]))
      .expect(422);
    expect(foreign.body as ErrorBody).toMatchObject({ code: 'DATASET_CAPTURES_UNUSABLE', message: expect.stringContaining(bobCapture) as unknown });

    const res = await t.http().post('/v1/datasets').set(auth(alice)).send(draftBody(aliceCaptures)).expect(201);
    datasetId = (res.body as DatasetResponse).id;
    expect(res.body).toMatchObject({ status: 'draft', latestVersion: null, versions: [], published: null });
    expect((res.body as DatasetResponse).draft).toMatchObject({
      state: 'editing',
      revision: 1,
      captureIds: aliceCaptures,
      licenceTerms: licences['commercial-ai-training'].terms,
    });
    expect((res.body as DatasetResponse).draft?.missingDeclarations.map((m) => m.split(':')[0])).toEqual([
      'identifiablePeople',
      'piiRedacted',
      'restrictedLocations',
    ]);
    expect((res.body as DatasetResponse).draft?.contributors).toEqual([expect.objectContaining({ files: 2, weightBps: 10_000 })]);
  });

  it('refuses licence terms that widen the template, prices that are not whole cents, and unknown fields', async () => {
    const widened = {
      ...licences['research-only'].terms,
      permittedUses: { aiTraining: true, evaluation: true, commercialUse: true, redistribution: false, derivativeMaps: false },
    };
    const res = await t
      .http()
      .post('/v1/datasets')
      .set(auth(alice))
      .send(draftBody(aliceCaptures, { licenceTemplateId: licences['research-only'].id, licenceTerms: widened }))
      .expect(400);
    expect(res.body as ErrorBody).toMatchObject({
      code: 'LICENCE_TERMS_WIDEN_TEMPLATE',
      message: expect.stringContaining('commercialUse') as unknown,
    });
    await t
      .http()
      .post('/v1/datasets')
      .set(auth(alice))
      .send(draftBody(aliceCaptures, { priceUsdCents: 10.5 }))
      .expect(400);
    await t
      .http()
      .post('/v1/datasets')
      .set(auth(alice))
      .send(draftBody(aliceCaptures, { ownerId: 'someone' }))
      .expect(400);
    const samples = await t
      .http()
      .post('/v1/datasets')
      .set(auth(alice))
      .send(draftBody(aliceCaptures.slice(0, 1), { sampleCaptureIds: [aliceCaptures[1]] }))
      .expect(400);
    expect((samples.body as ErrorBody).code).toBe('DATASET_INVALID');
  });

  it('hides drafts from anonymous callers, buyers and other contributors', async () => {
    await t.http().get(`/v1/datasets/${datasetId}`).expect(404);
    await t.http().get(`/v1/datasets/${datasetId}`).set(auth(buyer)).expect(404);
    await t.http().get(`/v1/datasets/${datasetId}`).set(auth(bob)).expect(404);
    await t.http().get(`/v1/datasets/${datasetId}`).set({ Authorization: 'Bearer not-a-token' }).expect(401);
    await t.http().patch(`/v1/datasets/${datasetId}`).set(auth(bob)).send({ title: 'Mine now' }).expect(404);
    await t.http().post(`/v1/datasets/${datasetId}/submit`).set(auth(bob)).expect(404);
    await t.http().get(`/v1/datasets/${datasetId}/provenance`).expect(404);
    await t.http().get(`/v1/datasets/${datasetId}/versions/1/manifest`).expect(404);
    expect(((await t.http().get(`/v1/datasets/${datasetId}`).set(auth(alice)).expect(200)).body as DatasetResponse).draft?.state).toBe('editing');
    expect(((await t.http().get('/v1/me/datasets').set(auth(bob)).expect(200)).body as DatasetListPage).items).toEqual([]);
    expect(((await t.http().get('/v1/me/datasets').set(auth(alice)).expect(200)).body as DatasetListPage).items.map((d) => d.id)).toEqual([
      datasetId,
    ]);
  });

  it('blocks submission until every declaration is made, naming what is missing', async () => {
    const blocked = await t.http().post(`/v1/datasets/${datasetId}/submit`).set(auth(alice)).expect(422);
    expect((blocked.body as ErrorBody).code).toBe('DATASET_DECLARATIONS_INCOMPLETE');
    expect((blocked.body as ErrorBody).message).toMatch(/identifiablePeople.*piiRedacted.*restrictedLocations/);
    const consent = await t
      .http()
      .patch(`/v1/datasets/${datasetId}`)
      .set(auth(alice))
      .send({ declarations: { ...completeDeclarations, identifiablePeople: true } })
      .expect(200);
    expect((consent.body as DatasetResponse).draft?.missingDeclarations).toEqual([expect.stringMatching(/^consentObtained/)]);
    await t.http().post(`/v1/datasets/${datasetId}/submit`).set(auth(alice)).expect(422);
    await t.http().patch(`/v1/datasets/${datasetId}`).set(auth(alice)).send({ declarations: completeDeclarations }).expect(200);
  });

  it('rejects with a reason; the owner fixes and resubmits; buyers and contributors cannot review', async () => {
    const submitted = await t.http().post(`/v1/datasets/${datasetId}/submit`).set(auth(alice)).expect(200);
    expect(submitted.body).toMatchObject({ status: 'in_review', draft: { state: 'in_review', revision: 3 } });
    await t.http().post(`/v1/datasets/${datasetId}/submit`).set(auth(alice)).expect(409);
    const editing = await t.http().patch(`/v1/datasets/${datasetId}`).set(auth(alice)).send({ title: 'Sneaky edit' }).expect(409);
    expect((editing.body as ErrorBody).code).toBe('DATASET_INVALID_STATE');

    await t.http().get('/v1/admin/reviews').set(auth(buyer)).expect(403);
    await t.http().get('/v1/admin/reviews').set(auth(alice)).expect(403);
    await t.http().post(`/v1/admin/datasets/${datasetId}/approve`).set(auth(alice)).send({}).expect(403);
    await t.http().post(`/v1/admin/datasets/${datasetId}/approve`).send({}).expect(401);

    const queue = await t.http().get('/v1/admin/reviews').set(auth(admin)).expect(200);
    expect(queue.body).toHaveLength(1);
    expect((queue.body as ReviewQueueItem[])[0]).toMatchObject({
      dataset: { id: datasetId, status: 'in_review' },
      changes: { firstVersion: true, addedCaptureIds: aliceCaptures },
      captureCount: 2,
    });
    expect((queue.body as ReviewQueueItem[])[0].captures.map((c) => c.modality ?? '').sort()).toEqual(['gnss', 'telemetry']);

    await t.http().post(`/v1/admin/datasets/${datasetId}/reject`).set(auth(admin)).send({}).expect(400);
    const rejected = await t
      .http()
      .post(`/v1/admin/datasets/${datasetId}/reject`)
      .set(auth(admin))
      .send({ reason: 'The title names the wrong city' })
      .expect(200);
    expect(rejected.body).toMatchObject({ status: 'rejected', draft: { state: 'rejected', reviewReason: 'The title names the wrong city' } });
    await t.http().post(`/v1/admin/datasets/${datasetId}/approve`).set(auth(admin)).send({}).expect(409);
    expect((await t.http().get('/v1/admin/reviews').set(auth(admin)).expect(200)).body).toEqual([]);

    const fixed = await t
      .http()
      .patch(`/v1/datasets/${datasetId}`)
      .set(auth(alice))
      .send({ title: 'Ljubljana and Kranj GNSS and CAN telemetry' })
      .expect(200);
    expect((fixed.body as DatasetResponse).draft).toMatchObject({ state: 'editing', reviewReason: null });
    await t.http().post(`/v1/datasets/${datasetId}/submit`).set(auth(alice)).expect(200);
    const changes = await t
      .http()
      .post(`/v1/admin/datasets/${datasetId}/request-changes`)
      .set(auth(admin))
      .send({ reason: 'Add the tag slovenia' })
      .expect(200);
    expect((changes.body as DatasetResponse).draft).toMatchObject({ state: 'changes_requested', reviewReason: 'Add the tag slovenia' });
    await t
      .http()
      .patch(`/v1/datasets/${datasetId}`)
      .set(auth(alice))
      .send({ tags: ['gnss', 'telemetry', 'winter', 'slovenia'] })
      .expect(200);
    await t.http().post(`/v1/datasets/${datasetId}/submit`).set(auth(alice)).expect(200);
  });

  it('publishes on approval: a frozen version, searchable, anchored on-chain, with proofs that check out against the memo', async () => {
    const approved = await t.http().post(`/v1/admin/datasets/${datasetId}/approve`).set(auth(admin)).send({ note: 'Looks good' }).expect(200);
    expect(approved.body).toMatchObject({ status: 'published', latestVersion: 1, versions: [1], draft: null });
    const published = (approved.body as DatasetResponse).published;
    if (!published) throw new Error('the approved dataset has no published version');
    expect(published).toMatchObject({
      version: 1,
      title: 'Ljubljana and Kranj GNSS and CAN telemetry',
      priceUsdCents: 125_000,
      licence: { slug: 'commercial-ai-training' },
      coverage: { modalities: ['gnss', 'telemetry'], fileCount: 2, timeStart: '2026-11-27T08:00:00.000Z' },
      contributorCount: 1,
    });
    expect(published.coverage.bbox).toEqual([11, 46, expect.any(Number), expect.any(Number)]);
    expect(published.coverage.totalMessages).toBeGreaterThanOrEqual(500);
    expect(published.merkleRoot).toMatch(/^[0-9a-f]{64}$/);
    expect(published.sampleFiles.map((f: { path: string }) => f.path).sort()).toEqual(['gnss/morning.nmea', 'telemetry/can-bus.csv']);

    const anonymous = await t.http().get(`/v1/datasets/${datasetId}`).expect(200);
    expect((anonymous.body as DatasetResponse).draft).toBeUndefined();
    expect((anonymous.body as DatasetResponse).published?.contributors).toBeUndefined();
    expect((anonymous.body as DatasetResponse).published?.merkleRoot).toBe(published.merkleRoot);

    const manifest = (await t.http().get(`/v1/datasets/${datasetId}/versions/1/manifest`).expect(200)).body as ManifestResponse;
    expect(manifest).toMatchObject({ datasetId, version: 1, merkleRoot: published.merkleRoot, leafEncoding: 'dsv1' });
    expect(manifest.files.map((f) => f.path)).toEqual(['gnss/morning.nmea', 'telemetry/can-bus.csv']);
    expect(JSON.stringify(manifest)).not.toContain('captures/');

    const provenance = await anchored(datasetId, 1);
    const anchor = provenance.versions[0].anchor ?? { signature: null };
    expect(anchor).toMatchObject({ status: 'confirmed', cluster: 'litesvm', signature: expect.any(String) as unknown });
    const onChain = await t
      .http()
      .get(`/v1/chain/memos/${anchor.signature ?? ''}`)
      .expect(200);
    const memo = parseMemoRecord((onChain.body as ChainMemoResponse).memo);
    expect(memo).toEqual({ kind: 'anchor', datasetId, version: 1, root: published.merkleRoot });

    for (const file of manifest.files) {
      const proof = (await t.http().get(`/v1/datasets/${datasetId}/versions/1/proof`).query({ path: file.path }).expect(200))
        .body as FileProofResponse;
      const leaf = ['dsv1', datasetId, '1', file.captureId, file.sha256, String(file.sizeBytes), file.path].join('|');
      expect(proof.leaf).toBe(leaf);
      expect(foldProof(leaf, proof.proof)).toBe(memo.kind === 'anchor' ? memo.root : '');
      // A file whose bytes differ has another sha256, hence another leaf, and folds to another root.
      expect(foldProof(leaf.replace(file.sha256, 'f'.repeat(64)), proof.proof)).not.toBe(published.merkleRoot);
    }
    await t.http().get(`/v1/datasets/${datasetId}/versions/1/proof`).query({ path: 'gnss/nope.nmea' }).expect(404);
    await t.http().get(`/v1/datasets/${datasetId}/versions/2/manifest`).expect(404);

    expect(provenance.custody.verification).toMatchObject({ ok: true, entries: provenance.custody.entries.length });
    expect(provenance.custody.entries.map((e) => e.kind)).toEqual([
      'created',
      'files-changed',
      'updated',
      'updated',
      'submitted',
      'reviewed',
      'updated',
      'submitted',
      'reviewed',
      'updated',
      'submitted',
      'reviewed',
      'published',
      'anchored',
    ]);

    const search = await t.http().get('/v1/datasets').query({ q: 'kranj telemetry' }).expect(200);
    expect((search.body as DatasetSearchPage).items).toEqual([
      expect.objectContaining({ id: datasetId, version: 1, licenceSlug: 'commercial-ai-training', priceUsdCents: 125_000 }),
    ]);
    // A hit says exactly what the dataset's own page says.
    const listed = ((await t.http().get(`/v1/datasets/${datasetId}`).expect(200)).body as DatasetResponse).published;
    if (!listed) throw new Error('the dataset has no published version');
    expect(search.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(search.body).toEqual({
      items: [
        {
          id: datasetId,
          version: 1,
          title: listed.title,
          summary: listed.description.slice(0, 300),
          tags: listed.tags,
          coverage: listed.coverage,
          // The outline of the H3 cells the captures' tracks touch (the GNSS fixtures drive around 46N 14E).
          footprint: { type: 'MultiPolygon', coordinates: expect.any(Array) as unknown },
          licenceSlug: listed.licence.slug,
          licenceName: listed.licence.name,
          exclusive: false,
          priceUsdCents: listed.priceUsdCents,
          unitPrices: null,
          publishedAt: listed.publishedAt,
          relevance: expect.any(Number) as unknown,
        },
      ],
      nextCursor: null,
    });
    expect(listed.coverage.bbox).toHaveLength(4);
    expect(listed.coverage.timeStart).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  });

  it('a tampered custody entry is detected, with the first broken entry', async () => {
    const [row] = await t.sql<{ seq: number }>(`SELECT seq FROM custody_records WHERE dataset_id = $1 AND kind = 'published'`, [datasetId]);
    const [original] = await t.sql<{ details: unknown }>(`SELECT details FROM custody_records WHERE dataset_id = $1 AND seq = $2`, [
      datasetId,
      row.seq,
    ]);
    await t.sql(`UPDATE custody_records SET details = jsonb_set(details, '{fileCount}', '1') WHERE dataset_id = $1 AND seq = $2`, [
      datasetId,
      row.seq,
    ]);
    const res = await t.http().get(`/v1/datasets/${datasetId}/provenance`).expect(200);
    expect((res.body as ProvenanceResponse).custody.verification).toMatchObject({ ok: false, brokenAt: row.seq, reason: 'hash-mismatch' });
    await t.sql(`UPDATE custody_records SET details = $3 WHERE dataset_id = $1 AND seq = $2`, [datasetId, row.seq, JSON.stringify(original.details)]);
    expect(((await t.http().get(`/v1/datasets/${datasetId}/provenance`).expect(200)).body as ProvenanceResponse).custody.verification.ok).toBe(true);
  });

  it('edits of a published dataset make version 2 while version 1 stays listed, with the changes shown to the reviewer', async () => {
    const extra = await ready(alice, nmeaLog(10), 'evening.nmea');
    const edit = await t
      .http()
      .patch(`/v1/datasets/${datasetId}`)
      .set(auth(alice))
      .send({ captureIds: [aliceCaptures[0], extra], priceUsdCents: 99_000 })
      .expect(200);
    expect(edit.body).toMatchObject({ status: 'published', latestVersion: 1, draft: { state: 'editing' } });
    expect(((await t.http().get('/v1/datasets').query({ q: 'kranj' }).expect(200)).body as DatasetSearchPage).items[0]).toMatchObject({
      version: 1,
      priceUsdCents: 125_000,
    });
    await t.http().post(`/v1/datasets/${datasetId}/submit`).set(auth(alice)).expect(200);

    const [item] = (await t.http().get('/v1/admin/reviews').set(auth(admin)).expect(200)).body as ReviewQueueItem[];
    expect(item.changes).toEqual({
      firstVersion: false,
      sinceVersion: 1,
      changedFields: ['priceUsdCents', 'captureIds'],
      addedCaptureIds: [extra],
      removedCaptureIds: [aliceCaptures[1]],
    });
    const v2 = await t.http().post(`/v1/admin/datasets/${datasetId}/approve`).set(auth(admin)).send({}).expect(200);
    expect(v2.body).toMatchObject({ latestVersion: 2, versions: [1, 2], published: { version: 2, priceUsdCents: 99_000 } });
    expect((v2.body as DatasetResponse).published?.merkleRoot).not.toBe(
      ((await t.http().get(`/v1/datasets/${datasetId}/versions/1/manifest`).expect(200)).body as ManifestResponse).merkleRoot,
    );
    const search = ((await t.http().get('/v1/datasets').query({ q: 'kranj' }).expect(200)).body as DatasetSearchPage).items;
    expect(search).toEqual([expect.objectContaining({ id: datasetId, version: 2, priceUsdCents: 99_000 })]);
    expect(await searchEntries()).toEqual([`${datasetId}@2`]);
    const provenance = await anchored(datasetId, 2);
    expect(provenance.versions.map((v) => [v.version, v.anchor?.status])).toEqual([
      [1, 'confirmed'],
      [2, 'confirmed'],
    ]);
  });

  it('takedown unlists the dataset for everyone but its owner and admins; reinstating lists it again; all audited', async () => {
    await t.http().post(`/v1/admin/datasets/${datasetId}/takedown`).set(auth(alice)).send({ reason: 'Because I can' }).expect(403);
    const down = await t
      .http()
      .post(`/v1/admin/datasets/${datasetId}/takedown`)
      .set(auth(admin))
      .send({ reason: 'Complaint: a face is visible' })
      .expect(200);
    expect(down.body).toMatchObject({ status: 'taken_down', takedownReason: 'Complaint: a face is visible' });
    await t.http().post(`/v1/admin/datasets/${datasetId}/takedown`).set(auth(admin)).send({ reason: 'Again' }).expect(409);
    expect(((await t.http().get('/v1/datasets').query({ q: 'kranj' }).expect(200)).body as DatasetSearchPage).items).toEqual([]);
    await t.http().get(`/v1/datasets/${datasetId}`).expect(404);
    expect(await searchEntries()).toEqual([]);
    await t.http().get(`/v1/datasets/${datasetId}/versions/2/manifest`).set(auth(buyer)).expect(404);
    expect(((await t.http().get(`/v1/datasets/${datasetId}`).set(auth(alice)).expect(200)).body as DatasetResponse).status).toBe('taken_down');

    await t.http().post(`/v1/admin/datasets/${datasetId}/reinstate`).set(auth(admin)).send({ reason: 'Face blurred in a new upload' }).expect(200);
    expect(((await t.http().get('/v1/datasets').query({ q: 'kranj' }).expect(200)).body as DatasetSearchPage).items).toHaveLength(1);
    expect(await searchEntries()).toEqual([`${datasetId}@2`]);

    const audit = await t.http().get('/v1/admin/audit').query({ datasetId, limit: 3 }).set(auth(admin)).expect(200);
    expect((audit.body as AuditPage).items.map((e: { action: string }) => e.action)).toEqual(['reinstated', 'taken-down', 'approved']);
    expect((audit.body as AuditPage).items[1]).toMatchObject({
      reason: 'Complaint: a face is visible',
      actorId: expect.any(String) as unknown,
      at: expect.any(String) as unknown,
    });
    const next = await t
      .http()
      .get('/v1/admin/audit')
      .query({ datasetId, limit: 3, cursor: (audit.body as AuditPage).nextCursor })
      .set(auth(admin))
      .expect(200);
    expect((next.body as AuditPage).items[0].action).toBe('submitted');
    await t.http().get('/v1/admin/audit').set(auth(alice)).expect(403);
  });

  describe('search', () => {
    const published: Record<string, string> = {};

    const publish = async (token: string, captureIds: string[], fields: Record<string, unknown>) => {
      const created = await t
        .http()
        .post('/v1/datasets')
        .set(auth(token))
        .send({ ...draftBody(captureIds), declarations: completeDeclarations, ...fields })
        .expect(201);
      await t
        .http()
        .post(`/v1/datasets/${(created.body as DatasetResponse).id}/submit`)
        .set(auth(token))
        .expect(200);
      await t
        .http()
        .post(`/v1/admin/datasets/${(created.body as DatasetResponse).id}/approve`)
        .set(auth(admin))
        .send({})
        .expect(200);
      return (created.body as DatasetResponse).id;
    };

    beforeAll(async () => {
      published.bob = await publish(bob, [bobCapture], {
        title: 'Bob goes north',
        tags: ['gnss'],
        priceUsdCents: 5_000,
        licenceTemplateId: licences['research-only'].id,
      });
      const csv = await ready(alice, csvTelemetry(50), 'short.csv');
      published.alice = await publish(alice, [csv], { title: 'Short CAN sample', tags: ['telemetry'], priceUsdCents: 20_000 });
    });

    const ids = async (query: Record<string, string | number>) =>
      (((await t.http().get('/v1/datasets').query(query).expect(200)).body as DatasetSearchPage).items as { id: string }[]).map((item) => item.id);

    it('filters by modality, bbox, time range, licence and price, and sorts by price or recency', async () => {
      expect(await ids({ modality: 'gnss', sort: 'price' })).toEqual([published.bob, datasetId]);
      expect(await ids({ modality: 'telemetry' })).toEqual([published.alice]);
      // The NMEA fixtures walk north-east from 46N 14E; the CSV ones from 48N 11E.
      expect(await ids({ bbox: '13.9,45.9,14.2,46.2', sort: 'price' })).toEqual([published.bob, datasetId]);
      expect(await ids({ bbox: '10.9,47.9,11.1,48.1' })).toEqual([published.alice]);
      expect(await ids({ bbox: '-10,-10,-9,-9' })).toEqual([]);
      // Bob's log ends at 08:00:29, the short CSV at 08:00:49, version 2 of the first dataset at 08:00:59.
      expect(await ids({ from: '2026-11-27T08:00:52Z', to: '2026-11-27T09:00:00Z' })).toEqual([datasetId]);
      expect(await ids({ to: '2026-11-27T08:00:10Z', sort: 'price' })).toEqual([published.bob, published.alice, datasetId]);
      expect(await ids({ from: '2027-01-01T00:00:00Z' })).toEqual([]);
      expect(await ids({ licence: 'research-only' })).toEqual([published.bob]);
      expect(await ids({ maxPriceUsdCents: 20_000, sort: '-price' })).toEqual([published.alice, published.bob]);
      expect(await ids({ sort: 'newest' })).toEqual([published.alice, published.bob, datasetId]);
      expect(await ids({ q: 'north' })).toEqual([published.bob]);
    });

    it('ranks text matches (title above tags above description) and pages by relevance without repeats', async () => {
      // All three descriptions mention winter and GNSS; 'north' is in Bob's title only.
      const all = ((await t.http().get('/v1/datasets').query({ q: 'gnss OR telemetry OR winter' }).expect(200)).body as DatasetSearchPage).items as {
        id: string;
        relevance: number;
      }[];
      expect(all.map((item) => item.id).sort()).toEqual([datasetId, published.alice, published.bob].sort());
      expect(all.map((item) => item.relevance)).toEqual([...all.map((item) => item.relevance)].sort((a, b) => b - a));
      expect(all.every((item) => item.relevance > 0)).toBe(true);
      const titled = ((await t.http().get('/v1/datasets').query({ q: 'north OR gnss' }).expect(200)).body as DatasetSearchPage).items as {
        id: string;
      }[];
      expect(titled[0].id).toBe(published.bob);
      const seen: string[] = [];
      let cursor: string | undefined;
      do {
        const page = await t
          .http()
          .get('/v1/datasets')
          .query({ q: 'gnss OR telemetry OR winter', limit: 1, ...(cursor ? { cursor } : {}) })
          .expect(200);
        seen.push(...(page.body as DatasetSearchPage).items.map((item: { id: string }) => item.id));
        cursor = (page.body as DatasetSearchPage).nextCursor ?? undefined;
      } while (cursor);
      expect(seen).toEqual(all.map((item) => item.id));
      // With q and another order, hits still carry their relevance.
      const newest = ((await t.http().get('/v1/datasets').query({ q: 'gnss', sort: 'newest' }).expect(200)).body as DatasetSearchPage).items as {
        relevance: number;
      }[];
      expect(newest.length).toBeGreaterThan(0);
      expect(newest.every((item) => item.relevance > 0)).toBe(true);
      expect(await searchEntries()).toHaveLength(3);
    });

    it('pages with a cursor that belongs to one sort order', async () => {
      const first = await t.http().get('/v1/datasets').query({ sort: 'price', limit: 2 }).expect(200);
      expect((first.body as DatasetSearchPage).items.map((i: { priceUsdCents: number }) => i.priceUsdCents)).toEqual([5_000, 20_000]);
      const second = await t
        .http()
        .get('/v1/datasets')
        .query({ sort: 'price', limit: 2, cursor: (first.body as DatasetSearchPage).nextCursor })
        .expect(200);
      expect(second.body).toEqual({ items: [expect.objectContaining({ id: datasetId, priceUsdCents: 99_000 })], nextCursor: null });
      const wrongSort = await t
        .http()
        .get('/v1/datasets')
        .query({ sort: 'newest', cursor: (first.body as DatasetSearchPage).nextCursor })
        .expect(400);
      expect((wrongSort.body as ErrorBody).code).toBe('DATASET_INVALID_SEARCH');
      await t.http().get('/v1/datasets').query({ cursor: 'garbage' }).expect(400);
    });

    it('answers 400 for filters that cannot mean anything', async () => {
      await t.http().get('/v1/datasets').query({ bbox: '14,46,13,47' }).expect(400);
      await t.http().get('/v1/datasets').query({ bbox: '1,2,3' }).expect(400);
      await t.http().get('/v1/datasets').query({ from: '2026-02-01T00:00:00Z', to: '2026-01-01T00:00:00Z' }).expect(400);
      await t.http().get('/v1/datasets').query({ sort: 'relevance' }).expect(400);
      await t.http().get('/v1/datasets').query({ modality: 'smell' }).expect(400);
      await t.http().get('/v1/datasets').query({ limit: 1000 }).expect(400);
    });

    it('answers 400 VALIDATION_FAILED naming the field for an impossible from or to, and reads a date-only bound', async () => {
      const from = await t.http().get('/v1/datasets').query({ from: '2026-02-30' }).expect(400);
      expect(from.body as ErrorBody).toEqual(
        expect.objectContaining({ code: 'VALIDATION_FAILED', message: expect.stringContaining('from must be a real date') as unknown }),
      );
      const to = await t.http().get('/v1/datasets').query({ to: '2026-11-27T08:61:00Z' }).expect(400);
      expect(to.body as ErrorBody).toEqual(
        expect.objectContaining({ code: 'VALIDATION_FAILED', message: expect.stringContaining('to must be a real date') as unknown }),
      );
      const dayOnly = await t.http().get('/v1/datasets').query({ from: '2026-11-27', to: '2026-11-28' }).expect(200);
      expect((dayOnly.body as DatasetSearchPage).items.map((item) => item.id)).toContain(datasetId);
    });
  });
});
