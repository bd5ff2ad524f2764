import { createHash, createPrivateKey, createPublicKey, type KeyObject, sign, verify } from 'node:crypto';
import { getBase58Decoder, getBase58Encoder } from '@solana/kit';
import type { LicenceTerms } from '../licensing/licence-terms.js';
import { canonicalJson } from '../provenance/canonical-json.js';
import type { PaymentCurrency, PaymentMethod } from './payment-methods/payment-method.js';

/** What the platform attests when it sells a licence; the signed payload is its canonical JSON. */
export interface LicenceCertificate {
  type: 'dataset-licence-certificate';
  formatVersion: 1;
  orderId: string;
  issuedAt: string;
  /** The user who placed the order (for an organisation's order: the member who bought on its behalf). */
  buyer: { id: string; email: string | null; walletAddress: string | null };
  /** Present when an organisation holds the licence: it is the licensee, and its members may use the dataset. */
  organisation?: { id: string; name: string };
  dataset: { id: string; version: number; title: string; merkleRoot: string };
  licence: { slug: string; name: string; terms: LicenceTerms; validUntil: string | null };
  /** `amount` in minor units as a decimal string: USD cents or USDC base units (10^-6). */
  price: { amount: string; currency: PaymentCurrency; priceUsdCents: number };
  payment: { method: PaymentMethod; reference: string };
  /** Present when the order bought a slice of the version (issue 13): exactly these files, and what they measure. */
  slice?: CertificateSlice;
  /**
   * The contributors' consent that cleared the version (issue 16): `grantSetHash` is the hash GET
   * /v1/datasets/:id/consent lists for the version (SHA-256 hex of `cgs1|` + its sorted grant hashes joined by `,`),
   * `grants` how many signed grants it holds. Absent on certificates issued before consent was recorded.
   */
  consent?: { grantSetHash: string; grants: number };
  /**
   * Present on a certificate reissued after contributors withdrew captures under a licence that is revocable on
   * withdrawal (issue 16): the files the licence no longer covers (leaf indexes and paths in the version), and
   * `remainingFilesSha256`, the digest of the files it still covers (the lines of CertificateSlice.filesSha256).
   */
  withdrawn?: CertificateWithdrawn;
  /** On a reissued certificate: the one it replaces (SHA-256 hex of its payload's UTF-8 bytes, and its signature). */
  supersedes?: { payloadSha256: string; signature: string };
}

export interface CertificateWithdrawn {
  leaves: number[];
  paths: string[];
  remainingFilesSha256: string;
}

/**
 * The slice a certificate licenses: the area as the buyer gave it, the window, the sensors, the unit it was priced by,
 * and its files as leaf indexes of the version's Merkle tree (each file verifies against dataset.merkleRoot with its
 * own proof). `filesSha256` pins the files themselves: SHA-256 (hex) of the UTF-8 lines
 * `<leafIndex>|<sha256>|<sizeBytes>|<path>`, one per file in leaf order, each ending in a newline.
 */
export interface CertificateSlice {
  quoteId: string;
  area: object | null;
  window: { from: string | null; to: string | null } | null;
  modalities: string[] | null;
  unit: 'km' | 'hour' | 'gb';
  captures: number;
  lengthM: number;
  durationMs: number;
  sizeBytes: number;
  leaves: number[];
  filesSha256: string;
}

/** The lines `filesSha256` hashes, in leaf order (see CertificateSlice). */
export function sliceFilesDigest(files: readonly { leafIndex: number; sha256: string; sizeBytes: number; path: string }[]): string {
  const sorted = [...files].sort((a, b) => a.leafIndex - b.leafIndex);
  return createHash('sha256')
    .update(sorted.map((file) => `${file.leafIndex}|${file.sha256}|${file.sizeBytes}|${file.path}\n`).join(''), 'utf8')
    .digest('hex');
}

export interface SignedCertificate {
  /** The certificate as a JSON string; the signature covers its UTF-8 bytes. */
  payload: string;
  /** Ed25519 signature, base58. */
  signature: string;
  /** The platform's Ed25519 public key, base58 (as GET /v1/platform/keys publishes it). */
  publicKey: string;
}

// DER prefixes that wrap a raw 32-byte Ed25519 key as PKCS#8 (private) and SPKI (public) for node:crypto.
const PKCS8_ED25519_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');
const SPKI_ED25519_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');

const base58 = { encode: getBase58Decoder(), decode: getBase58Encoder() };

export function toBase58(bytes: Uint8Array): string {
  return base58.encode.decode(bytes);
}

export function fromBase58(text: string): Uint8Array {
  return new Uint8Array(base58.decode.encode(text));
}

/** The platform's Ed25519 key, from its 32-byte seed. */
export class PlatformSigner {
  private readonly privateKey: KeyObject;
  readonly publicKey: string;

  constructor(seed: Uint8Array) {
    if (seed.length !== 32) throw new RangeError(`an Ed25519 seed is 32 bytes, got ${seed.length}`);
    this.privateKey = createPrivateKey({ key: Buffer.concat([PKCS8_ED25519_PREFIX, seed]), format: 'der', type: 'pkcs8' });
    const jwk = createPublicKey(this.privateKey).export({ format: 'jwk' });
    this.publicKey = toBase58(Buffer.from(jwk.x as string, 'base64url'));
  }

  signCertificate(certificate: LicenceCertificate): SignedCertificate {
    const payload = canonicalJson(certificate);
    const signature = toBase58(sign(null, Buffer.from(payload, 'utf8'), this.privateKey));
    return { payload, signature, publicKey: this.publicKey };
  }
}

/** Checks a certificate offline: the signature is the public key's Ed25519 signature of the payload's UTF-8 bytes. */
export function verifyCertificate({ payload, signature, publicKey }: SignedCertificate): boolean {
  try {
    const key = createPublicKey({ key: Buffer.concat([SPKI_ED25519_PREFIX, fromBase58(publicKey)]), format: 'der', type: 'spki' });
    return verify(null, Buffer.from(payload, 'utf8'), key, fromBase58(signature));
  } catch {
    return false;
  }
}

/** A file a certificate covers, as sliceFilesDigest reads it. */
type CertifiedFile = { leafIndex: number; sha256: string; sizeBytes: number; path: string };

/**
 * The certificate that replaces `previous` once `withdrawn` (a subset of `files`, the order's files) no longer are
 * licensed: every other term as it was, issued now, naming the withdrawn files and pinning the remaining ones, and
 * chained to the certificate it supersedes.
 */
export function reissuedCertificate(
  previous: SignedCertificate,
  files: readonly CertifiedFile[],
  withdrawn: readonly CertifiedFile[],
  now: Date,
): LicenceCertificate {
  const leaves = new Set(withdrawn.map((file) => file.leafIndex));
  const gone = [...withdrawn].sort((a, b) => a.leafIndex - b.leafIndex);
  return {
    ...(JSON.parse(previous.payload) as LicenceCertificate),
    issuedAt: now.toISOString(),
    withdrawn: {
      leaves: gone.map((file) => file.leafIndex),
      paths: gone.map((file) => file.path),
      remainingFilesSha256: sliceFilesDigest(files.filter((file) => !leaves.has(file.leafIndex))),
    },
    supersedes: { payloadSha256: createHash('sha256').update(previous.payload, 'utf8').digest('hex'), signature: previous.signature },
  };
}

/** The leaf indexes a certificate no longer covers (none on an original certificate). */
export function withdrawnLeavesOf(payload: string): number[] {
  return (JSON.parse(payload) as LicenceCertificate).withdrawn?.leaves ?? [];
}
