import { canonicalJson, type JsonValue } from './canonical-json.js';
import { HASH_BYTES, isHash32Hex, sha256, toHex } from './merkle-tree.js';
import { ProvenanceError, ProvenanceErrorCode } from './provenance-error.js';
import { ID_PATTERN, isPositiveSafeInteger } from './provenance-fields.js';

/**
 * Append-only, hash-chained custody log of a dataset (created, file-added, submitted, reviewed, published,
 * anchored, ...):
 *
 *   hash(n) = SHA-256( prevHash || UTF-8( canonicalJson({ seq, datasetId, kind, actorId, at, details }) ) )
 *   prevHash(1) = 32 zero bytes (genesis); prevHash(n) = hash(n - 1); seq counts 1, 2, 3, ... without gaps
 *
 * seq is inside the hashed entry, so removing, inserting or reordering entries breaks both the numbering and the
 * chain. The chain alone cannot reveal that the newest entries were cut off, or that someone rewrote the whole
 * log with fresh hashes: compare the last hash with a copy kept elsewhere (an anchored head), which
 * verifyCustodyChain does when given `head`.
 */
export const GENESIS_PREV_HASH: Buffer = Buffer.alloc(HASH_BYTES);

export interface CustodyEntry {
  seq: number;
  datasetId: string;
  /** Lowercase kebab-case event name, e.g. `file-added`. */
  kind: string;
  /** Who did it: a user id, or a service name such as `system`. */
  actorId: string;
  /** ISO 8601 UTC with milliseconds, exactly as Date.prototype.toISOString writes it. */
  at: string;
  details: { [key: string]: JsonValue };
}

/** An entry as stored: with the previous hash and its own hash, both 64 lowercase hex. */
export interface CustodyRecord extends CustodyEntry {
  prevHash: string;
  hash: string;
}

export type CustodyBreak =
  'invalid-entry' | 'seq-mismatch' | 'dataset-mismatch' | 'wrong-genesis' | 'prev-hash-mismatch' | 'hash-mismatch' | 'head-mismatch';

export type CustodyVerification = { ok: true } | { ok: false; brokenAt: number; reason: CustodyBreak; message: string };

const KIND = /^[a-z][a-z0-9-]{0,63}$/;

function invalid(message: string): ProvenanceError {
  return new ProvenanceError(ProvenanceErrorCode.INVALID_CUSTODY_ENTRY, message);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

export function assertCustodyEntry(entry: CustodyEntry): void {
  if (!isPositiveSafeInteger(entry.seq)) throw invalid('seq must be a positive safe integer');
  if (typeof entry.datasetId !== 'string' || !ID_PATTERN.test(entry.datasetId)) throw invalid('datasetId must be 1-64 characters of [A-Za-z0-9_-]');
  if (typeof entry.kind !== 'string' || !KIND.test(entry.kind)) throw invalid('kind must be lowercase kebab-case');
  if (typeof entry.actorId !== 'string' || !ID_PATTERN.test(entry.actorId)) throw invalid('actorId must be 1-64 characters of [A-Za-z0-9_-]');
  if (typeof entry.at !== 'string' || Number.isNaN(Date.parse(entry.at)) || new Date(entry.at).toISOString() !== entry.at) {
    throw invalid('at must be an ISO 8601 UTC timestamp as toISOString writes it');
  }
  if (!isPlainObject(entry.details)) throw invalid('details must be a plain JSON object');
}

/** Exactly the hashed bytes of an entry; extra properties (such as stored hashes) are left out. */
export function custodyEntryBytes(entry: CustodyEntry): Buffer {
  assertCustodyEntry(entry);
  const { seq, datasetId, kind, actorId, at, details } = entry;
  return Buffer.from(canonicalJson({ seq, datasetId, kind, actorId, at, details }), 'utf8');
}

export function chainEntry(prevHash: Uint8Array, entry: CustodyEntry): Buffer {
  if (prevHash.length !== HASH_BYTES) throw invalid('prevHash must be 32 bytes');
  return sha256(prevHash, custodyEntryBytes(entry));
}

/** The next record after `previous` (or the first one), numbered and chained. */
export function appendCustodyRecord(previous: CustodyRecord | undefined, fields: Omit<CustodyEntry, 'seq'>): CustodyRecord {
  const prevHash = previous ? previous.hash : toHex(GENESIS_PREV_HASH);
  const { datasetId, kind, actorId, at, details } = fields;
  const entry: CustodyEntry = { seq: previous ? previous.seq + 1 : 1, datasetId, kind, actorId, at, details };
  if (previous && previous.datasetId !== entry.datasetId) throw invalid('a custody log belongs to one dataset');
  return { ...entry, prevHash, hash: toHex(chainEntry(Buffer.from(prevHash, 'hex'), entry)) };
}

/**
 * Walks the log from genesis and reports the first record that does not follow from its predecessor. Pass `head`
 * (the last hash recorded elsewhere) to also catch a cut-off tail or a wholesale rewrite.
 */
export function verifyCustodyChain(records: readonly CustodyRecord[], options: { head?: string } = {}): CustodyVerification {
  let expectedPrev = toHex(GENESIS_PREV_HASH);
  for (let i = 0; i < records.length; i++) {
    const record = records[i];
    const expectedSeq = i + 1;
    const fail = (reason: CustodyBreak, message: string): CustodyVerification => ({
      ok: false,
      brokenAt: isPositiveSafeInteger(record.seq) ? record.seq : expectedSeq,
      reason,
      message,
    });
    let entryBytes: Buffer;
    try {
      entryBytes = custodyEntryBytes(record);
      if (!isHash32Hex(record.prevHash) || !isHash32Hex(record.hash)) throw invalid('prevHash and hash must be 64 lowercase hex');
    } catch (error) {
      return fail('invalid-entry', error instanceof Error ? error.message : String(error));
    }
    if (record.seq !== expectedSeq)
      return fail('seq-mismatch', `expected seq ${expectedSeq}, found ${record.seq}: an entry was removed, inserted or moved`);
    if (record.datasetId !== records[0].datasetId) return fail('dataset-mismatch', `entry belongs to dataset ${record.datasetId}`);
    if (record.prevHash !== expectedPrev) {
      return i === 0
        ? fail('wrong-genesis', 'the first entry must chain from 32 zero bytes')
        : fail('prev-hash-mismatch', `prevHash does not equal the hash of entry ${expectedSeq - 1}`);
    }
    const hash = toHex(sha256(Buffer.from(record.prevHash, 'hex'), entryBytes));
    if (hash !== record.hash) return fail('hash-mismatch', 'the entry was changed after it was hashed');
    expectedPrev = record.hash;
  }
  if (options.head !== undefined && expectedPrev !== options.head) {
    return {
      ok: false,
      brokenAt: records.length === 0 ? 0 : records[records.length - 1].seq,
      reason: 'head-mismatch',
      message: 'the last hash differs from the recorded head: entries were cut off or the log was rewritten',
    };
  }
  return { ok: true };
}
