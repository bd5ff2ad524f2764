import { createHash } from 'node:crypto';
import { expect } from '@jest/globals';
import fc from 'fast-check';

import { appendCustodyRecord, chainEntry, GENESIS_PREV_HASH, verifyCustodyChain, type CustodyEntry, type CustodyRecord } from './custody-log.js';
import { toHex } from './merkle-tree.js';
import { ProvenanceErrorCode } from './provenance-error.js';

const datasetId = '6f1c2a9e-1b7d-4c5e-9a0b-3d2e1f4a5b6c';
const at = (minute: number): string => new Date(Date.UTC(2026, 0, 1, 0, minute)).toISOString();

function buildLog(count: number): CustodyRecord[] {
  const kinds = ['created', 'file-added', 'file-added', 'submitted', 'reviewed', 'published', 'anchored'];
  const records: CustodyRecord[] = [];
  for (let i = 0; i < count; i++) {
    records.push(
      appendCustodyRecord(records.at(-1), {
        datasetId,
        kind: kinds[i % kinds.length],
        actorId: i % 2 === 0 ? 'user-1' : 'system',
        at: at(i),
        details: { step: i, note: `entry ${i}`, tags: ['a', 'b'] },
      }),
    );
  }
  return records;
}

/** Recomputes prevHash and hash of every record from `from` on, as a forger with write access would. */
function rehash(records: CustodyRecord[], from = 0): CustodyRecord[] {
  const out = records.slice(0, from);
  for (const record of records.slice(from)) {
    const prevHash = out.length === 0 ? toHex(GENESIS_PREV_HASH) : out[out.length - 1].hash;
    out.push({ ...record, prevHash, hash: toHex(chainEntry(Buffer.from(prevHash, 'hex'), record)) });
  }
  return out;
}

describe('custody log hashing', () => {
  it('hashes prevHash || canonical JSON of exactly the six entry fields', () => {
    const entry: CustodyEntry = { seq: 1, datasetId, kind: 'created', actorId: 'user-1', at: at(0), details: { title: 'Drive', b: 2, a: 1 } };
    const json = `{"actorId":"user-1","at":"2026-01-01T00:00:00.000Z","datasetId":"${datasetId}","details":{"a":1,"b":2,"title":"Drive"},"kind":"created","seq":1}`;
    const expected = createHash('sha256').update(Buffer.alloc(32)).update(json, 'utf8').digest('hex');
    expect(toHex(chainEntry(GENESIS_PREV_HASH, entry))).toBe(expected);
    // Stored hash fields on the object are not part of the hashed bytes.
    expect(toHex(chainEntry(GENESIS_PREV_HASH, { ...entry, hash: 'x', prevHash: 'y' } as CustodyEntry))).toBe(expected);
    // Key order of details does not matter.
    expect(toHex(chainEntry(GENESIS_PREV_HASH, { ...entry, details: { a: 1, title: 'Drive', b: 2 } }))).toBe(expected);
  });

  it('numbers records from 1 and chains each to the previous hash', () => {
    const log = buildLog(3);
    expect(log.map((r) => r.seq)).toEqual([1, 2, 3]);
    expect(log[0].prevHash).toBe('0'.repeat(64));
    expect(log[1].prevHash).toBe(log[0].hash);
    expect(log[2].prevHash).toBe(log[1].hash);
  });

  it('rejects malformed entries', () => {
    const good: CustodyEntry = { seq: 1, datasetId, kind: 'created', actorId: 'user-1', at: at(0), details: {} };
    const bad: Partial<Record<keyof CustodyEntry, unknown>>[] = [
      { seq: 0 },
      { seq: 1.5 },
      { kind: 'File Added' },
      { actorId: 'a|b' },
      { datasetId: '' },
      { at: '2026-01-01' },
      { at: '2026-01-01T00:00:00Z' },
      { at: 'not a date' },
      { details: [] },
      { details: null },
      { details: { n: Number.NaN } },
    ];
    for (const patch of bad) {
      expect(() => chainEntry(GENESIS_PREV_HASH, { ...good, ...patch } as CustodyEntry)).toThrow(
        expect.objectContaining({ code: expect.stringMatching(/INVALID_CUSTODY_ENTRY|NOT_CANONICAL_JSON/) }),
      );
    }
    expect(() => chainEntry(Buffer.alloc(31), good)).toThrow(expect.objectContaining({ code: ProvenanceErrorCode.INVALID_CUSTODY_ENTRY }));
    expect(() => appendCustodyRecord(buildLog(1)[0], { ...good, datasetId: 'other' })).toThrow(/one dataset/);
  });
});

describe('verifyCustodyChain', () => {
  const log = buildLog(7);

  it('accepts an intact log, an empty log, and a matching head', () => {
    expect(verifyCustodyChain(log)).toEqual({ ok: true });
    expect(verifyCustodyChain([])).toEqual({ ok: true });
    expect(verifyCustodyChain(log, { head: log[6].hash })).toEqual({ ok: true });
  });

  it('detects an edited entry at its seq, whatever field changed', () => {
    const edits: Partial<CustodyRecord>[] = [
      { actorId: 'mallory' },
      { kind: 'rejected' },
      { at: at(59) },
      { details: { step: 3, note: 'edited', tags: ['a', 'b'] } },
    ];
    for (const edit of edits) {
      const tampered = log.map((r) => (r.seq === 4 ? { ...r, ...edit } : r));
      expect(verifyCustodyChain(tampered)).toMatchObject({ ok: false, brokenAt: 4, reason: 'hash-mismatch' });
    }
  });

  it('detects an edited entry whose own hash was recomputed, at the next entry', () => {
    const tampered = log.map((r) => (r.seq === 4 ? { ...r, actorId: 'mallory' } : r));
    tampered[3] = rehash(tampered.slice(0, 4), 3)[3];
    expect(verifyCustodyChain(tampered)).toMatchObject({ ok: false, brokenAt: 5, reason: 'prev-hash-mismatch' });
  });

  it('detects a removed entry', () => {
    const removed = log.filter((r) => r.seq !== 3);
    expect(verifyCustodyChain(removed)).toMatchObject({ ok: false, brokenAt: 4, reason: 'seq-mismatch' });
    // Renumbering after the removal does not help: the chain no longer links.
    const renumbered = removed.map((r, i) => ({ ...r, seq: i + 1 }));
    expect(verifyCustodyChain(renumbered)).toMatchObject({ ok: false, brokenAt: 3, reason: 'prev-hash-mismatch' });
  });

  it('detects reordered entries', () => {
    const swapped = [...log];
    [swapped[2], swapped[3]] = [swapped[3], swapped[2]];
    expect(verifyCustodyChain(swapped)).toMatchObject({ ok: false, brokenAt: 4, reason: 'seq-mismatch' });
    const renumbered = swapped.map((r, i) => ({ ...r, seq: i + 1 }));
    expect(verifyCustodyChain(renumbered)).toMatchObject({ ok: false, brokenAt: 3, reason: 'prev-hash-mismatch' });
  });

  it('detects a wrong genesis', () => {
    const forged = [{ ...log[0], prevHash: 'ab'.repeat(32) }];
    forged[0].hash = toHex(chainEntry(Buffer.from(forged[0].prevHash, 'hex'), forged[0]));
    expect(verifyCustodyChain([...forged, ...log.slice(1)])).toMatchObject({ ok: false, brokenAt: 1, reason: 'wrong-genesis' });
  });

  it('detects an entry from another dataset and malformed stored hashes', () => {
    const foreign = rehash(log.map((r) => (r.seq === 2 ? { ...r, datasetId: 'other-dataset' } : r)));
    expect(verifyCustodyChain(foreign)).toMatchObject({ ok: false, brokenAt: 2, reason: 'dataset-mismatch' });
    const upper = log.map((r) => (r.seq === 5 ? { ...r, hash: r.hash.toUpperCase() } : r));
    expect(verifyCustodyChain(upper)).toMatchObject({ ok: false, brokenAt: 5, reason: 'invalid-entry' });
  });

  it('needs the recorded head to catch a cut-off tail or a wholesale rewrite', () => {
    const head = log[6].hash;
    const truncated = log.slice(0, 5);
    expect(verifyCustodyChain(truncated)).toEqual({ ok: true });
    expect(verifyCustodyChain(truncated, { head })).toMatchObject({ ok: false, brokenAt: 5, reason: 'head-mismatch' });
    const rewritten = rehash(log.map((r) => (r.seq === 2 ? { ...r, actorId: 'mallory' } : r)));
    expect(verifyCustodyChain(rewritten)).toEqual({ ok: true });
    expect(verifyCustodyChain(rewritten, { head })).toMatchObject({ ok: false, reason: 'head-mismatch' });
  });

  it('finds any single-field edit in random logs (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 30 }), fc.nat(), fc.string({ minLength: 1, maxLength: 10 }), (count, pick, note) => {
        const records = buildLog(count);
        const seq = (pick % count) + 1;
        const tampered = records.map((r) =>
          r.seq === seq ? { ...r, details: { ...r.details, note: `${JSON.stringify(r.details.note)}${note}` } } : r,
        );
        expect(verifyCustodyChain(records)).toEqual({ ok: true });
        expect(verifyCustodyChain(tampered)).toMatchObject({ ok: false, brokenAt: seq, reason: 'hash-mismatch' });
      }),
      { numRuns: 200, seed: 41 },
    );
  });
});
