import { ProvenanceError, ProvenanceErrorCode } from './provenance-error.js';
import { CANONICAL_POSITIVE_DECIMAL, ID_PATTERN, isNonNegativeSafeInteger, isPositiveSafeInteger } from './provenance-fields.js';

/**
 * Leaf encoding of one file of a dataset version's manifest (documented in README.md as well).
 *
 * The leaf bytes are the UTF-8 encoding of exactly this string, with no trailing newline:
 *
 *   dsv1|<datasetId>|<version>|<captureId>|<sha256>|<sizeBytes>|<path>
 *
 *   byte(s)        field      rule
 *   "dsv1"         tag        4 ASCII bytes 64 73 76 31: names the leaf kind and encoding version, so a manifest
 *                             leaf can never be replayed as a split leaf ("spl1") or vice versa
 *   "|"            separator  one byte 0x7c between every two fields
 *   datasetId      ASCII      1-64 of [A-Za-z0-9_-] (a UUID in this service)
 *   version        ASCII      decimal, 1..2^53-1, no sign, no leading zeros
 *   captureId      ASCII      1-64 of [A-Za-z0-9_-]
 *   sha256         ASCII      64 lowercase hex digits: SHA-256 of the file's bytes
 *   sizeBytes      ASCII      decimal, 0..2^53-1, no sign, no leading zeros ("0" for an empty file)
 *   path           UTF-8      the file's path as buyers see it in the manifest and downloads, 1-1024 bytes,
 *                             Unicode NFC, no "|", no control characters (U+0000-U+001F, U+007F-U+009F),
 *                             no U+2028/U+2029, no lone surrogates
 *
 * Why it is unambiguous: every field before the path has a fixed alphabet without "|", and the path is last, so
 * splitting on the first six "|" recovers every field (decodeManifestLeaf does exactly that). NFC and the ban on
 * lone surrogates give each path exactly one byte spelling. The storage object key is deliberately not in the
 * leaf: it is an internal detail that may move between buckets, while path, size and hash are what a buyer holds.
 *
 * The Merkle leaf hash is then H(0x00 || H(leafBytes)) (merkle-tree.ts).
 */
export const MANIFEST_LEAF_TAG = 'dsv1';
export const MAX_PATH_BYTES = 1024;

export interface ManifestEntry {
  datasetId: string;
  version: number;
  captureId: string;
  /** SHA-256 of the file's bytes, 64 lowercase hex. */
  sha256: string;
  sizeBytes: number;
  path: string;
}

const SHA256_HEX = /^[0-9a-f]{64}$/;
const CANONICAL_NON_NEGATIVE_DECIMAL = /^(0|[1-9][0-9]{0,15})$/;
// Control characters (\p{Cc}: U+0000-U+001F, U+007F-U+009F), the Unicode line/paragraph separators, the field
// separator, and lone surrogates (a `u` regex only matches \p{Cs} when the surrogate is unpaired).
const FORBIDDEN_IN_PATH = /[\p{Cc}\u2028\u2029|]|\p{Cs}/u;

function invalid(message: string): ProvenanceError {
  return new ProvenanceError(ProvenanceErrorCode.INVALID_MANIFEST_ENTRY, message);
}

/** Throws unless the path can be encoded with exactly one byte spelling (rules above). */
export function assertManifestPath(path: unknown): asserts path is string {
  if (typeof path !== 'string' || path.length === 0) throw invalid('path must be a non-empty string');
  if (FORBIDDEN_IN_PATH.test(path)) {
    throw invalid('path must not contain "|", control characters, line separators or unpaired surrogates');
  }
  if (path !== path.normalize('NFC')) throw invalid('path must be in Unicode NFC form');
  if (Buffer.byteLength(path, 'utf8') > MAX_PATH_BYTES) throw invalid(`path must be at most ${MAX_PATH_BYTES} UTF-8 bytes`);
}

export function assertManifestEntry(entry: ManifestEntry): void {
  if (typeof entry.datasetId !== 'string' || !ID_PATTERN.test(entry.datasetId)) {
    throw invalid('datasetId must be 1-64 characters of [A-Za-z0-9_-]');
  }
  if (!isPositiveSafeInteger(entry.version)) throw invalid('version must be a positive safe integer');
  if (typeof entry.captureId !== 'string' || !ID_PATTERN.test(entry.captureId)) {
    throw invalid('captureId must be 1-64 characters of [A-Za-z0-9_-]');
  }
  if (typeof entry.sha256 !== 'string' || !SHA256_HEX.test(entry.sha256)) {
    throw invalid('sha256 must be 64 lowercase hex characters');
  }
  if (!isNonNegativeSafeInteger(entry.sizeBytes)) throw invalid('sizeBytes must be a non-negative safe integer');
  assertManifestPath(entry.path);
}

export function manifestLeafString(entry: ManifestEntry): string {
  assertManifestEntry(entry);
  const { datasetId, version, captureId, sha256, sizeBytes, path } = entry;
  return [MANIFEST_LEAF_TAG, datasetId, String(version), captureId, sha256, String(sizeBytes), path].join('|');
}

export function encodeManifestLeaf(entry: ManifestEntry): Buffer {
  return Buffer.from(manifestLeafString(entry), 'utf8');
}

/** Inverse of encodeManifestLeaf; throws on any bytes encodeManifestLeaf could not have produced. */
export function decodeManifestLeaf(bytes: Uint8Array): ManifestEntry {
  const text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
  const fields = text.split('|');
  if (fields.length !== 7 || fields[0] !== MANIFEST_LEAF_TAG) throw invalid('not a dsv1 manifest leaf');
  const [, datasetId, version, captureId, sha256, sizeBytes, path] = fields;
  if (!CANONICAL_POSITIVE_DECIMAL.test(version) || !CANONICAL_NON_NEGATIVE_DECIMAL.test(sizeBytes)) {
    throw invalid('version and sizeBytes must be canonical decimals');
  }
  const entry: ManifestEntry = { datasetId, version: Number(version), captureId, sha256, sizeBytes: Number(sizeBytes), path };
  assertManifestEntry(entry);
  return entry;
}

/**
 * The canonical leaf order of a version: entries sorted by the UTF-8 bytes of their path (an order any language
 * can reproduce, unlike JavaScript's UTF-16 string order), so the root does not depend on database row order.
 * All entries must belong to one dataset version and paths must be unique.
 */
export function manifestLeaves(entries: readonly ManifestEntry[]): { entries: ManifestEntry[]; leaves: Buffer[] } {
  const encoded = entries.map((entry) => {
    const leaf = encodeManifestLeaf(entry);
    return { entry, leaf, pathBytes: Buffer.from(entry.path, 'utf8') };
  });
  encoded.sort((a, b) => Buffer.compare(a.pathBytes, b.pathBytes));
  for (let i = 0; i < encoded.length; i++) {
    const { entry } = encoded[i];
    if (entry.datasetId !== encoded[0].entry.datasetId || entry.version !== encoded[0].entry.version) {
      throw invalid('all manifest entries must belong to the same dataset version');
    }
    if (i > 0 && encoded[i - 1].pathBytes.equals(encoded[i].pathBytes)) throw invalid(`duplicate path in manifest: ${entry.path}`);
  }
  return { entries: encoded.map((e) => e.entry), leaves: encoded.map((e) => e.leaf) };
}
