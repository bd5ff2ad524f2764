import { generateKeyPairSync, sign } from 'node:crypto';
import { getBase58Decoder } from '@solana/kit';
import { verifyWalletSignature } from '../auth/wallet-signature.js';
import type { DraftConsentTerms } from '../catalog/dto/draft-consent.js';
import type { LicenceTerms } from '../licensing/licence-terms.js';
import { type ConsentGrantFields, consentGrantHash, consentMessage, scopeDifferences, scopeOfLicence } from './consent-grant.js';
import { grantSetHash, grantsPerVersion } from './consent-record-walk.js';
import { standingPerContributor, unclearedReason } from './grant-match.js';
import { appendCustodyRecord, type CustodyRecord } from '../provenance/custody-log.js';

const licence: LicenceTerms = {
  permittedUses: { aiTraining: true, evaluation: true, commercialUse: true, redistribution: false, derivativeMaps: false },
  attributionRequired: true,
  territory: ['WORLD'],
  termMonths: null,
  exclusive: false,
  maxSeats: null,
};

const fields: ConsentGrantFields = {
  datasetId: '6f1c2a9e-1b7d-4c5e-9a0b-3d2e1f4a5b6c',
  contributorId: '0e8d7c6b-5a49-4382-a716-b5c4d3e2f1a0',
  captureIds: ['11111111-1111-4111-8111-111111111111', '22222222-2222-4222-8222-222222222222'],
  licence: 'commercial-ai-training',
  scope: scopeOfLicence(licence),
  priceUsdCents: 125_000,
  shareBps: 6_000,
  issuedAt: '2026-12-03T01:00:00.000Z',
  expiresAt: '2027-12-03T01:00:00.000Z',
  nonce: 'nonce-0123456789abcdef',
};

const terms: DraftConsentTerms = {
  datasetId: fields.datasetId,
  ownerId: '99999999-9999-4999-8999-999999999999',
  title: 'Ljubljana',
  draftState: 'editing',
  draftRevision: 1,
  licence: { slug: 'commercial-ai-training', name: 'Commercial AI training', terms: licence },
  priceUsdCents: 125_000,
  contributors: [
    {
      contributorId: fields.contributorId,
      captureIds: fields.captureIds,
      networkOf: Object.fromEntries(fields.captureIds.map((id) => [id, 'dimo'])),
      shareBps: 6_000,
    },
  ],
};

describe('consent grants', () => {
  it('signs a message that states every field in plain words and verifies with the wallet key', () => {
    const { publicKey, privateKey } = generateKeyPairSync('ed25519');
    const b58 = getBase58Decoder();
    const address = b58.decode(Buffer.from(publicKey.export({ format: 'jwk' }).x as string, 'base64url'));
    const message = consentMessage(fields, address);
    expect(message.split('\n').slice(4)).toEqual([
      `Signer: ${address}`,
      `Dataset: ${fields.datasetId}`,
      `Contributor: ${fields.contributorId}`,
      `Captures: ${fields.captureIds.join(', ')}`,
      'Licence: commercial-ai-training',
      'Uses: AI training, evaluation, commercial use',
      'Territory: WORLD',
      'Price: USD 1250.00',
      "Share: 60.00% of the contributors' pool",
      'Issued At: 2026-12-03T01:00:00.000Z',
      'Expiration Time: 2027-12-03T01:00:00.000Z',
      'Nonce: nonce-0123456789abcdef',
    ]);
    const signature = b58.decode(sign(null, Buffer.from(message, 'utf8'), privateKey));
    expect(verifyWalletSignature(address, message, signature)).toBe(true);
    expect(verifyWalletSignature(address, consentMessage({ ...fields, datasetId: terms.ownerId }, address), signature)).toBe(false);
  });

  it('hashes a grant over its fields, method, signer and signature, so any change gives another hash', () => {
    const hash = consentGrantHash(fields, 'wallet', 'addr', 'sig');
    expect(hash).toMatch(/^[0-9a-f]{64}$/);
    expect(consentGrantHash({ ...fields }, 'wallet', 'addr', 'sig')).toBe(hash);
    expect(consentGrantHash({ ...fields, nonce: 'nonce-0123456789abcdeX' }, 'wallet', 'addr', 'sig')).not.toBe(hash);
    expect(consentGrantHash(fields, 'session', 'addr', null)).not.toBe(hash);
    expect(consentGrantHash(fields, 'wallet', 'addr2', 'sig')).not.toBe(hash);
  });

  it('tells a scope wider than the licence from one narrower than it', () => {
    expect(scopeDifferences(licence, scopeOfLicence(licence))).toEqual({ wider: [], narrower: [] });
    const wider = scopeDifferences(licence, { permittedUses: { ...licence.permittedUses, redistribution: true }, territory: ['WORLD'] });
    expect(wider).toEqual({ wider: ['redistribution is not sold under this licence'], narrower: [] });
    const narrower = scopeDifferences(licence, { permittedUses: { ...licence.permittedUses, commercialUse: false }, territory: ['SI'] });
    expect(narrower.wider).toEqual([]);
    expect(narrower.narrower).toEqual(['the licence sells commercial use', 'the licence is sold in WORLD']);
    const local = { ...licence, territory: ['SI', 'HR'] };
    expect(scopeDifferences(local, { permittedUses: licence.permittedUses, territory: ['WORLD'] }).wider).toEqual([
      "territory WORLD reaches beyond the licence's SI, HR",
    ]);
  });

  it('clears a draft only with a standing, unexpired grant that still matches it', () => {
    const now = new Date('2027-01-01T00:00:00.000Z');
    const grant = { kind: 'grant' as const, fields, expiresAt: new Date(fields.expiresAt) };
    const [me] = terms.contributors;
    expect(unclearedReason(undefined, me, terms, now)).toBe('has not answered yet');
    expect(unclearedReason(grant, me, terms, now)).toBeNull();
    expect(unclearedReason({ kind: 'decline', fields: {}, expiresAt: null }, me, terms, now)).toBe('declined');
    expect(unclearedReason(grant, me, terms, new Date('2028-01-01T00:00:00.000Z'))).toBe('their grant has expired');
    const more = { ...me, captureIds: [...me.captureIds, '33333333-3333-4333-8333-333333333333'] };
    expect(unclearedReason(grant, more, terms, now)).toBe('the draft now holds captures their grant does not name');
    expect(unclearedReason(grant, me, { ...terms, priceUsdCents: 100_000 }, now)).toBe('the price was lowered since they granted');
    expect(unclearedReason(grant, me, { ...terms, priceUsdCents: 150_000 }, now)).toBeNull();
    expect(unclearedReason(grant, { ...me, shareBps: 5_000 }, terms, now)).toBe('their share shrank since they granted');
    expect(unclearedReason(grant, { ...me, shareBps: 10_000 }, terms, now)).toBeNull();
    // A smaller share that only follows some of their own captures leaving (withdrawn, taken down) still clears.
    const fewer = { ...me, captureIds: me.captureIds.slice(1), shareBps: 5_000 };
    expect(unclearedReason(grant, fewer, terms, now)).toBeNull();
    expect(unclearedReason({ ...grant, withdrawn: [me.captureIds[0]] }, fewer, terms, now)).toBeNull();
    const research = {
      ...terms,
      licence: { ...terms.licence, terms: { ...licence, permittedUses: { ...licence.permittedUses, commercialUse: false } } },
    };
    expect(unclearedReason(grant, me, research, now)).toBe('the licence changed since they granted');
  });

  it('a withdrawal takes captures out of the standing grant; a later grant or decline replaces it', () => {
    const now = new Date('2027-01-01T00:00:00.000Z');
    const [me] = terms.contributors;
    const [first, second] = fields.captureIds;
    const grant = {
      contributorId: me.contributorId,
      kind: 'grant' as const,
      fields,
      captureIds: fields.captureIds,
      expiresAt: new Date(fields.expiresAt),
    };
    const withdrawal = { contributorId: me.contributorId, kind: 'withdrawal' as const, fields: {}, captureIds: [first], expiresAt: null };
    const standing = standingPerContributor([grant, withdrawal]).get(me.contributorId);
    expect(standing).toMatchObject({ kind: 'grant', withdrawn: [first] });
    // The rest stays cleared; the withdrawn capture, put back, is not.
    expect(unclearedReason(standing, { ...me, captureIds: [second] }, terms, now)).toBeNull();
    expect(unclearedReason(standing, me, terms, now)).toBe('the draft now holds captures their grant does not name');
    expect(standingPerContributor([grant, withdrawal, grant]).get(me.contributorId)).toMatchObject({ kind: 'grant', withdrawn: [] });
    // A withdrawal with no grant before it leaves nothing standing.
    expect(standingPerContributor([withdrawal]).size).toBe(0);
  });

  it('reads the grants that cleared each version from the custody log alone', () => {
    let log: CustodyRecord[] = [];
    const add = (kind: string, actorId: string, details: CustodyRecord['details']) => {
      log = [...log, appendCustodyRecord(log.at(-1), { datasetId: terms.datasetId, kind, actorId, at: '2026-12-03T01:00:00.000Z', details })];
    };
    const hashA = 'a'.repeat(64);
    const hashB = 'b'.repeat(64);
    add('created', 'curator', {});
    add('consent-granted', 'alice', { grantHash: hashA, captureIds: ['c1', 'c2'] });
    add('consent-granted', 'bob', { grantHash: hashB, captureIds: ['c3'] });
    add('published', 'admin', { version: 1 });
    add('consent-declined', 'bob', { captureIds: ['c3'] });
    add('files-changed', 'curator', { added: [], removed: ['c1', 'c2'] });
    add('published', 'admin', { version: 2 });
    expect(grantsPerVersion(log)).toEqual([
      { version: 1, grantHashes: [hashA, hashB] },
      { version: 2, grantHashes: [] },
    ]);
    expect(grantSetHash([hashB, hashA])).toBe(grantSetHash([hashA, hashB]));
    expect(grantSetHash([hashA])).not.toBe(grantSetHash([hashA, hashB]));
  });
});
