import { createHash, randomBytes } from 'node:crypto';
import {
  type LicenceCertificate,
  PlatformSigner,
  fromBase58,
  reissuedCertificate,
  sliceFilesDigest,
  toBase58,
  verifyCertificate,
  withdrawnLeavesOf,
} from './licence-certificate.js';

const certificate: LicenceCertificate = {
  type: 'dataset-licence-certificate',
  formatVersion: 1,
  orderId: '3f7c1a52-7f0e-4f55-9a53-0a3f3f1c2b10',
  issuedAt: '2026-11-28T10:00:00.000Z',
  buyer: { id: 'b3f5a0c2-1111-4d2e-8a7b-123456789abc', email: 'buyer@example.com', walletAddress: null },
  dataset: { id: 'd1c2b3a4-2222-4e5f-9a8b-abcdefabcdef', version: 2, title: 'Munich dashcam drives', merkleRoot: 'ab'.repeat(32) },
  licence: {
    slug: 'commercial-ai-training',
    name: 'Commercial AI training',
    terms: {
      permittedUses: { aiTraining: true, evaluation: true, commercialUse: true, redistribution: false, derivativeMaps: true },
      attributionRequired: false,
      territory: ['WORLD'],
      termMonths: 12,
      exclusive: false,
      maxSeats: null,
    },
    validUntil: '2027-11-28T10:00:00.000Z',
  },
  price: { amount: '1999', currency: 'USD', priceUsdCents: 1999 },
  payment: { method: 'card', reference: 'pi_123' },
};

describe('licence certificates', () => {
  const signer = new PlatformSigner(new Uint8Array(randomBytes(32)));

  it('signs the canonical JSON of the certificate; the signature verifies offline', () => {
    const signed = signer.signCertificate(certificate);
    expect(JSON.parse(signed.payload)).toEqual(certificate);
    // Canonical: keys sorted, no whitespace, so anyone can rebuild the same bytes.
    expect(signed.payload.startsWith('{"buyer":{"email":"buyer@example.com"')).toBe(true);
    expect(signed.publicKey).toBe(signer.publicKey);
    expect(fromBase58(signed.publicKey)).toHaveLength(32);
    expect(fromBase58(signed.signature)).toHaveLength(64);
    expect(verifyCertificate(signed)).toBe(true);
  });

  it('rejects a changed payload, another key, or a malformed signature', () => {
    const signed = signer.signCertificate(certificate);
    expect(verifyCertificate({ ...signed, payload: signed.payload.replace('1999', '1') })).toBe(false);
    const other = new PlatformSigner(new Uint8Array(randomBytes(32)));
    expect(verifyCertificate({ ...signed, publicKey: other.publicKey })).toBe(false);
    expect(verifyCertificate({ ...signed, signature: 'not-base58!' })).toBe(false);
    expect(verifyCertificate({ ...signed, signature: toBase58(new Uint8Array(64)) })).toBe(false);
  });

  it('derives the same public key from the same seed, and refuses seeds of another size', () => {
    const seed = new Uint8Array(randomBytes(32));
    expect(new PlatformSigner(seed).publicKey).toBe(new PlatformSigner(seed).publicKey);
    expect(() => new PlatformSigner(new Uint8Array(64))).toThrow(RangeError);
  });

  it('reissues a certificate without withdrawn files: same terms, chained to the one it supersedes, both verify', () => {
    const original = signer.signCertificate(certificate);
    const files = [0, 1, 2].map((leafIndex) => ({
      leafIndex,
      sha256: String(leafIndex).repeat(64),
      sizeBytes: 100 + leafIndex,
      path: `gnss/f${leafIndex}.nmea`,
    }));
    const now = new Date('2026-12-01T09:00:00.000Z');
    const reissued = reissuedCertificate(original, files, [files[1]], now);
    expect(reissued).toEqual({
      ...certificate,
      issuedAt: now.toISOString(),
      withdrawn: { leaves: [1], paths: ['gnss/f1.nmea'], remainingFilesSha256: sliceFilesDigest([files[0], files[2]]) },
      supersedes: { payloadSha256: createHash('sha256').update(original.payload, 'utf8').digest('hex'), signature: original.signature },
    });
    const signed = signer.signCertificate(reissued);
    expect(verifyCertificate(signed)).toBe(true);
    expect(verifyCertificate(original)).toBe(true);
    expect(withdrawnLeavesOf(original.payload)).toEqual([]);
    expect(withdrawnLeavesOf(signed.payload)).toEqual([1]);
    // A second withdrawal supersedes the reissued one: the list grows, the chain moves on.
    const again = reissuedCertificate(signed, files, [files[2], files[1]], now);
    expect(again.withdrawn?.leaves).toEqual([1, 2]);
    expect(again.supersedes?.signature).toBe(signed.signature);
  });
});
