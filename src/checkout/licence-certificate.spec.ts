import { randomBytes } from 'node:crypto';
import { type LicenceCertificate, PlatformSigner, fromBase58, toBase58, verifyCertificate } from './licence-certificate.js';

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
});
