import { expect } from '@jest/globals';
import fc from 'fast-check';

import { formatMemoRecord, MAX_MEMO_BYTES, parseMemoRecord, type MemoRecord } from './memo-record.js';
import { ProvenanceErrorCode } from './provenance-error.js';

const root = 'c4a4805e4d4b30d79f415154dd9ac637d9c60e9d9abe0582b34b8d37398af28c';
const datasetId = '6f1c2a9e-1b7d-4c5e-9a0b-3d2e1f4a5b6c';
const anchor: MemoRecord = { kind: 'anchor', datasetId, version: 2, root };
const split: MemoRecord = { kind: 'split', splitId: '9b2f0c1e-7a3d-4e5f-8a6b-1c2d3e4f5a6b', root };

const idArb = fc.stringMatching(/^[A-Za-z0-9_-]{1,64}$/);
const rootArb = fc.uint8Array({ minLength: 32, maxLength: 32 }).map((bytes) => Buffer.from(bytes).toString('hex'));
const memoArb: fc.Arbitrary<MemoRecord> = fc.oneof(
  fc.record({ kind: fc.constant('anchor' as const), datasetId: idArb, version: fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER }), root: rootArb }),
  fc.record({ kind: fc.constant('split' as const), splitId: idArb, root: rootArb }),
);

describe('memo records', () => {
  it('formats the two documented shapes exactly', () => {
    expect(formatMemoRecord(anchor)).toBe(`mkt:v1:anchor:${datasetId}:2:${root}`);
    expect(formatMemoRecord(split)).toBe(`mkt:v1:split:9b2f0c1e-7a3d-4e5f-8a6b-1c2d3e4f5a6b:${root}`);
  });

  it('round-trips every valid record and stays within 160 bytes, under the 200-byte cap', () => {
    fc.assert(
      fc.property(memoArb, (record) => {
        const memo = formatMemoRecord(record);
        expect(Buffer.byteLength(memo)).toBeLessThanOrEqual(160);
        expect(parseMemoRecord(memo)).toEqual(record);
      }),
      { numRuns: 1000, seed: 51 },
    );
    const longest = formatMemoRecord({ kind: 'anchor', datasetId: 'x'.repeat(64), version: Number.MAX_SAFE_INTEGER, root });
    expect(Buffer.byteLength(longest)).toBe(160);
    expect(160).toBeLessThan(MAX_MEMO_BYTES);
  });

  it('parses nothing but the two exact shapes', () => {
    const good = formatMemoRecord(anchor);
    const bad = [
      '',
      'hello',
      good.replace('mkt:v1', 'mkt:v2'),
      good.replace('anchor', 'ANCHOR'),
      good.toUpperCase(),
      `${good}\n`,
      ` ${good}`,
      `${good}:extra`,
      good.replace(':2:', ':0:'),
      good.replace(':2:', ':02:'),
      good.replace(':2:', ':-2:'),
      good.replace(':2:', ':9007199254740992:'),
      good.replace(root, root.slice(1)),
      good.replace(root, `${root}0`),
      good.replace(root, root.toUpperCase()),
      `mkt:v1:anchor:a:b:1:${root}`,
      `mkt:v1:anchor::1:${root}`,
      `mkt:v1:split:${datasetId}:2:${root}`,
      `mkt:v1:split:${'x'.repeat(65)}:${root}`,
      `mkt:v1:refund:${datasetId}:${root}`,
      `mkt:v1:split:${datasetId}:${root}`.padEnd(201, ' '),
    ];
    for (const memo of bad) {
      expect(() => parseMemoRecord(memo)).toThrow(expect.objectContaining({ code: ProvenanceErrorCode.INVALID_MEMO }));
    }
  });

  it('refuses to format records it could not parse back', () => {
    const bad = [
      { ...anchor, root: root.toUpperCase() },
      { ...anchor, root: root.slice(2) },
      { ...anchor, datasetId: 'a:b' },
      { ...anchor, version: 0 },
      { ...anchor, version: 1.5 },
      { ...split, splitId: '' },
      { kind: 'refund', root },
    ] as MemoRecord[];
    for (const record of bad) {
      expect(() => formatMemoRecord(record)).toThrow(expect.objectContaining({ code: ProvenanceErrorCode.INVALID_MEMO }));
    }
  });
});
