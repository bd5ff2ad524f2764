import { isHash32Hex } from './merkle-tree.js';
import { ProvenanceError, ProvenanceErrorCode } from './provenance-error.js';
import { ID_PATTERN, isPositiveSafeInteger } from './provenance-fields.js';

/**
 * On-chain memo records (SPL Memo program), ASCII, versioned, colon-separated:
 *
 *   mkt:v1:anchor:<datasetId>:<version>:<rootHex>   Merkle root of a dataset version's manifest
 *   mkt:v1:split:<splitId>:<rootHex>                Merkle root of a sale's revenue split
 *
 * ids are 1-64 of [A-Za-z0-9_-] (no ":"), version a canonical positive decimal up to 2^53-1, rootHex 64 lowercase
 * hex. The longest possible memo is 160 bytes (anchor: 14 + 64 + 1 + 16 + 1 + 64) and the formatter refuses
 * anything over MAX_MEMO_BYTES = 200. Why small: a Solana transaction is at most 1,232 bytes including its
 * signatures (64 bytes each), account keys (32 bytes each) and blockhash, and every memo byte is also paid in
 * compute (the Memo program validates UTF-8 and logs the text) and in log space, where long transactions get
 * their logs truncated. Under 200 bytes the memo fits beside a compute-budget instruction and transfers, and the
 * whole text appears in the `Program log: Memo` line a verifier reads back. A parser that accepts only these two
 * exact shapes means a foreign memo can never be mistaken for one of ours; a future format gets `v2`.
 */
export const MEMO_PREFIX = 'mkt:v1:';
export const MAX_MEMO_BYTES = 200;

export interface AnchorMemo {
  kind: 'anchor';
  datasetId: string;
  version: number;
  /** 64 lowercase hex. */
  root: string;
}

export interface SplitMemo {
  kind: 'split';
  splitId: string;
  root: string;
}

export type MemoRecord = AnchorMemo | SplitMemo;

const ANCHOR = /^mkt:v1:anchor:([A-Za-z0-9_-]{1,64}):([1-9][0-9]{0,15}):([0-9a-f]{64})$/;
const SPLIT = /^mkt:v1:split:([A-Za-z0-9_-]{1,64}):([0-9a-f]{64})$/;

function invalid(message: string): ProvenanceError {
  return new ProvenanceError(ProvenanceErrorCode.INVALID_MEMO, message);
}

function memoText(record: MemoRecord): string {
  switch (record.kind) {
    case 'anchor':
      if (!ID_PATTERN.test(record.datasetId)) throw invalid('datasetId must be 1-64 characters of [A-Za-z0-9_-]');
      if (!isPositiveSafeInteger(record.version)) throw invalid('version must be a positive safe integer');
      return `${MEMO_PREFIX}anchor:${record.datasetId}:${record.version}:${record.root}`;
    case 'split':
      if (!ID_PATTERN.test(record.splitId)) throw invalid('splitId must be 1-64 characters of [A-Za-z0-9_-]');
      return `${MEMO_PREFIX}split:${record.splitId}:${record.root}`;
    default:
      // A record built outside the type system (parsed JSON, a cast).
      throw invalid('unknown memo kind');
  }
}

export function formatMemoRecord(record: MemoRecord): string {
  if (!isHash32Hex(record.root)) throw invalid('root must be 64 lowercase hex characters');
  const memo = memoText(record);
  if (Buffer.byteLength(memo, 'utf8') > MAX_MEMO_BYTES) throw invalid(`memo is longer than ${MAX_MEMO_BYTES} bytes`);
  return memo;
}

/** Parses one of the two memo shapes above, exactly; anything else (other apps' memos, v2, stray spaces) throws. */
export function parseMemoRecord(memo: string): MemoRecord {
  if (typeof memo !== 'string' || memo.length > MAX_MEMO_BYTES) throw invalid('not a marketplace memo');
  const anchor = ANCHOR.exec(memo);
  if (anchor) {
    const version = Number(anchor[2]);
    if (!isPositiveSafeInteger(version)) throw invalid('version is out of range');
    return { kind: 'anchor', datasetId: anchor[1], version, root: anchor[3] };
  }
  const split = SPLIT.exec(memo);
  if (split) return { kind: 'split', splitId: split[1], root: split[2] };
  throw invalid('not a marketplace memo');
}
