import type { DatasetResponse } from '../src/catalog/dto/dataset.response.js';
import type { ManifestResponse } from '../src/catalog/dto/manifest.response.js';
import type { CertificateResponse } from '../src/checkout/dto/fulfilment.response.js';
import type { OrderResponse } from '../src/checkout/dto/order.response.js';
import { type LicenceCertificate, verifyCertificate } from '../src/checkout/licence-certificate.js';
import type { ProvenanceResponse } from '../src/catalog/dto/provenance.response.js';
import type { ErrorBody } from '../src/common/errors/error-body.js';
import type { Plain } from '../src/common/plain.js';
import type { ConsentRecordResponse, ConsentRequestResponse, DatasetConsentResponse } from '../src/consent/dto/consent.response.js';
import { verifyWalletSignature } from '../src/auth/wallet-signature.js';
import { grantSetHash } from '../src/consent/consent-record-walk.js';
import type { CustodyRecord } from '../src/provenance/custody-log.js';
import { readyCapture } from './support/captures.js';
import { auth, logIn, signUp, TEST_ADMIN } from './support/checkout.js';
import { grantAll, walletSignIn } from './support/consent.js';
import { csvTelemetry, nmeaLog } from './support/fixtures.js';
import { startTestApp, type TestApp } from './support/test-app.js';
import { waitFor } from './support/wait-for.js';
import { testWallet } from './support/wallet.js';

const declarations = { ownsRights: true, identifiablePeople: false, piiRedacted: true, restrictedLocations: false };

describe('consent: grants, declines and the public record (e2e)', () => {
  let t: TestApp;
  let admin: string;
  let alice: string;
  let bob: string;
  let carol: string;
  const aliceWallet = testWallet();
  const thief = testWallet();
  let aliceCaptures: string[];
  let bobCapture: string;
  let carolCapture: string;
  let licences: Record<string, string>;
  let datasetId: string;

  const curate = async (captureIds: string[], licence = 'commercial-ai-training') =>
    (
      (
        await t
          .http()
          .post('/v1/datasets')
          .set(auth(admin))
          .send({
            title: 'Three drivers around Ljubljana',
            description: 'Curated by the platform from three contributors.',
            captureIds,
            licenceTemplateId: licences[licence],
            priceUsdCents: 90_000,
            declarations,
          })
          .expect(201)
      ).body as DatasetResponse
    ).id;

  const requestOf = async (token: string, id: string) =>
    (await t.http().get(`/v1/datasets/${id}/consent-request`).set(auth(token)).expect(200)).body as Plain<ConsentRequestResponse>;

  const postGrant = (token: string, id: string, body: Record<string, unknown>) =>
    t.http().post(`/v1/datasets/${id}/consent/grants`).set(auth(token)).send(body);

  /** The consent an order's licence certificate names, once its signature verifies. */
  const certifiedConsent = async (token: string, orderId: string) => {
    const certificate = (await t.http().get(`/v1/orders/${orderId}/certificate`).set(auth(token)).expect(200)).body as CertificateResponse;
    expect(verifyCertificate(certificate)).toBe(true);
    return (JSON.parse(certificate.payload) as LicenceCertificate).consent;
  };

  beforeAll(async () => {
    t = await startTestApp({ ADMIN_EMAIL: TEST_ADMIN.email, ADMIN_PASSWORD: TEST_ADMIN.password, AUTH_RATE_LIMIT: '1000' });
    admin = await logIn(t, TEST_ADMIN.email, TEST_ADMIN.password);
    alice = await walletSignIn(t, aliceWallet);
    bob = await signUp(t, 'bob@example.com', 'contributor');
    carol = await signUp(t, 'carol@example.com', 'contributor');
    aliceCaptures = [(await readyCapture(t, alice, nmeaLog(40), 'alice.nmea')).id, (await readyCapture(t, alice, csvTelemetry(80), 'alice.csv')).id];
    bobCapture = (await readyCapture(t, bob, nmeaLog(25), 'bob.nmea')).id;
    carolCapture = (await readyCapture(t, carol, nmeaLog(33), 'carol.nmea')).id;
    const list = (await t.http().get('/v1/licences').expect(200)).body as { id: string; slug: string }[];
    licences = Object.fromEntries(list.map((l) => [l.slug, l.id]));
  }, 120_000);
  afterAll(() => t.close());

  it('a curated draft cannot be submitted until every other contributor has granted', async () => {
    datasetId = await curate([...aliceCaptures, bobCapture]);
    const refused = await t.http().post(`/v1/datasets/${datasetId}/submit`).set(auth(admin)).expect(409);
    expect((refused.body as ErrorBody).code).toBe('CONSENT_MISSING');
    expect((refused.body as ErrorBody).message).toContain('2 contributor(s)');

    const [request] = (await t.http().get('/v1/me/consent-requests').set(auth(alice)).expect(200)).body as Plain<ConsentRequestResponse>[];
    expect(request).toMatchObject({
      datasetId,
      status: 'waiting',
      waitingReason: 'has not answered yet',
      licence: 'commercial-ai-training',
      priceUsdCents: 90_000,
      captureIds: [...aliceCaptures].sort(),
    });
    expect(request.shareBps).toBeGreaterThan(0);
    expect(request.plainTerms[0]).toMatch(/^Buyers may use it for: /);
    expect(request.walletMessage).toContain(`Signer: ${aliceWallet.address}`);
    expect((await t.http().get('/v1/me/consent-requests').set(auth(carol)).expect(200)).body).toEqual([]);
    expect((await t.http().get(`/v1/datasets/${datasetId}/consent-request`).set(auth(carol)).expect(404)).body).toMatchObject({
      code: 'CONSENT_REQUEST_NOT_FOUND',
    });
  });

  it('refuses a grant signed by another wallet, a bad signature, foreign captures, a replay, an expired or a wider grant', async () => {
    const request = await requestOf(alice, datasetId);
    const walletMessage = request.walletMessage ?? '';
    // What an attacker would sign: the server's text with their own signer line and the captures they chose.
    const signedBy = (wallet: ReturnType<typeof testWallet>, grant: Plain<ConsentRequestResponse>['grant']) =>
      wallet.sign(
        walletMessage.replace(/^Signer: .*$/m, `Signer: ${wallet.address}`).replace(/^Captures: .*$/m, `Captures: ${grant.captureIds.join(', ')}`),
      );
    const code = async (body: Record<string, unknown>, status = 422, id = datasetId) =>
      ((await postGrant(alice, id, body).expect(status)).body as ErrorBody).code;

    expect(await code({ grant: request.grant, method: 'wallet', address: thief.address, signature: signedBy(thief, request.grant) })).toBe(
      'CONSENT_OTHER_WALLET',
    );
    expect(await code({ grant: request.grant, method: 'wallet', address: aliceWallet.address, signature: thief.sign(walletMessage) })).toBe(
      'CONSENT_BAD_SIGNATURE',
    );
    const foreign = { ...request.grant, captureIds: [...request.grant.captureIds, bobCapture].sort() };
    expect(await code({ grant: foreign, method: 'wallet', address: aliceWallet.address, signature: signedBy(aliceWallet, foreign) })).toBe(
      'CONSENT_CAPTURE_NOT_OWNED',
    );
    const partial = { ...request.grant, captureIds: [request.grant.captureIds[0]] };
    expect(await code({ grant: partial, method: 'session' })).toBe('CONSENT_CAPTURES_INCOMPLETE');
    expect(await code({ grant: { ...request.grant, contributorId: (await requestOf(bob, datasetId)).grant.contributorId }, method: 'session' })).toBe(
      'CONSENT_OTHER_CONTRIBUTOR',
    );

    // A valid grant for this dataset, replayed against another draft holding the same captures.
    const other = await curate([...aliceCaptures, carolCapture]);
    const valid = { grant: request.grant, method: 'wallet', address: aliceWallet.address, signature: aliceWallet.sign(walletMessage) };
    expect(await code(valid, 422, other)).toBe('CONSENT_REPLAYED_FOR_OTHER_DATASET');

    const expired = { ...request.grant, issuedAt: '2025-01-01T00:00:00.000Z', expiresAt: '2025-06-01T00:00:00.000Z' };
    expect(await code({ grant: expired, method: 'session' })).toBe('CONSENT_EXPIRED');
    expect(
      (await t.http().get(`/v1/datasets/${datasetId}/consent-request`).query({ expiresAt: '2020-01-01' }).set(auth(alice)).expect(422)).body,
    ).toMatchObject({
      code: 'CONSENT_EXPIRED',
    });
    const wider = {
      ...request.grant,
      scope: { ...request.grant.scope, permittedUses: { ...request.grant.scope.permittedUses, redistribution: true } },
    };
    expect(await code({ grant: wider, method: 'session' })).toBe('CONSENT_SCOPE_WIDER_THAN_LICENCE');
    const narrower = { ...request.grant, scope: { ...request.grant.scope, territory: ['SI'] } };
    expect(await code({ grant: narrower, method: 'session' })).toBe('CONSENT_SCOPE_NARROWER_THAN_LICENCE');
    expect(await code({ grant: { ...request.grant, priceUsdCents: 1 }, method: 'session' }, 409)).toBe('CONSENT_TERMS_CHANGED');
    expect(await code({ grant: request.grant, method: 'session', signature: 'x' }, 400)).toBe('CONSENT_INVALID_GRANT');
    expect(await code({ grant: request.grant, method: 'wallet', address: aliceWallet.address, signature: 'x' })).toBe('CONSENT_BAD_SIGNATURE');
    // Bob signed in with e-mail: he has no wallet to sign with.
    const bobRequest = await requestOf(bob, datasetId);
    expect(bobRequest.walletMessage).toBeNull();
    expect(
      (
        (await postGrant(bob, datasetId, { grant: bobRequest.grant, method: 'wallet', address: thief.address, signature: 'x' }).expect(422))
          .body as ErrorBody
      ).code,
    ).toBe('CONSENT_NO_WALLET');
    expect(await t.sql(`SELECT count(*)::int AS n FROM consent_records`)).toEqual([{ n: 0 }]);
  });

  it('records a wallet grant append-only, chained into the custody log; the same grant twice is refused', async () => {
    const request = await requestOf(alice, datasetId);
    const walletMessage = request.walletMessage ?? '';
    const body = { grant: request.grant, method: 'wallet', address: aliceWallet.address, signature: aliceWallet.sign(walletMessage) };
    const granted = (await postGrant(alice, datasetId, body).expect(201)).body as Plain<ConsentRecordResponse>;
    expect(granted).toMatchObject({
      datasetId,
      datasetTitle: 'Three drivers around Ljubljana',
      kind: 'grant',
      method: 'wallet',
      captureIds: request.grant.captureIds,
    });
    expect(((await postGrant(alice, datasetId, body).expect(409)).body as ErrorBody).code).toBe('CONSENT_ALREADY_RECORDED');

    const [entry] = await t.sql<{ kind: string; details: Record<string, unknown> }>(
      `SELECT kind, details FROM custody_records WHERE dataset_id = $1 AND seq = $2`,
      [datasetId, granted.custodySeq],
    );
    expect(entry).toMatchObject({ kind: 'consent-granted', details: { grantHash: granted.hash, method: 'wallet', signer: aliceWallet.address } });
    await expect(t.sql(`UPDATE consent_records SET reason = 'edited' WHERE id = $1`, [granted.id])).rejects.toThrow(/append-only/);
    await expect(t.sql(`DELETE FROM consent_records WHERE id = $1`, [granted.id])).rejects.toThrow(/append-only/);

    expect((await requestOf(alice, datasetId)).status).toBe('granted');
    expect((await t.http().get('/v1/me/consents').set(auth(alice)).expect(200)).body).toEqual([
      expect.objectContaining({ id: granted.id, datasetId, datasetTitle: 'Three drivers around Ljubljana' }),
    ]);
    const refused = await t.http().post(`/v1/datasets/${datasetId}/submit`).set(auth(admin)).expect(409);
    expect((refused.body as ErrorBody).message).toContain('1 contributor(s)');
  });

  it('a decline with a reason takes the contributor’s captures out of the draft; then it submits and publishes', async () => {
    await t.http().post(`/v1/datasets/${datasetId}/consent/declines`).set(auth(bob)).send({ reason: 'x' }).expect(400);
    const declined = (
      await t.http().post(`/v1/datasets/${datasetId}/consent/declines`).set(auth(bob)).send({ reason: 'My street is in it.' }).expect(201)
    ).body as Plain<ConsentRecordResponse>;
    expect(declined).toMatchObject({ kind: 'decline', reason: 'My street is in it.', removedCaptureIds: [bobCapture] });
    const draft = (await t.http().get(`/v1/datasets/${datasetId}`).set(auth(admin)).expect(200)).body as DatasetResponse;
    expect(draft.draft?.captureIds).toEqual(aliceCaptures);
    // Bob's request is gone with his captures; Alice's grant still clears (her share only grew).
    expect((await t.http().get('/v1/me/consent-requests').set(auth(bob)).expect(200)).body).toEqual([]);

    await t.http().post(`/v1/datasets/${datasetId}/submit`).set(auth(admin)).expect(200);
    const approved = (await t.http().post(`/v1/admin/datasets/${datasetId}/approve`).set(auth(admin)).send({}).expect(200)).body as DatasetResponse;
    expect(approved.latestVersion).toBe(1);
  });

  it('publishes a consent record per version without personal data, which anyone can verify', async () => {
    const other = await curate([...aliceCaptures, carolCapture]);
    expect(((await t.http().get(`/v1/datasets/${other}/consent`).expect(404)).body as ErrorBody).code).toBe('CONSENT_DATASET_NOT_FOUND');

    const record = (await t.http().get(`/v1/datasets/${datasetId}/consent`).expect(200)).body as Plain<DatasetConsentResponse>;
    expect(record).toMatchObject({ datasetId, declines: 1, verified: true, problem: null });
    expect(record.grants).toHaveLength(1);
    const [grant] = record.grants;
    expect(grant).toMatchObject({
      method: 'wallet',
      signer: aliceWallet.address,
      licence: 'commercial-ai-training',
      captureCount: 2,
      verified: true,
    });
    expect(record.versions).toEqual([{ version: 1, grantHashes: [grant.hash], grantSetHash: grantSetHash([grant.hash]) }]);
    // Anyone checks the signature with the public key alone.
    expect(verifyWalletSignature(grant.signer ?? '', grant.message, grant.signature ?? '')).toBe(true);
    const text = JSON.stringify(record);
    for (const secret of ['bob@example.com', 'carol@example.com', 'My street is in it.']) expect(text).not.toContain(secret);

    // The anchor's entry follows when the job has recorded it.
    const custody = await t.sql<CustodyRecord>(`SELECT kind FROM custody_records WHERE dataset_id = $1 AND seq <= 8 ORDER BY seq`, [datasetId]);
    expect(custody.map((row) => row.kind)).toEqual([
      'created',
      'files-changed',
      'consent-granted',
      'files-changed',
      'consent-declined',
      'submitted',
      'reviewed',
      'published',
    ]);
  });

  it('a withdrawal stops the sale at once; the next version without the capture is reviewed, published and anchored', async () => {
    const buyer = await signUp(t, 'buyer@example.com', 'buyer');
    // An order of version 1 placed before the withdrawal, and paid after it (below).
    const placed = (await t.http().post('/v1/orders').set(auth(buyer)).send({ datasetId, paymentMethod: 'solana' }).expect(201))
      .body as Plain<OrderResponse>;
    const [withdrawn, kept] = aliceCaptures;
    const withdraw = (token: string, body: Record<string, unknown>) =>
      t.http().post(`/v1/datasets/${datasetId}/consent/withdrawals`).set(auth(token)).send(body);
    expect(((await withdraw(bob, { reason: 'Not mine.' }).expect(404)).body as ErrorBody).code).toBe('CONSENT_NOTHING_TO_WITHDRAW');
    expect(((await withdraw(alice, { captureIds: [bobCapture], reason: 'Not mine.' }).expect(422)).body as ErrorBody).code).toBe(
      'CONSENT_CAPTURE_NOT_OWNED',
    );

    // The same withdrawal twice at once: one takes the capture out, the other finds it gone.
    const answers = await Promise.all([1, 2].map(() => withdraw(alice, { captureIds: [withdrawn], reason: 'A face in frame 120 is not blurred.' })));
    expect(answers.map((res) => res.status).sort()).toEqual([201, 404]);
    const record = answers.find((res) => res.status === 201)?.body as Plain<ConsentRecordResponse>;
    expect(record).toMatchObject({ kind: 'withdrawal', captureIds: [withdrawn], removedCaptureIds: [withdrawn] });
    expect(await t.sql(`SELECT count(*)::int AS n FROM consent_records WHERE kind = 'withdrawal'`)).toEqual([{ n: 1 }]);

    // Version 1 is no longer sold; the next version waits in review without the capture.
    expect(
      ((await t.http().post('/v1/orders').set(auth(buyer)).send({ datasetId, paymentMethod: 'solana' }).expect(404)).body as ErrorBody).code,
    ).toBe('CHECKOUT_DATASET_NOT_FOR_SALE');
    const inReview = (await t.http().get(`/v1/datasets/${datasetId}`).set(auth(admin)).expect(200)).body as DatasetResponse;
    expect(inReview.draft).toMatchObject({ state: 'in_review', captureIds: [kept] });

    // A withdrawal while an order is being paid: the order was placed for version 1 under its terms, so its payment
    // still settles it for version 1 with the files it named; only new orders are refused.
    await t.http().post('/v1/dev/solana/pay').send({ url: placed.solanaPay?.url }).expect(200);
    const paid = (await t.http().post(`/v1/orders/${placed.id}/confirm-solana`).set(auth(buyer)).send({}).expect(200)).body as Plain<OrderResponse>;
    expect(paid).toMatchObject({ version: 1 });
    expect(['paid', 'fulfilled']).toContain(paid.status);
    const delivered = (await t.http().get(`/v1/orders/${placed.id}/downloads`).set(auth(buyer)).expect(200)).body as { files: { path: string }[] };
    expect(delivered.files).toHaveLength(2);

    const approved = (await t.http().post(`/v1/admin/datasets/${datasetId}/approve`).set(auth(admin)).send({}).expect(200)).body as DatasetResponse;
    expect(approved.latestVersion).toBe(2);
    const manifest = (await t.http().get(`/v1/datasets/${datasetId}/versions/2/manifest`).expect(200)).body as ManifestResponse;
    expect(manifest.files.map((file) => file.captureId)).toEqual([kept]);
    await waitFor(async () => {
      const { versions } = (await t.http().get(`/v1/datasets/${datasetId}/provenance`).expect(200)).body as ProvenanceResponse;
      return versions.find((v) => v.version === 2)?.anchor?.status === 'confirmed' ? true : undefined;
    }, 'version 2 to be anchored');
    await t.http().post('/v1/orders').set(auth(buyer)).send({ datasetId, paymentMethod: 'solana' }).expect(201);

    const consent = (await t.http().get(`/v1/datasets/${datasetId}/consent`).expect(200)).body as Plain<DatasetConsentResponse>;
    expect(consent).toMatchObject({ verified: true, withdrawals: [expect.objectContaining({ hash: record.hash, captureCount: 1 })] });
    expect(consent.versions.map((v) => v.version)).toEqual([1, 2]);
    expect(consent.versions[1].grantHashes).toEqual(consent.versions[0].grantHashes);
    expect(JSON.stringify(consent)).not.toContain('frame 120');
    // The order of version 1, paid after the withdrawal, carries the grant set that cleared version 1.
    expect(await certifiedConsent(buyer, placed.id)).toEqual({ grantSetHash: consent.versions[0].grantSetHash, grants: 1 });

    // Its buyer is told on the order: which of the files bought were withdrawn, when, in words without the reason.
    const told = (await t.http().get(`/v1/orders/${placed.id}`).set(auth(buyer)).expect(200)).body as Plain<OrderResponse>;
    const v1 = (await t.http().get(`/v1/datasets/${datasetId}/versions/1/manifest`).expect(200)).body as ManifestResponse;
    expect(told.notices).toEqual([
      {
        kind: 'withdrawal',
        captureIds: [withdrawn],
        paths: v1.files.filter((file) => file.captureId === withdrawn).map((file) => file.path),
        reason: 'The contributor withdrew their consent to the use of these captures.',
        at: record.createdAt,
        // commercial-ai-training is not revocable on withdrawal: the buyer keeps the file.
        effect: 'may-keep',
        effectWords: expect.stringContaining('keep using these files') as unknown,
      },
    ]);
    expect(told.notices[0].paths).toHaveLength(1);
    expect(JSON.stringify(told)).not.toContain('frame 120');
    // An unpaid order of version 2 (without the capture) and the listing of the buyer's orders tell nothing more.
    const orders = (await t.http().get('/v1/me/orders').set(auth(buyer)).expect(200)).body as Plain<OrderResponse>[];
    expect(orders.map((order) => order.notices.length).sort()).toEqual([0, 1]);

    // The grant no longer covers the withdrawn capture: a curator who puts it back must ask again.
    await t
      .http()
      .patch(`/v1/datasets/${datasetId}`)
      .set(auth(admin))
      .send({ captureIds: [kept, withdrawn] })
      .expect(200);
    const refused = await t.http().post(`/v1/datasets/${datasetId}/submit`).set(auth(admin)).expect(409);
    expect((refused.body as ErrorBody).message).toContain('the draft now holds captures their grant does not name');
    await t
      .http()
      .patch(`/v1/datasets/${datasetId}`)
      .set(auth(admin))
      .send({ captureIds: [kept] })
      .expect(200);
  });

  it('a session grant clears too, and a decline racing a submit ends in one consistent state', async () => {
    const id = await curate([...aliceCaptures, carolCapture]);
    const aliceRequest = await requestOf(alice, id);
    await postGrant(alice, id, { grant: aliceRequest.grant, method: 'session' }).expect(201);
    const carolRequest = await requestOf(carol, id);
    await postGrant(carol, id, { grant: carolRequest.grant, method: 'session' }).expect(201);
    const [submit, decline] = await Promise.all([
      t.http().post(`/v1/datasets/${id}/submit`).set(auth(admin)),
      t.http().post(`/v1/datasets/${id}/consent/declines`).set(auth(carol)).send({ reason: 'Changed my mind.' }),
    ]);
    expect(decline.status).toBe(201);
    expect([200, 409]).toContain(submit.status);
    const draft = (await t.http().get(`/v1/datasets/${id}`).set(auth(admin)).expect(200)).body as DatasetResponse;
    // Carol's capture left the draft, whichever came first.
    expect(draft.draft?.captureIds).toEqual(aliceCaptures);
    const custody = await t.sql<{ kind: string; details: { revision?: number } }>(
      `SELECT kind, details FROM custody_records WHERE dataset_id = $1 AND kind IN ('submitted', 'consent-declined') ORDER BY seq`,
      [id],
    );
    const kinds = custody.map((row) => row.kind);
    if (submit.status === 409) {
      // The decline changed the draft between the submit's read and its lock: nothing was submitted.
      expect(kinds).toEqual(['consent-declined']);
      expect(draft.draft?.state).toBe('editing');
    } else if (kinds[0] === 'submitted') {
      // The submit came first: the decline pulled what was in review back to editing.
      expect(kinds).toEqual(['submitted', 'consent-declined']);
      expect(draft.draft?.state).toBe('editing');
    } else {
      // The decline came first and the submit read the draft without Carol's capture: Alice's grant still clears it (a
      // larger share is no worse for her), so exactly that revision is in review.
      expect(kinds).toEqual(['consent-declined', 'submitted']);
      expect(draft.draft?.state).toBe('in_review');
      expect(custody[1].details.revision).toBe(draft.draft?.revision);
    }
  });

  it('a withdrawal from an exclusively sold dataset: the next version keeps the other files reserved to that buyer', async () => {
    const mine = (await readyCapture(t, alice, nmeaLog(51), 'alice-exclusive.nmea')).id;
    const theirs = (await readyCapture(t, carol, nmeaLog(53), 'carol-exclusive.nmea')).id;
    const id = await curate([mine, theirs], 'exclusive-commercial');
    await grantAll(t, [alice, carol], id);
    await t.http().post(`/v1/datasets/${id}/submit`).set(auth(admin)).expect(200);
    await t.http().post(`/v1/admin/datasets/${id}/approve`).set(auth(admin)).send({}).expect(200);
    const first = await signUp(t, 'exclusive-buyer@example.com', 'buyer');
    const order = (await t.http().post('/v1/orders').set(auth(first)).send({ datasetId: id, paymentMethod: 'solana' }).expect(201))
      .body as Plain<OrderResponse>;
    await t.http().post('/v1/dev/solana/pay').send({ url: order.solanaPay?.url }).expect(200);
    await t.http().post(`/v1/orders/${order.id}/confirm-solana`).set(auth(first)).send({}).expect(200);
    const cleared = (await t.http().get(`/v1/datasets/${id}/consent`).expect(200)).body as Plain<DatasetConsentResponse>;
    expect(cleared.versions).toEqual([{ version: 1, grantHashes: expect.any(Array) as unknown, grantSetHash: expect.any(String) as unknown }]);
    expect(cleared.versions[0].grantHashes).toHaveLength(2);
    expect(await certifiedConsent(first, order.id)).toEqual({ grantSetHash: cleared.versions[0].grantSetHash, grants: 2 });

    await t.http().post(`/v1/datasets/${id}/consent/withdrawals`).set(auth(alice)).send({ reason: 'Wrong drive.' }).expect(201);
    const v2 = (await t.http().post(`/v1/admin/datasets/${id}/approve`).set(auth(admin)).send({}).expect(200)).body as DatasetResponse;
    expect(v2.latestVersion).toBe(2);
    // Version 2 holds only the other contributor's file, whose exclusive licence the first buyer holds: not sold again.
    const second = await signUp(t, 'second-buyer@example.com', 'buyer');
    const refused = await t.http().post('/v1/orders').set(auth(second)).send({ datasetId: id, paymentMethod: 'solana' }).expect(409);
    expect((refused.body as ErrorBody).code).toBe('CHECKOUT_EXCLUSIVE_SOLD');
    // The first buyer's order stays paid for version 1, with both files.
    const delivered = (await t.http().get(`/v1/orders/${order.id}/downloads`).set(auth(first)).expect(200)).body as { files: unknown[] };
    expect(delivered.files).toHaveLength(2);
    // It is told that one of its captures was withdrawn.
    const told = (await t.http().get(`/v1/orders/${order.id}`).set(auth(first)).expect(200)).body as Plain<OrderResponse>;
    expect(told.notices).toEqual([expect.objectContaining({ kind: 'withdrawal', captureIds: [mine], paths: [expect.any(String)] })]);
  });

  it("one draft with a capture that cannot be used does not hide a contributor's other requests", async () => {
    const spare = (await readyCapture(t, carol, nmeaLog(27), 'carol-spare.nmea')).id;
    const broken = await curate([carolCapture, spare]);
    const fine = await curate([carolCapture, aliceCaptures[0]]);
    await t.sql(`UPDATE captures SET status = 'rejected' WHERE id = $1`, [spare]);
    const requests = (await t.http().get('/v1/me/consent-requests').set(auth(carol)).expect(200)).body as Plain<ConsentRequestResponse>[];
    expect(requests.map((r) => r.datasetId)).toContain(fine);
    expect(requests.map((r) => r.datasetId)).not.toContain(broken);
  });

  it('two declines at once: one takes the captures out, the other finds nothing left; one decline is recorded', async () => {
    const id = await curate([...aliceCaptures, carolCapture]);
    const answers = await Promise.all(
      ['First thoughts.', 'Second thoughts.'].map((reason) => t.http().post(`/v1/datasets/${id}/consent/declines`).set(auth(carol)).send({ reason })),
    );
    expect(answers.map((res) => res.status).sort()).toEqual([201, 404]);
    expect(await t.sql(`SELECT kind FROM consent_records WHERE dataset_id = $1`, [id])).toEqual([{ kind: 'decline' }]);
    const custody = await t.sql<{ kind: string }>(`SELECT kind FROM custody_records WHERE dataset_id = $1 ORDER BY seq`, [id]);
    expect(custody.map((row) => row.kind)).toEqual(['created', 'files-changed', 'files-changed', 'consent-declined']);
  });
});
