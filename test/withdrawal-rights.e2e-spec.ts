import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DatasetResponse } from '../src/catalog/dto/dataset.response.js';
import type { ManifestResponse } from '../src/catalog/dto/manifest.response.js';
import type { ProvenanceResponse } from '../src/catalog/dto/provenance.response.js';
import type { CertificateResponse, DownloadsResponse } from '../src/checkout/dto/fulfilment.response.js';
import type { EarningResponse, SplitResponse } from '../src/revenue/dto/split.response.js';
import type { OrderResponse } from '../src/checkout/dto/order.response.js';
import { type LicenceCertificate, sliceFilesDigest, verifyCertificate } from '../src/checkout/licence-certificate.js';
import type { ErrorBody } from '../src/common/errors/error-body.js';
import type { Plain } from '../src/common/plain.js';
import type { LicenceTemplateResponse } from '../src/licensing/dto/licence.dto.js';
import type { DatasetConsentResponse } from '../src/consent/dto/consent.response.js';
import type { TakedownResponse, TakeOutResponse } from '../src/consent/dto/takedown.dto.js';
import { readyCapture } from './support/captures.js';
import { auth, logIn, publishCurated as publishCuratedDataset, signUp, TEST_ADMIN } from './support/checkout.js';
import { csvTelemetry, nmeaLog } from './support/fixtures.js';
import { startTestApp, type TestApp } from './support/test-app.js';
import { waitFor } from './support/wait-for.js';
import { startOnReservedPort } from '../scripts/demo/service.js';

const declarations = { ownsRights: true, identifiablePeople: false, piiRedacted: true, restrictedLocations: false };
const CLIENT = join(process.cwd(), 'scripts', 'depai.mjs');

/** Runs `npx depai pull` as a buyer would, without the test runner's NODE_OPTIONS. */
function depai(args: string[]): Promise<{ code: number | null; stdout: string }> {
  const env: Record<string, string | undefined> = { ...process.env };
  delete env.NODE_OPTIONS;
  const child: ChildProcess = spawn(process.execPath, [CLIENT, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  const collect = (chunk: Buffer) => {
    stdout += chunk.toString('utf8');
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  return new Promise((resolve) => {
    child.on('close', (code) => {
      resolve({ code, stdout });
    });
  });
}

describe('what a withdrawal does to buyers: revocableOnWithdrawal, stopped downloads, reissued certificates (e2e)', () => {
  let t: TestApp;
  let api: string;
  let dir: string;
  let admin: string;
  let alice: string;
  let carol: string;

  /** The admin curates the captures under the licence; every contributor grants; it is approved and anchored. */
  const publishCurated = async (captureIds: string[], licence: string, contributors: string[]) => {
    const id = await publishCuratedDataset(t, admin, {
      title: `Curated ${licence}`,
      description: 'Curated drives.',
      captureIds,
      licenceSlug: licence,
      priceUsdCents: 5_000,
      contributors,
    });
    await waitFor(async () => {
      const { versions } = (await t.http().get(`/v1/datasets/${id}/provenance`).expect(200)).body as ProvenanceResponse;
      return versions.at(-1)?.anchor?.status === 'confirmed' ? true : undefined;
    }, 'the version to be anchored');
    return id;
  };

  const buy = async (buyer: string, datasetId: string) => {
    const order = (await t.http().post('/v1/orders').set(auth(buyer)).send({ datasetId, paymentMethod: 'solana' }).expect(201))
      .body as Plain<OrderResponse>;
    await t.http().post('/v1/dev/solana/pay').send({ url: order.solanaPay?.url }).expect(200);
    await t.http().post(`/v1/orders/${order.id}/confirm-solana`).set(auth(buyer)).send({}).expect(200);
    return order.id;
  };

  const downloads = async (buyer: string, orderId: string) =>
    (await t.http().get(`/v1/orders/${orderId}/downloads`).set(auth(buyer)).expect(200)).body as Plain<DownloadsResponse>;
  const certificate = async (buyer: string, orderId: string) =>
    (await t.http().get(`/v1/orders/${orderId}/certificate`).set(auth(buyer)).expect(200)).body as Plain<CertificateResponse>;
  const withdraw = (token: string, datasetId: string, captureIds: string[]) =>
    t
      .http()
      .post(`/v1/datasets/${datasetId}/consent/withdrawals`)
      .set(auth(token))
      .send({ captureIds, reason: 'Someone is recognisable.' })
      .expect(201);
  const relative = (url: string) => url.slice(t.config.publicUrl.length);

  beforeAll(async () => {
    // Download URLs are signed for PUBLIC_URL: the port the app then listens on, so `depai pull` can fetch them.
    const { port, started } = await startOnReservedPort(
      (reserved) =>
        startTestApp({
          ADMIN_EMAIL: TEST_ADMIN.email,
          ADMIN_PASSWORD: TEST_ADMIN.password,
          AUTH_RATE_LIMIT: '1000',
          PUBLIC_URL: `http://127.0.0.1:${String(reserved)}`,
        }),
      (app) => app.app.getHttpServer(),
    );
    t = started;
    api = `http://127.0.0.1:${String(port)}`;
    dir = mkdtempSync(join(tmpdir(), 'withdrawal-rights-'));
    admin = await logIn(t, TEST_ADMIN.email, TEST_ADMIN.password);
    alice = await signUp(t, 'alice@withdraw.test', 'contributor');
    carol = await signUp(t, 'carol@withdraw.test', 'contributor');
  }, 120_000);
  afterAll(async () => {
    await t.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('each seeded template says whether withdrawal ends the right; a narrowing may switch it on, never off', async () => {
    const list = (await t.http().get('/v1/licences').expect(200)).body as LicenceTemplateResponse[];
    expect(Object.fromEntries(list.map((l) => [l.slug, l.terms.revocableOnWithdrawal]))).toEqual({
      'research-only': true,
      'commercial-ai-training': false,
      'commercial-no-resale': true,
      'exclusive-commercial': false,
    });
    const capture = (await readyCapture(t, alice, nmeaLog(11), 'narrowing.nmea')).id;
    const research = list.find((l) => l.slug === 'research-only') as LicenceTemplateResponse;
    const body = { title: 'Narrowed', description: 'Narrowed terms.', captureIds: [capture], priceUsdCents: 100, declarations };
    const refused = await t
      .http()
      .post('/v1/datasets')
      .set(auth(alice))
      .send({ ...body, licenceTemplateId: research.id, licenceTerms: { ...research.terms, revocableOnWithdrawal: false } })
      .expect(400);
    expect((refused.body as ErrorBody).message).toContain('revocableOnWithdrawal cannot be dropped');
    // A narrowing written before the term existed takes the template's; switching it on narrows a commercial licence.
    const older: Partial<LicenceTemplateResponse['terms']> = { ...research.terms };
    delete older.revocableOnWithdrawal;
    const kept = (
      await t
        .http()
        .post('/v1/datasets')
        .set(auth(alice))
        .send({ ...body, licenceTemplateId: research.id, licenceTerms: older })
        .expect(201)
    ).body as DatasetResponse;
    expect(kept.draft?.licenceTerms.revocableOnWithdrawal).toBe(true);
    const commercial = list.find((l) => l.slug === 'commercial-ai-training') as LicenceTemplateResponse;
    const narrowed = (
      await t
        .http()
        .post('/v1/datasets')
        .set(auth(alice))
        .send({ ...body, licenceTemplateId: commercial.id, licenceTerms: { ...commercial.terms, revocableOnWithdrawal: true } })
        .expect(201)
    ).body as DatasetResponse;
    expect(narrowed.draft?.licenceTerms.revocableOnWithdrawal).toBe(true);

    // A contributor asked for consent reads what a withdrawal would do to buyers, in plain words.
    const curated = (
      await t
        .http()
        .post('/v1/datasets')
        .set(auth(admin))
        .send({ ...body, licenceTemplateId: research.id })
        .expect(201)
    ).body as DatasetResponse;
    const request = (await t.http().get(`/v1/datasets/${curated.id}/consent-request`).set(auth(alice)).expect(200)).body as { plainTerms: string[] };
    expect(request.plainTerms).toContain(
      'If a contributor withdraws consent, buyers must stop using the withdrawn files: their downloads stop and the certificate is reissued without them',
    );
  });

  it('revocable licence: the withdrawn file stops downloading, its old URL is refused, the certificate is reissued and pull verifies the rest', async () => {
    const [kept, gone] = [
      (await readyCapture(t, alice, nmeaLog(61), 'alice-kept.nmea')).id,
      (await readyCapture(t, alice, csvTelemetry(62), 'alice-gone.csv')).id,
    ];
    const carols = (await readyCapture(t, carol, nmeaLog(63), 'carol.nmea')).id;
    const datasetId = await publishCurated([kept, gone, carols], 'research-only', [alice, carol]);
    const buyer = await signUp(t, 'ria@withdraw.test', 'buyer');
    const orderId = await buy(buyer, datasetId);
    const before = await downloads(buyer, orderId);
    expect(before).toMatchObject({ withdrawn: [] });
    expect(before.files).toHaveLength(3);
    const original = await certificate(buyer, orderId);
    expect(original.superseded).toEqual([]);
    const originalPayload = JSON.parse(original.payload) as LicenceCertificate;
    expect(originalPayload.licence.terms.revocableOnWithdrawal).toBe(true);
    expect(originalPayload.withdrawn).toBeUndefined();

    // Manifest entries come in leaf order.
    const manifest = {
      files: ((await t.http().get(`/v1/datasets/${datasetId}/versions/1/manifest`).expect(200)).body as ManifestResponse).files.map(
        (file, leafIndex) => Object.assign({ leafIndex }, file),
      ),
    };
    const goneFile = manifest.files.find((file) => file.captureId === gone) as (typeof manifest.files)[number];
    const oldUrlOf = (path: string) => relative(before.files.find((file) => file.path === path)?.url ?? '');
    await t.http().get(oldUrlOf(goneFile.path)).expect(200);
    await withdraw(alice, datasetId, [gone]);

    // The file list: the withdrawn file is marked, with a code and a reason, and no longer handed a URL.
    const after = await downloads(buyer, orderId);
    expect(after.files.map((file) => file.path).sort()).toEqual(
      manifest.files
        .filter((file) => file.captureId !== gone)
        .map((file) => file.path)
        .sort(),
    );
    expect(after.withdrawn).toEqual([
      {
        path: goneFile.path,
        sizeBytes: goneFile.sizeBytes,
        sha256: goneFile.sha256,
        code: 'CHECKOUT_FILE_WITHDRAWN',
        reason: expect.stringContaining('your licence ends the right to withdrawn files') as unknown,
        withdrawnAt: expect.any(String) as unknown,
      },
    ]);
    // A URL handed out before the withdrawal stops working for that file only.
    const refused = await t.http().get(oldUrlOf(goneFile.path)).expect(403);
    expect(refused.body as ErrorBody).toMatchObject({
      code: 'STORAGE_URL_REVOKED',
      message: expect.stringContaining('this file was withdrawn') as unknown,
    });
    const other = before.files.find((file) => file.path !== goneFile.path) as Plain<DownloadsResponse>['files'][number];
    await t.http().get(relative(other.url)).expect(200);

    // The certificate is reissued without it, chained to the original; both verify; asking again signs nothing new.
    const reissued = await certificate(buyer, orderId);
    expect(verifyCertificate(reissued)).toBe(true);
    expect(reissued.superseded).toEqual([
      {
        payload: original.payload,
        signature: original.signature,
        publicKey: original.publicKey,
        reason: expect.stringContaining('withdrawn file') as unknown,
        supersededAt: expect.any(String) as unknown,
      },
    ]);
    expect(verifyCertificate(reissued.superseded[0])).toBe(true);
    const payload = JSON.parse(reissued.payload) as LicenceCertificate;
    const remaining = manifest.files.filter((file) => file.captureId !== gone);
    expect(payload).toMatchObject({
      orderId,
      dataset: originalPayload.dataset,
      licence: originalPayload.licence,
      consent: originalPayload.consent,
      withdrawn: { leaves: [goneFile.leafIndex], paths: [goneFile.path], remainingFilesSha256: sliceFilesDigest(remaining) },
    });
    expect(payload.supersedes?.signature).toBe(original.signature);
    expect(await certificate(buyer, orderId)).toEqual(reissued);
    expect(await t.sql(`SELECT count(*)::int AS n FROM superseded_certificates WHERE order_id = $1`, [orderId])).toEqual([{ n: 1 }]);
    await expect(t.sql(`DELETE FROM superseded_certificates WHERE order_id = $1`, [orderId])).rejects.toThrow(/append-only/);

    // The order page's notice says what the licence means for the files.
    const told = (await t.http().get(`/v1/orders/${orderId}`).set(auth(buyer)).expect(200)).body as Plain<OrderResponse>;
    expect(told.notices).toEqual([
      expect.objectContaining({ captureIds: [gone], effect: 'stop-using', effectWords: expect.stringContaining('stop using') as unknown }),
    ]);

    // `depai pull` fetches and verifies the remaining files against the anchored root and checks the new certificate.
    const pulled = await depai(['pull', orderId, '--out', join(dir, 'pull'), '--api', api, '--token', buyer]);
    expect(pulled.stdout).toContain(`${goneFile.path}: not fetched`);
    expect(pulled.stdout).not.toContain('FAIL');
    expect(pulled.stdout.match(/the anchored root/g)).toHaveLength(remaining.length);
    expect(pulled.stdout).toContain('licence certificate: Ed25519 signature valid');
    expect(pulled.code).toBe(0);

    // A second withdrawal supersedes the reissued certificate in turn.
    await withdraw(carol, datasetId, [carols]);
    const third = await certificate(buyer, orderId);
    expect(third.superseded.map((old) => old.signature)).toEqual([original.signature, reissued.signature]);
    expect((JSON.parse(third.payload) as LicenceCertificate).withdrawn?.leaves.sort()).toEqual(
      manifest.files
        .filter((file) => file.captureId !== kept)
        .map((file) => file.leafIndex)
        .sort(),
    );
    expect((await downloads(buyer, orderId)).files.map((file) => file.path)).toEqual([manifest.files.find((file) => file.captureId === kept)?.path]);

    // When every file is withdrawn, the download grant itself answers 410 with a code and reason.
    await withdraw(alice, datasetId, [kept]);
    const goneAll = await t.http().get(`/v1/orders/${orderId}/downloads`).set(auth(buyer)).expect(410);
    expect(goneAll.body as ErrorBody).toMatchObject({ code: 'CHECKOUT_FILES_WITHDRAWN' });
  });

  it('licence not revocable: the buyer keeps every file and the certificate, and the order page says they may keep using them', async () => {
    const mine = (await readyCapture(t, alice, nmeaLog(71), 'alice-keep.nmea')).id;
    const theirs = (await readyCapture(t, carol, nmeaLog(72), 'carol-keep.nmea')).id;
    const datasetId = await publishCurated([mine, theirs], 'commercial-ai-training', [alice, carol]);
    const buyer = await signUp(t, 'kim@withdraw.test', 'buyer');
    const orderId = await buy(buyer, datasetId);
    const before = await downloads(buyer, orderId);
    const original = await certificate(buyer, orderId);
    await withdraw(alice, datasetId, [mine]);

    const after = await downloads(buyer, orderId);
    expect(after.withdrawn).toEqual([]);
    expect(after.files.map((file) => file.path)).toEqual(before.files.map((file) => file.path));
    for (const file of before.files) await t.http().get(relative(file.url)).expect(200);
    expect(await certificate(buyer, orderId)).toEqual(original);
    expect((JSON.parse(original.payload) as LicenceCertificate).licence.terms.revocableOnWithdrawal).toBe(false);
    const told = (await t.http().get(`/v1/orders/${orderId}`).set(auth(buyer)).expect(200)).body as Plain<OrderResponse>;
    expect(told.notices).toEqual([
      expect.objectContaining({ captureIds: [mine], effect: 'may-keep', effectWords: expect.stringContaining('keep using') as unknown }),
    ]);
  });

  describe('admin takedown', () => {
    const takeDown = (datasetId: string, body: Record<string, unknown>) =>
      t.http().post(`/v1/admin/datasets/${datasetId}/capture-takedowns`).set(auth(admin)).send(body);

    it('a privacy takedown publishes the version without the capture at once; buyers are told and lose the file', async () => {
      const face = (await readyCapture(t, alice, nmeaLog(81), 'alice-face.nmea')).id;
      const fine = (await readyCapture(t, carol, nmeaLog(82), 'carol-fine.nmea')).id;
      const datasetId = await publishCurated([face, fine], 'research-only', [alice, carol]);
      const buyer = await signUp(t, 'tao@withdraw.test', 'buyer');
      const orderId = await buy(buyer, datasetId);

      expect(((await takeDown(datasetId, { captureIds: [face], kind: 'gossip', reason: 'No.' }).expect(400)).body as ErrorBody).message).toContain(
        'kind',
      );
      await t
        .http()
        .post(`/v1/admin/datasets/${datasetId}/capture-takedowns`)
        .set(auth(alice))
        .send({ captureIds: [face], kind: 'privacy', reason: 'Mine.' })
        .expect(403);

      // The same takedown twice at once: one takes the capture down, the other finds it gone.
      const answers = await Promise.all(
        [1, 2].map(() => takeDown(datasetId, { captureIds: [face], kind: 'privacy', reason: 'Request #4411: an unblurred face at 00:41.' })),
      );
      expect(answers.map((res) => res.status).sort()).toEqual([201, 404]);
      const done = answers.find((res) => res.status === 201)?.body as Plain<TakedownResponse>;
      expect(done).toMatchObject({
        kind: 'takedown',
        takedownKind: 'privacy',
        datasetId,
        removedCaptureIds: [face],
        fromVersion: 1,
        state: 'published',
        publishedVersion: 2,
        publishProblem: null,
      });
      expect((answers.find((res) => res.status === 404)?.body as ErrorBody).code).toBe('CONSENT_NOTHING_TO_WITHDRAW');

      // Version 2 is listed without the capture and anchored; it is for sale again.
      const dataset = (await t.http().get(`/v1/datasets/${datasetId}`).expect(200)).body as DatasetResponse;
      expect(dataset.latestVersion).toBe(2);
      const v2 = (await t.http().get(`/v1/datasets/${datasetId}/versions/2/manifest`).expect(200)).body as ManifestResponse;
      expect(v2.files.map((file) => file.captureId)).toEqual([fine]);
      await waitFor(async () => {
        const { versions } = (await t.http().get(`/v1/datasets/${datasetId}/provenance`).expect(200)).body as ProvenanceResponse;
        return versions.find((v) => v.version === 2)?.anchor?.status === 'confirmed' ? true : undefined;
      }, 'version 2 to be anchored');
      await t
        .http()
        .post('/v1/orders')
        .set(auth(await signUp(t, 'next@withdraw.test', 'buyer')))
        .send({ datasetId, paymentMethod: 'solana' })
        .expect(201);

      // Recorded as an admin takedown in the consent record and the custody log; the request's words stay private.
      const record = (await t.http().get(`/v1/datasets/${datasetId}/consent`).expect(200)).body as Plain<DatasetConsentResponse>;
      expect(record.verified).toBe(true);
      expect(record.withdrawals).toEqual([expect.objectContaining({ kind: 'takedown', hash: done.hash, captureCount: 1 })]);
      expect(record.versions.map((v) => v.version)).toEqual([1, 2]);
      expect(JSON.stringify(record)).not.toContain('00:41');
      const custody = await t.sql<{ kind: string; details: { takedownKind?: string } }>(
        `SELECT kind, details FROM custody_records WHERE dataset_id = $1 AND kind = 'captures-taken-down'`,
        [datasetId],
      );
      expect(custody).toEqual([
        { kind: 'captures-taken-down', details: expect.objectContaining({ takedownKind: 'privacy', takedownHash: done.hash }) as unknown },
      ]);

      // The buyer of version 1 is told, in fixed words, and under this revocable licence loses the file.
      const told = (await t.http().get(`/v1/orders/${orderId}`).set(auth(buyer)).expect(200)).body as Plain<OrderResponse>;
      expect(told.notices).toEqual([
        expect.objectContaining({
          kind: 'takedown',
          captureIds: [face],
          reason: expect.stringContaining('privacy request') as unknown,
          effect: 'stop-using',
        }),
      ]);
      expect(JSON.stringify(told)).not.toContain('00:41');
      expect((await downloads(buyer, orderId)).withdrawn.map((file) => file.path)).toEqual([expect.stringContaining('alice-face')]);

      // Alice's earnings say this sale came before the takedown of her capture; Carol's, whose captures stay, say nothing.
      const earningOf = async (token: string) =>
        ((await t.http().get('/v1/me/earnings').set(auth(token)).expect(200)).body as EarningResponse[]).find((row) => row.orderId === orderId);
      expect((await earningOf(alice))?.withdrawals).toEqual([
        { kind: 'takedown', at: expect.any(String) as unknown, captureCount: 1, sale: 'before' },
      ]);
      expect((await earningOf(carol))?.withdrawals).toEqual([]);
    });

    it('a legal takedown waits for review; the queue lists withdrawals and takedowns with their state', async () => {
      const mine = (await readyCapture(t, alice, nmeaLog(91), 'alice-legal.nmea')).id;
      const theirs = (await readyCapture(t, carol, nmeaLog(92), 'carol-legal.nmea')).id;
      const other = (await readyCapture(t, carol, nmeaLog(93), 'carol-other.nmea')).id;
      const datasetId = await publishCurated([mine, theirs, other], 'commercial-ai-training', [alice, carol]);
      // A capture the published version does not sell is not taken down (it would stop that version's sale for nothing).
      const stray = (await readyCapture(t, carol, nmeaLog(94), 'carol-stray.nmea')).id;
      const refused = (await takeDown(datasetId, { captureIds: [theirs, stray], kind: 'legal', reason: 'Wrong id.' }).expect(422)).body as ErrorBody;
      expect(refused.code).toBe('CONSENT_CAPTURE_NOT_PUBLISHED');
      expect(refused.message).toContain(stray);
      const legal = (await takeDown(datasetId, { captureIds: [theirs], kind: 'legal', reason: 'Court order 12/2026.' }).expect(201))
        .body as Plain<TakedownResponse>;
      expect(legal).toMatchObject({ state: 'in_review', publishedVersion: null, fromVersion: 1 });
      await withdraw(alice, datasetId, [mine]);
      const queue = async () =>
        ((await t.http().get('/v1/admin/withdrawals').set(auth(admin)).expect(200)).body as Plain<TakeOutResponse>[]).filter(
          (item) => item.datasetId === datasetId,
        );
      expect(await queue()).toEqual([
        expect.objectContaining({
          kind: 'withdrawal',
          takedownKind: null,
          captureIds: [mine],
          reason: 'Someone is recognisable.',
          state: 'in_review',
        }),
        expect.objectContaining({
          kind: 'takedown',
          takedownKind: 'legal',
          captureIds: [theirs],
          datasetTitle: 'Curated commercial-ai-training',
          state: 'in_review',
        }),
      ]);
      await t.http().post(`/v1/admin/datasets/${datasetId}/approve`).set(auth(admin)).send({}).expect(200);
      expect((await queue()).map((item) => [item.kind, item.state, item.publishedVersion])).toEqual([
        ['withdrawal', 'published', 2],
        ['takedown', 'published', 2],
      ]);
      const v2 = (await t.http().get(`/v1/datasets/${datasetId}/versions/2/manifest`).expect(200)).body as ManifestResponse;
      expect(v2.files.map((file) => file.captureId)).toEqual([other]);
    });
  });

  describe('payouts and races', () => {
    const splitOf = async (orderId: string, token = admin) =>
      waitFor(async () => {
        const res = await t.http().get(`/v1/orders/${orderId}/split`).set(auth(token));
        // Recorded on-chain by a job after payment: wait for its signature, so nothing about it changes later.
        return res.status === 200 && (res.body as SplitResponse).txSignature ? (res.body as SplitResponse) : undefined;
      }, `the split of ${orderId} to be recorded on-chain`);
    const earningsOf = async (token: string) => (await t.http().get('/v1/me/earnings').set(auth(token)).expect(200)).body as EarningResponse[];

    it('later sales pay the withdrawn capture nothing, earlier ones stay as they were, and the earnings say which came before and after', async () => {
      const [gone, stays] = [
        (await readyCapture(t, alice, nmeaLog(101), 'alice-early.nmea')).id,
        (await readyCapture(t, alice, csvTelemetry(102), 'alice-late.csv')).id,
      ];
      const carols = (await readyCapture(t, carol, nmeaLog(103), 'carol-pay.nmea')).id;
      const datasetId = await publishCurated([gone, stays, carols], 'commercial-ai-training', [alice, carol]);
      const first = await buy(await signUp(t, 'first@withdraw.test', 'buyer'), datasetId);
      const before = await splitOf(first);
      const ledgerBefore = await t.sql(`SELECT * FROM revenue_split_rows WHERE split_id = $1 ORDER BY leaf_index`, [before.id]);

      await withdraw(alice, datasetId, [gone]);
      await t.http().post(`/v1/admin/datasets/${datasetId}/approve`).set(auth(admin)).send({}).expect(200);
      const second = await buy(await signUp(t, 'second@withdraw.test', 'buyer'), datasetId);
      const after = await splitOf(second);
      expect(after.gross).toBe(before.gross);

      // The earlier sale's split and ledger rows are exactly as they were.
      expect(await splitOf(first)).toEqual(before);
      expect(await t.sql(`SELECT * FROM revenue_split_rows WHERE split_id = $1 ORDER BY leaf_index`, [before.id])).toEqual(ledgerBefore);

      // The later sale weighs alice by her remaining capture only: the contributors' pool splits by bytes of version 2.
      const v2 = (await t.http().get(`/v1/datasets/${datasetId}/versions/2/manifest`).expect(200)).body as ManifestResponse;
      expect(v2.files.map((file) => file.captureId).sort()).toEqual([stays, carols].sort());
      const bytes = (id: string) => v2.files.find((file) => file.captureId === id)?.sizeBytes ?? 0;
      const contributorRows = after.rows.filter((row) => row.role === 'contributor');
      const pool = contributorRows.reduce((sum, row) => sum + Number(row.amount), 0);
      const [aliceRow] = (await splitOf(second, alice)).rows;
      expect(Math.abs(Number(aliceRow.amount) - (pool * bytes(stays)) / (bytes(stays) + bytes(carols)))).toBeLessThan(1);
      const [aliceBefore] = (await splitOf(first, alice)).rows;
      expect(Number(aliceRow.amount)).toBeLessThan(Number(aliceBefore.amount));

      const mine = (await earningsOf(alice)).filter((earning) => [first, second].includes(earning.orderId));
      expect(mine.map((earning) => [earning.orderId, earning.withdrawals.map((w) => [w.sale, w.captureCount])])).toEqual([
        [first, [['before', 1]]],
        [second, [['after', 1]]],
      ]);
      expect((await earningsOf(carol)).filter((earning) => [first, second].includes(earning.orderId)).map((earning) => earning.withdrawals)).toEqual([
        [],
        [],
      ]);
    });

    it('two contributors withdrawing at once both record, in one consistent next version', async () => {
      const a = (await readyCapture(t, alice, nmeaLog(111), 'alice-race.nmea')).id;
      const [c1, c2] = [
        (await readyCapture(t, carol, nmeaLog(112), 'carol-race-1.nmea')).id,
        (await readyCapture(t, carol, nmeaLog(113), 'carol-race-2.nmea')).id,
      ];
      const datasetId = await publishCurated([a, c1, c2], 'research-only', [alice, carol]);
      const answers = await Promise.all([
        t
          .http()
          .post(`/v1/datasets/${datasetId}/consent/withdrawals`)
          .set(auth(alice))
          .send({ captureIds: [a], reason: 'Mine, changed my mind.' }),
        t
          .http()
          .post(`/v1/datasets/${datasetId}/consent/withdrawals`)
          .set(auth(carol))
          .send({ captureIds: [c1], reason: 'A plate is readable.' }),
      ]);
      expect(answers.map((res) => res.status)).toEqual([201, 201]);
      const draft = (await t.http().get(`/v1/datasets/${datasetId}`).set(auth(admin)).expect(200)).body as DatasetResponse;
      expect(draft.draft).toMatchObject({ state: 'in_review', captureIds: [c2] });
      const record = (await t.http().get(`/v1/datasets/${datasetId}/consent`).expect(200)).body as Plain<DatasetConsentResponse>;
      expect(record.verified).toBe(true);
      expect(record.withdrawals).toHaveLength(2);
      await t.http().post(`/v1/admin/datasets/${datasetId}/approve`).set(auth(admin)).send({}).expect(200);
      const v2 = (await t.http().get(`/v1/datasets/${datasetId}/versions/2/manifest`).expect(200)).body as ManifestResponse;
      expect(v2.files.map((file) => file.captureId)).toEqual([c2]);
    });

    it('a withdrawal while an order is being paid: it settles for the version it was placed for; under a revocable licence the buyer loses the withdrawn file', async () => {
      const [a, c] = [
        (await readyCapture(t, alice, nmeaLog(121), 'alice-paying.nmea')).id,
        (await readyCapture(t, carol, nmeaLog(122), 'carol-paying.nmea')).id,
      ];
      const datasetId = await publishCurated([a, c], 'research-only', [alice, carol]);
      const buyer = await signUp(t, 'paying@withdraw.test', 'buyer');
      const placed = (await t.http().post('/v1/orders').set(auth(buyer)).send({ datasetId, paymentMethod: 'solana' }).expect(201))
        .body as Plain<OrderResponse>;
      await t.http().post('/v1/dev/solana/pay').send({ url: placed.solanaPay?.url }).expect(200);
      // The withdrawal commits between the transfer and its confirmation.
      await withdraw(alice, datasetId, [a]);
      const paid = (await t.http().post(`/v1/orders/${placed.id}/confirm-solana`).set(auth(buyer)).send({}).expect(200)).body as Plain<OrderResponse>;
      expect(paid).toMatchObject({ version: 1 });
      expect(['paid', 'fulfilled']).toContain(paid.status);
      const files = await downloads(buyer, placed.id);
      expect(files.files.map((file) => file.path)).toEqual([expect.stringContaining('carol-paying')]);
      expect(files.withdrawn.map((file) => file.path)).toEqual([expect.stringContaining('alice-paying')]);
      const issued = await certificate(buyer, placed.id);
      expect(verifyCertificate(issued)).toBe(true);
      expect((JSON.parse(issued.payload) as LicenceCertificate).withdrawn?.paths).toEqual([expect.stringContaining('alice-paying')]);
      expect(issued.superseded).toHaveLength(1);
      // The sale was placed for version 1, before the withdrawal: it pays for the capture and says so.
      const [earning] = (await earningsOf(alice)).filter((e) => e.orderId === placed.id);
      expect(earning.withdrawals.map((w) => w.sale)).toEqual(['before']);
    });
  });
});
