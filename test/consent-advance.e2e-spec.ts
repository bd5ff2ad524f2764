import { randomBytes } from 'node:crypto';
import type { DatasetResponse } from '../src/catalog/dto/dataset.response.js';
import type { ErrorBody } from '../src/common/errors/error-body.js';
import type { Plain } from '../src/common/plain.js';
import { verifyWalletSignature } from '../src/auth/wallet-signature.js';
import { type AdvanceGrantFields, advanceGrantMessage } from '../src/consent/advance-grant.js';
import type { AdvanceGrantResponse } from '../src/consent/dto/advance-grant.dto.js';
import type { ConsentRequestResponse, DatasetConsentResponse } from '../src/consent/dto/consent.response.js';
import type { NetworkBatchResponse } from '../src/ingestion/dto/network.dto.js';
import { ObjectStorage } from '../src/storage/object-storage.port.js';
import { readyCapture, settled, sha256 } from './support/captures.js';
import { auth, logIn, signUp, TEST_ADMIN } from './support/checkout.js';
import { walletSignIn } from './support/consent.js';
import { nmeaLog } from './support/fixtures.js';
import { startTestApp, type TestApp } from './support/test-app.js';
import { testWallet } from './support/wallet.js';

const declarations = { ownsRights: true, identifiablePeople: false, piiRedacted: true, restrictedLocations: false };
const ALL_USES = { aiTraining: true, evaluation: true, commercialUse: true, redistribution: true, derivativeMaps: true };
type Wallet = ReturnType<typeof testWallet>;

/** Fields of an advance grant issued now, for a year, as a contributor's page or a network would prepare them. */
function advanceFields(overrides: Partial<AdvanceGrantFields> = {}): AdvanceGrantFields {
  const now = Date.now();
  return {
    network: 'dimo',
    curatorId: null,
    licences: ['commercial-ai-training'],
    scope: { permittedUses: { ...ALL_USES }, territory: ['WORLD'] },
    minShareBps: 1_000,
    minPriceUsdCents: null,
    issuedAt: new Date(now - 1_000).toISOString(),
    expiresAt: new Date(now + 365 * 86_400_000).toISOString(),
    nonce: randomBytes(18).toString('base64url'),
    ...overrides,
  };
}

describe('consent: advance grants per network and per curator (e2e)', () => {
  let t: TestApp;
  let admin: string;
  let adminId: string;
  let alice: string;
  let bob: string;
  let driver: string;
  const dimo = testWallet();
  const aliceWallet = testWallet();
  const bobWallet = testWallet();
  const driverWallet = testWallet();
  const thief = testWallet();
  let aliceCaptures: string[];
  let driverCapture: string;
  let licences: Record<string, string>;
  let aliceGrant: Plain<AdvanceGrantResponse>;
  let clearedId: string;

  const nmea = (seed: number) => nmeaLog(10 + seed);
  const item = (externalId: string, wallet: Wallet, seed: number) => ({
    externalId,
    contributorWallet: wallet.address,
    objectKey: `staging/dimo/${externalId}.nmea`,
    sha256: sha256(nmea(seed)),
    sizeBytes: nmea(seed).length,
  });
  /** POSTs the batch as the exact bytes the network signed. */
  const push = (batch: unknown) => {
    const body = JSON.stringify(batch);
    return t.http().post('/v1/networks/dimo/batches').set('Content-Type', 'application/json').set('X-Network-Signature', dimo.sign(body)).send(body);
  };
  const memberGrant = (wallet: Wallet, fields = advanceFields(), signer: Wallet = wallet) => ({
    wallet: wallet.address,
    grant: fields,
    signature: signer.sign(advanceGrantMessage(fields, wallet.address)),
  });
  const walletGrant = (wallet: Wallet, fields = advanceFields(), signer: Wallet = wallet) => ({
    grant: fields,
    method: 'wallet',
    address: wallet.address,
    signature: signer.sign(advanceGrantMessage(fields, wallet.address)),
  });
  const postAdvance = (token: string, body: unknown) =>
    t
      .http()
      .post('/v1/me/advance-grants')
      .set(auth(token))
      .send(body as object);
  const count = async (table: string) => (await t.sql<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`))[0].n;

  const curate = async (captureIds: string[], licence: string, priceUsdCents = 90_000) =>
    (
      (
        await t
          .http()
          .post('/v1/datasets')
          .set(auth(admin))
          .send({
            title: 'Drives around Ljubljana',
            description: 'Curated from network drivers.',
            captureIds,
            licenceTemplateId: licences[licence],
            priceUsdCents,
            declarations,
          })
          .expect(201)
      ).body as DatasetResponse
    ).id;
  const submit = (id: string) => t.http().post(`/v1/datasets/${id}/submit`).set(auth(admin));
  const requestOf = async (token: string, id: string) =>
    (await t.http().get(`/v1/datasets/${id}/consent-request`).set(auth(token)).expect(200)).body as Plain<ConsentRequestResponse>;

  beforeAll(async () => {
    t = await startTestApp({ ADMIN_EMAIL: TEST_ADMIN.email, ADMIN_PASSWORD: TEST_ADMIN.password, AUTH_RATE_LIMIT: '1000' });
    admin = await logIn(t, TEST_ADMIN.email, TEST_ADMIN.password);
    adminId = ((await t.http().get('/v1/auth/me').set(auth(admin)).expect(200)).body as { id: string }).id;
    await t.http().post('/v1/admin/networks').set(auth(admin)).send({ slug: 'dimo', name: 'DIMO', publicKey: dimo.address }).expect(201);
    const storage = t.app.get(ObjectStorage);
    for (const [key, seed] of [
      ['alice-1', 1],
      ['alice-2', 2],
      ['driver-1', 3],
    ] as const)
      await storage.put(`staging/dimo/${key}.nmea`, nmea(seed));
    const pushed = (await push({ batchId: 'dimo-001', items: [item('alice-1', aliceWallet, 1), item('alice-2', aliceWallet, 2)] }).expect(200))
      .body as NetworkBatchResponse;
    alice = await walletSignIn(t, aliceWallet);
    bob = await walletSignIn(t, bobWallet);
    aliceCaptures = (await Promise.all(pushed.captureIds.map((id) => settled(t, alice, id)))).map((capture) => capture.id).sort();
    const list = (await t.http().get('/v1/licences').expect(200)).body as { id: string; slug: string }[];
    licences = Object.fromEntries(list.map((l) => [l.slug, l.id]));
  }, 180_000);
  afterAll(() => t.close());

  it('refuses a network batch whose member grant is forged, for another network, of an unknown member or expired, and stores nothing', async () => {
    const items = [item('driver-1', driverWallet, 3)];
    const refused = async (memberGrants: unknown[], code: string) => {
      const res = await push({ batchId: 'dimo-002', items, memberGrants }).expect(422);
      expect(res.body).toMatchObject({ code, details: { item: `memberGrants[${memberGrants.length - 1}]` } });
      expect((res.body as ErrorBody).message).toContain(`memberGrants[${memberGrants.length - 1}]`);
    };
    const good = memberGrant(driverWallet);
    await refused([good, memberGrant(driverWallet, advanceFields(), thief)], 'CONSENT_BAD_SIGNATURE');
    await refused([memberGrant(driverWallet, advanceFields({ network: 'hivemapper' }))], 'CONSENT_OTHER_NETWORK');
    await refused([memberGrant(driverWallet, advanceFields({ network: null, curatorId: adminId }))], 'CONSENT_OTHER_NETWORK');
    await refused([memberGrant(thief)], 'CONSENT_UNKNOWN_MEMBER');
    const expired = advanceFields({ issuedAt: '2025-01-01T00:00:00.000Z', expiresAt: '2025-06-01T00:00:00.000Z' });
    await refused([memberGrant(driverWallet, expired)], 'CONSENT_EXPIRED');
    await refused([memberGrant(driverWallet, advanceFields({ licences: ['no-such-licence'] }))], 'CONSENT_UNKNOWN_LICENCE');
    const huge = await push({ batchId: 'dimo-002', items, memberGrants: Array.from({ length: 1001 }, () => good) }).expect(400);
    expect((huge.body as ErrorBody).message).toMatch(/memberGrants/);
    expect(await t.sql(`SELECT count(*)::int AS n FROM captures WHERE external_id = 'driver-1'`)).toEqual([{ n: 0 }]);
    expect(await count('advance_grants')).toBe(0);
    expect(await t.sql(`SELECT count(*)::int AS n FROM users WHERE wallet_address = $1`, [driverWallet.address])).toEqual([{ n: 0 }]);
  });

  it('a network batch with member grants creates the member’s captures and grants; a replay creates nothing', async () => {
    const batch = { batchId: 'dimo-003', items: [item('driver-1', driverWallet, 3)], memberGrants: [memberGrant(driverWallet)] };
    const res = (await push(batch).expect(200)).body as NetworkBatchResponse;
    expect(res).toMatchObject({ accepted: 1, duplicates: 0, rejected: [], memberGrants: 1 });
    expect((await push(batch).expect(200)).body).toMatchObject({ accepted: 0, duplicates: 1, memberGrants: 0 });
    driver = await walletSignIn(t, driverWallet);
    driverCapture = (await settled(t, driver, res.captureIds[0])).id;
    const [grant] = (await t.http().get('/v1/me/advance-grants').set(auth(driver)).expect(200)).body as Plain<AdvanceGrantResponse>[];
    expect(grant).toMatchObject({ network: 'dimo', source: 'network-batch', method: 'wallet', signer: driverWallet.address, status: 'live' });
    expect(verifyWalletSignature(driverWallet.address, grant.message, batch.memberGrants[0].signature)).toBe(true);
  });

  it('refuses advance grants signed by another wallet, replayed for another contributor, expired, too wide, unknown or malformed', async () => {
    const code = async (token: string, body: unknown, status = 422) => ((await postAdvance(token, body).expect(status)).body as ErrorBody).code;
    const fields = advanceFields();
    expect(await code(alice, walletGrant(thief, fields))).toBe('CONSENT_OTHER_WALLET');
    expect(await code(alice, walletGrant(aliceWallet, fields, thief))).toBe('CONSENT_BAD_SIGNATURE');
    // Alice's signed grant, replayed by Bob: as his own wallet's it does not verify; as Alice's it is not his wallet.
    const alicesSigned = walletGrant(aliceWallet, fields);
    expect(await code(bob, alicesSigned)).toBe('CONSENT_OTHER_WALLET');
    expect(await code(bob, { ...alicesSigned, address: bobWallet.address })).toBe('CONSENT_BAD_SIGNATURE');
    const expired = advanceFields({ issuedAt: '2025-01-01T00:00:00.000Z', expiresAt: '2025-06-01T00:00:00.000Z' });
    expect(await code(alice, walletGrant(aliceWallet, expired))).toBe('CONSENT_EXPIRED');
    const tooLong = advanceFields({ expiresAt: new Date(Date.now() + 3_000 * 86_400_000).toISOString() });
    expect(await code(alice, walletGrant(aliceWallet, tooLong), 400)).toBe('CONSENT_INVALID_GRANT');
    expect(await code(alice, walletGrant(aliceWallet, advanceFields({ licences: ['no-such-licence'] })))).toBe('CONSENT_UNKNOWN_LICENCE');
    expect(await code(alice, walletGrant(aliceWallet, advanceFields({ network: 'nowhere' })))).toBe('CONSENT_UNKNOWN_TARGET');
    expect(await code(alice, walletGrant(aliceWallet, advanceFields({ curatorId: adminId })), 400)).toBe('CONSENT_INVALID_GRANT');
    const noUses = advanceFields({
      scope: {
        permittedUses: { ...ALL_USES, aiTraining: false, evaluation: false, commercialUse: false, redistribution: false, derivativeMaps: false },
        territory: ['WORLD'],
      },
    });
    expect(await code(alice, { grant: noUses, method: 'session' }, 400)).toBe('CONSENT_INVALID_GRANT');
    // Scope beyond the values there are, control characters, huge arrays: refused by validation.
    const invalid = async (grant: unknown) => {
      await postAdvance(alice, { grant, method: 'session' }).expect(400);
    };
    await invalid({ ...fields, scope: { permittedUses: { ...ALL_USES, resale: true }, territory: ['WORLD'] } });
    await invalid({ ...fields, scope: { permittedUses: ALL_USES, territory: ['MARS'] } });
    await invalid({ ...fields, network: 'dimo\u0000' });
    await invalid({ ...fields, licences: ['commercial-ai-training\n'] });
    await invalid({ ...fields, licences: Array.from({ length: 21 }, (_, i) => `licence-${i}`) });
    await invalid({ ...fields, scope: { permittedUses: ALL_USES, territory: Array.from({ length: 251 }, () => 'SI') } });
    await invalid({ ...fields, minShareBps: 10_001 });
    expect(await count('advance_grants')).toBe(1);
  });

  it('records a wallet-signed advance grant append-only; a draft of the network’s captures under a matching licence submits without a request', async () => {
    const body = walletGrant(aliceWallet);
    aliceGrant = (await postAdvance(alice, body).expect(201)).body as Plain<AdvanceGrantResponse>;
    expect(aliceGrant).toMatchObject({
      network: 'dimo',
      method: 'wallet',
      signer: aliceWallet.address,
      source: 'contributor',
      status: 'live',
      minShareBps: 1_000,
    });
    expect(((await postAdvance(alice, body).expect(409)).body as ErrorBody).code).toBe('CONSENT_ALREADY_RECORDED');
    await expect(t.sql(`UPDATE advance_grants SET network = 'x' WHERE id = $1`, [aliceGrant.id])).rejects.toThrow(/append-only/);
    await expect(t.sql(`DELETE FROM advance_grants WHERE id = $1`, [aliceGrant.id])).rejects.toThrow(/append-only/);

    clearedId = await curate([...aliceCaptures, driverCapture], 'commercial-ai-training');
    const request = await requestOf(alice, clearedId);
    expect(request).toMatchObject({ status: 'granted', waitingReason: null, advanceGrantHash: aliceGrant.hash });
    await submit(clearedId).expect(200);
    await t.http().post(`/v1/admin/datasets/${clearedId}/approve`).set(auth(admin)).send({}).expect(200);

    const record = (await t.http().get(`/v1/datasets/${clearedId}/consent`).expect(200)).body as Plain<DatasetConsentResponse>;
    expect(record).toMatchObject({ verified: true, problem: null });
    expect(record.grants).toHaveLength(2);
    const fromAlice = record.grants.find((grant) => grant.advanceGrantHash === aliceGrant.hash);
    expect(fromAlice).toMatchObject({
      method: 'advance',
      signer: aliceWallet.address,
      licence: 'commercial-ai-training',
      captureCount: 2,
      verified: true,
    });
    // Anyone checks the advance grant's signature with the wallet's public key alone.
    expect(verifyWalletSignature(fromAlice?.signer ?? '', fromAlice?.message ?? '', fromAlice?.signature ?? '')).toBe(true);
    expect(record.versions[0].grantHashes).toEqual(record.grants.map((grant) => grant.hash).sort());
    const custody = await t.sql<{ details: Record<string, unknown> }>(
      `SELECT details FROM custody_records WHERE dataset_id = $1 AND kind = 'consent-granted' ORDER BY seq`,
      [clearedId],
    );
    expect(custody.map((row) => row.details.method)).toEqual(['advance', 'advance']);
    expect(await t.sql(`SELECT method, signer FROM consent_records WHERE dataset_id = $1 ORDER BY created_at`, [clearedId])).toEqual(
      expect.arrayContaining([
        { method: 'advance', signer: aliceWallet.address },
        { method: 'advance', signer: driverWallet.address },
      ]),
    );
  });

  it('a draft outside the grant’s terms waits, with the reason shown in the request and on submit', async () => {
    const research = await curate(aliceCaptures, 'research-only');
    const request = await requestOf(alice, research);
    expect(request.status).toBe('waiting');
    expect(request.advanceGrantHash).toBeNull();
    expect(request.waitingReason).toContain('licence research-only is not among commercial-ai-training');
    const refused = (await submit(research).expect(409)).body as ErrorBody;
    expect(refused).toMatchObject({ code: 'CONSENT_MISSING' });
    expect(refused.message).toContain('licence research-only is not among');

    // With a capture uploaded directly (not through the network) the network grant does not cover the draft either.
    const direct = (await readyCapture(t, alice, nmeaLog(7), 'direct.nmea')).id;
    const mixed = await curate([...aliceCaptures, direct], 'commercial-ai-training');
    expect((await requestOf(alice, mixed)).waitingReason).toContain('1 of your captures in the draft did not come in through network dimo');
    await submit(mixed).expect(409);
  });

  it('an explicit decline wins over the advance grant for that dataset', async () => {
    const id = await curate(aliceCaptures, 'commercial-ai-training');
    await t.http().post(`/v1/datasets/${id}/consent/declines`).set(auth(alice)).send({ reason: 'Not for this buyer.' }).expect(201);
    await t.http().patch(`/v1/datasets/${id}`).set(auth(admin)).send({ captureIds: aliceCaptures }).expect(200);
    expect(await requestOf(alice, id)).toMatchObject({ status: 'declined', advanceGrantHash: null });
    expect(((await submit(id).expect(409)).body as ErrorBody).message).toContain('declined');
  });

  it('a session grant per curator covers that curator’s drafts of directly uploaded captures', async () => {
    const carol = await signUp(t, 'carol@example.com', 'contributor');
    const capture = (await readyCapture(t, carol, nmeaLog(9), 'carol.nmea')).id;
    const fields = advanceFields({
      network: null,
      curatorId: adminId,
      licences: ['commercial-ai-training', 'research-only'],
      minShareBps: null,
      minPriceUsdCents: 50_000,
    });
    const grant = (await postAdvance(carol, { grant: fields, method: 'session' }).expect(201)).body as Plain<AdvanceGrantResponse>;
    expect(grant).toMatchObject({ curatorId: adminId, method: 'session', signer: null });
    const cheap = await curate([capture], 'research-only', 10_000);
    expect((await requestOf(carol, cheap)).waitingReason).toContain('the price USD 100.00 is below its minimum USD 500.00');
    const id = await curate([capture], 'research-only');
    await submit(id).expect(200);
    const [row] = await t.sql<{ method: string; fields: { advanceGrantHash: string } }>(
      `SELECT method, fields FROM consent_records WHERE dataset_id = $1`,
      [id],
    );
    expect(row).toMatchObject({ method: 'advance', fields: { advanceGrantHash: grant.hash } });
  });

  it('revoking affects drafts not yet cleared; the dataset it cleared keeps its grant', async () => {
    const revoke = (token: string, id: string, body: object = {}) => t.http().post(`/v1/me/advance-grants/${id}/revoke`).set(auth(token)).send(body);
    expect(((await revoke(bob, aliceGrant.id).expect(404)).body as ErrorBody).code).toBe('CONSENT_ADVANCE_GRANT_NOT_FOUND');
    await revoke(alice, aliceGrant.id, { reason: 'bell \u0007' }).expect(400);
    const revoked = (await revoke(alice, aliceGrant.id, { reason: 'I sell my drives myself now.' }).expect(200)).body as Plain<AdvanceGrantResponse>;
    expect(revoked.status).toBe('revoked');
    expect(revoked.revokedAt).not.toBeNull();
    expect(revoked.revocationHash).toMatch(/^[0-9a-f]{64}$/);
    expect(((await revoke(alice, aliceGrant.id).expect(409)).body as ErrorBody).code).toBe('CONSENT_ADVANCE_GRANT_REVOKED');
    await expect(t.sql(`DELETE FROM advance_grant_revocations`)).rejects.toThrow(/append-only/);

    const next = await curate(aliceCaptures, 'commercial-ai-training');
    expect(await requestOf(alice, next)).toMatchObject({ status: 'waiting', waitingReason: 'has not answered yet', advanceGrantHash: null });
    await submit(next).expect(409);
    const record = (await t.http().get(`/v1/datasets/${clearedId}/consent`).expect(200)).body as Plain<DatasetConsentResponse>;
    expect(record).toMatchObject({ verified: true });
    expect(record.grants.some((grant) => grant.advanceGrantHash === aliceGrant.hash)).toBe(true);
    const [mine] = (await t.http().get('/v1/me/advance-grants').set(auth(alice)).expect(200)).body as Plain<AdvanceGrantResponse>[];
    expect(mine).toMatchObject({ id: aliceGrant.id, status: 'revoked' });
  });

  it('hands out the exact grant and message to give on your terms; the wallet signs that message and the grant is recorded', async () => {
    const bobId = ((await t.http().get('/v1/auth/me').set(auth(bob)).expect(200)).body as { id: string }).id;
    // The terms as the page's form holds them: no issuedAt or nonce, the server picks those.
    const { network, licences: allowed, scope, minShareBps, expiresAt } = advanceFields();
    const terms = { network, licences: allowed, scope, minShareBps, minPriceUsdCents: 20_000, expiresAt };
    const ask = (token: string, body: object) => t.http().post('/v1/me/advance-grants/message').set(auth(token)).send(body);
    const before = await count('advance_grants');
    const started = Date.now();
    const offered = (await ask(bob, terms).expect(200)).body as { grant: AdvanceGrantFields; walletMessage: string | null; sessionMessage: string };
    expect(offered.grant).toMatchObject({ ...terms, curatorId: null });
    expect(Object.keys(offered.grant).sort()).toEqual([...Object.keys(terms), 'curatorId', 'issuedAt', 'nonce'].sort());
    expect(offered.grant.nonce).toMatch(/^[A-Za-z0-9_-]{24}$/);
    expect(Date.parse(offered.grant.issuedAt)).toBeGreaterThanOrEqual(started - 1_000);
    expect(Date.parse(offered.grant.issuedAt)).toBeLessThanOrEqual(Date.now());
    expect(offered.walletMessage).toBe(advanceGrantMessage(offered.grant, bobWallet.address));
    expect(offered.sessionMessage).toBe(advanceGrantMessage(offered.grant, bobId));
    // Each ask is a new grant (its own nonce); asking stores nothing.
    const again = (await ask(bob, terms).expect(200)).body as { grant: AdvanceGrantFields };
    expect(again.grant.nonce).not.toBe(offered.grant.nonce);
    expect(await count('advance_grants')).toBe(before);

    // The terms are checked as a grant is: unknown targets, the caller as curator, the server's own fields sent.
    const code = async (body: object, status: number) => ((await ask(bob, body).expect(status)).body as ErrorBody).code;
    expect(await code({ ...terms, network: 'nowhere' }, 422)).toBe('CONSENT_UNKNOWN_TARGET');
    expect(await code({ ...terms, licences: ['no-such-licence'] }, 422)).toBe('CONSENT_UNKNOWN_LICENCE');
    expect(await code({ ...terms, network: null, curatorId: bobId }, 400)).toBe('CONSENT_INVALID_GRANT');
    expect(await code({ ...terms, expiresAt: '2025-06-01T00:00:00.000Z' }, 400)).toBe('CONSENT_INVALID_GRANT');
    expect(await code({ ...terms, expiresAt: new Date(Date.now() + 3_000 * 86_400_000).toISOString() }, 400)).toBe('CONSENT_INVALID_GRANT');
    await ask(bob, { ...terms, nonce: 'k3Jd9sQw0pLx7Vb2Rt5Ymn' }).expect(400);
    await ask(bob, { ...terms, issuedAt: new Date().toISOString() }).expect(400);

    const signature = bobWallet.sign(offered.walletMessage ?? '');
    // Signed for these fields alone: a lower minimum sent with the signature does not verify.
    const tampered = { grant: { ...offered.grant, minPriceUsdCents: 100 }, method: 'wallet', address: bobWallet.address, signature };
    expect(((await postAdvance(bob, tampered).expect(422)).body as ErrorBody).code).toBe('CONSENT_BAD_SIGNATURE');
    const made = (await postAdvance(bob, { grant: offered.grant, method: 'wallet', address: bobWallet.address, signature }).expect(201))
      .body as Plain<AdvanceGrantResponse>;
    expect(made).toMatchObject({
      method: 'wallet',
      signer: bobWallet.address,
      message: offered.walletMessage,
      minPriceUsdCents: 20_000,
      status: 'live',
    });
    expect(verifyWalletSignature(bobWallet.address, made.message, signature)).toBe(true);

    // Without a linked wallet there is no wallet message; the session gives the grant as handed out.
    const dora = await signUp(t, 'dora@example.com', 'contributor');
    const forDora = (await ask(dora, terms).expect(200)).body as { grant: AdvanceGrantFields; walletMessage: string | null; sessionMessage: string };
    expect(forDora.walletMessage).toBeNull();
    const session = (await postAdvance(dora, { grant: forDora.grant, method: 'session' }).expect(201)).body as Plain<AdvanceGrantResponse>;
    expect(session).toMatchObject({ method: 'session', signer: null, message: forDora.sessionMessage });
    expect(await count('advance_grants')).toBe(before + 2);
  });
});
