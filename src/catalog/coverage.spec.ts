import { CaptureCounts } from '../ingestion/dto/capture-counts.js';
import type { CaptureSnapshot } from '../ingestion/dto/capture-snapshot.js';
import { contributorShares, coverageOf, manifestPaths, weightBps } from './coverage.js';

const NO_COUNTS = { points: null, vertices: null, messages: null, rows: null, epochs: null, frames: null, fixes: null };
const counts = (some: Partial<CaptureCounts>): CaptureCounts => Object.assign(new CaptureCounts(), NO_COUNTS, some);

let next = 0;
function capture(fields: Partial<CaptureSnapshot>): CaptureSnapshot {
  next += 1;
  return {
    id: `00000000-0000-4000-8000-${String(next).padStart(12, '0')}`,
    ownerId: 'alice',
    status: 'ready',
    filename: `file-${next}.bin`,
    network: null,
    objectKey: `captures/${next}`,
    sizeBytes: 100,
    sha256: 'a'.repeat(64),
    format: 'las',
    modality: 'pointcloud',
    timeStart: null,
    timeEnd: null,
    bbox: null,
    durationSeconds: null,
    counts: counts({}),
    metadata: {},
    warnings: [],
    footprint: null,
    footprintReason: null,
    gnssQuality: null,
    deviceId: null,
    devicePublicKey: null,
    deviceSignatureValid: null,
    rejectionReason: null,
    ...fields,
  };
}

describe('coverageOf', () => {
  it('unions boxes and time ranges and adds up the totals', () => {
    const coverage = coverageOf([
      capture({
        modality: 'video',
        network: 'bee-maps',
        bbox: [10, 50, 11, 51],
        timeStart: new Date('2026-01-02T00:00:00Z'),
        timeEnd: new Date('2026-01-03T00:00:00Z'),
        durationSeconds: 30,
        sizeBytes: 1000,
      }),
      capture({
        modality: 'pointcloud',
        bbox: [9, 50.5, 10.5, 52],
        timeStart: new Date('2026-01-01T00:00:00Z'),
        timeEnd: new Date('2026-01-02T12:00:00Z'),
        counts: counts({ points: 5000 }),
      }),
      capture({ modality: 'telemetry', network: 'dimo', counts: counts({ messages: 70, rows: 5 }) }),
      capture({ modality: 'video', network: 'bee-maps', durationSeconds: 12.5 }),
    ]);
    expect(coverage).toEqual({
      modalities: ['pointcloud', 'telemetry', 'video'],
      networks: ['bee-maps', 'dimo'],
      bbox: [9, 50, 11, 52],
      timeStart: new Date('2026-01-01T00:00:00Z'),
      timeEnd: new Date('2026-01-03T00:00:00Z'),
      fileCount: 4,
      totalBytes: 1300,
      totalDurationSeconds: 42.5,
      totalPoints: 5000,
      totalMessages: 75,
    });
  });

  it('adds up the typed counts, never untyped metadata keys: a PCD "points" key is not messages', () => {
    const coverage = coverageOf([
      capture({ format: 'pcd', counts: counts({ points: 900 }), metadata: { points: 900 } }),
      capture({ format: 'glb', modality: 'mesh', counts: counts({ vertices: 24 }), metadata: { vertexCount: 24 } }),
      capture({ format: 'nmea', modality: 'gnss', counts: counts({ fixes: 120 }) }),
      capture({ format: 'rinex', modality: 'gnss', counts: counts({ epochs: 9 }) }),
      capture({ format: 'mp4', modality: 'video', counts: counts({ frames: 337 }), metadata: { messageCount: 5 } }),
    ]);
    expect({ totalPoints: coverage.totalPoints, totalMessages: coverage.totalMessages }).toEqual({ totalPoints: 924, totalMessages: 129 });
  });

  it('has no box or time range when no capture has one', () => {
    expect(coverageOf([capture({})])).toMatchObject({ bbox: null, timeStart: null, timeEnd: null });
  });
});

describe('contributorShares', () => {
  const files = [
    capture({ ownerId: 'bob', sizeBytes: 300, durationSeconds: 1.5, counts: counts({ messages: 10 }) }),
    capture({ ownerId: 'alice', sizeBytes: 100 }),
    capture({ ownerId: 'bob', sizeBytes: 600 }),
  ];

  it('weighs by bytes by default, sorted by contributor', () => {
    expect(contributorShares(files)).toEqual([
      { contributorId: 'alice', files: 1, bytes: 100, durationSeconds: 0, messages: 0, weight: 100 },
      { contributorId: 'bob', files: 2, bytes: 900, durationSeconds: 1.5, messages: 10, weight: 900 },
    ]);
  });

  it('weighs by milliseconds of duration or by messages, falling back to bytes when nobody has any', () => {
    expect(contributorShares(files, { weighting: 'duration', curatorBps: 0 }).map((s) => s.weight)).toEqual([0, 1500]);
    expect(contributorShares(files, { weighting: 'messages', curatorBps: 0 }).map((s) => s.weight)).toEqual([0, 10]);
    expect(contributorShares([capture({ sizeBytes: 7 })], { weighting: 'duration', curatorBps: 0 }).map((s) => s.weight)).toEqual([7]);
  });

  it('takes explicit basis points as the weights', () => {
    const policy = {
      weighting: 'explicit' as const,
      curatorBps: 500,
      explicitBps: [
        { contributorId: 'alice', bps: 2500 },
        { contributorId: 'bob', bps: 7500 },
      ],
    };
    expect(contributorShares(files, policy).map((s) => s.weight)).toEqual([2500, 7500]);
  });

  it('shows weights in basis points, rounded down', () => {
    expect(weightBps(contributorShares(files))).toEqual(
      new Map([
        ['alice', 1000],
        ['bob', 9000],
      ]),
    );
  });
});

describe('manifestPaths', () => {
  it('uses modality/filename and disambiguates only the files that collide', () => {
    const a = capture({ id: 'aaaaaaaa-0000-4000-8000-000000000001', filename: 'drive.mp4', modality: 'video' });
    const b = capture({ id: 'bbbbbbbb-0000-4000-8000-000000000002', filename: 'drive.mp4', modality: 'video' });
    const c = capture({ id: 'cccccccc-0000-4000-8000-000000000003', filename: 'drive.mp4', modality: 'gnss' });
    const d = capture({ id: 'dddddddd-0000-4000-8000-000000000004', filename: 'a|b/..\u0001', modality: 'telemetry' });
    const paths = manifestPaths([b, a, c, d]);
    expect(paths.get(a.id)).toBe('video/drive~aaaaaaaa.mp4');
    expect(paths.get(b.id)).toBe('video/drive~bbbbbbbb.mp4');
    expect(paths.get(c.id)).toBe('gnss/drive.mp4');
    expect(paths.get(d.id)).toBe('telemetry/a_b_.._');
  });
});
