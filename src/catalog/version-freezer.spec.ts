import { CaptureCounts } from '../ingestion/dto/capture-counts.js';
import type { CaptureSnapshot } from '../ingestion/dto/capture-snapshot.js';
import { buildMerkleTree, merkleProof, toHex } from '../provenance/merkle-tree.js';
import { encodeManifestLeaf } from '../provenance/manifest-leaf.js';
import type { DatasetEntity } from './entities/dataset.entity.js';
import { freezeVersion } from './version-freezer.js';

const terms = {
  permittedUses: { aiTraining: true, evaluation: true, commercialUse: false, redistribution: false, derivativeMaps: false },
  attributionRequired: true,
  territory: ['WORLD'],
  termMonths: null,
  exclusive: false,
  maxSeats: null,
};

function capture(n: number, fields: Partial<CaptureSnapshot> = {}): CaptureSnapshot {
  return {
    id: `0000000${n}-0000-4000-8000-000000000000`,
    ownerId: n % 2 ? 'alice' : 'bob',
    status: 'ready',
    filename: `file-${n}.nmea`,
    network: null,
    objectKey: `captures/${n}`,
    sizeBytes: 100 * n,
    sha256: String(n).repeat(64),
    format: 'nmea',
    modality: 'gnss',
    timeStart: null,
    timeEnd: null,
    bbox: null,
    durationSeconds: null,
    counts: Object.assign(new CaptureCounts(), { points: null, vertices: null, messages: null, rows: null, epochs: null, frames: null, fixes: n }),
    metadata: { points: n },
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

const draft = {
  id: 'd0000000-0000-4000-8000-000000000000',
  ownerId: 'alice',
  title: 'T',
  description: 'D',
  tags: [],
  captureIds: [],
  sampleCaptureIds: [],
  licenceTemplateId: 't',
  licenceTerms: terms,
  priceUsdCents: 1000,
  declarations: {},
  splitPolicy: null,
} as unknown as DatasetEntity;
const licence = { templateId: 't', slug: 'research-only', name: 'Research only', text: 'text', terms };

describe('freezeVersion', () => {
  const freeze = (captures: CaptureSnapshot[]) =>
    freezeVersion({ draft, version: 3, captures, licence, approvedBy: 'admin', publishedAt: new Date(0), listed: true });

  it('gives the same root whatever order the captures come in, with files in leaf order', () => {
    const a = freeze([capture(1), capture(2), capture(3)]);
    const b = freeze([capture(3), capture(1), capture(2)]);
    expect(a.version.merkleRoot).toBe(b.version.merkleRoot);
    expect(a.files.map((f) => [f.leafIndex, f.path])).toEqual([
      [0, 'gnss/file-1.nmea'],
      [1, 'gnss/file-2.nmea'],
      [2, 'gnss/file-3.nmea'],
    ]);
  });

  it('computes the root over the dsv1 leaves of the files, so any file proves against it', () => {
    const { version, files } = freeze([capture(1), capture(2), capture(3)]);
    const tree = buildMerkleTree(
      files.map((file) =>
        encodeManifestLeaf({
          captureId: file.captureId,
          sha256: file.sha256,
          sizeBytes: file.sizeBytes,
          path: file.path,
          datasetId: draft.id,
          version: 3,
        }),
      ),
    );
    expect(toHex(tree.root)).toBe(version.merkleRoot);
    expect(merkleProof(tree, 1)).toHaveLength(2);
  });

  it('changes the root when one byte of one file changes (its sha256)', () => {
    expect(freeze([capture(1), capture(2)]).version.merkleRoot).not.toBe(
      freeze([capture(1), capture(2, { sha256: 'f'.repeat(64) })]).version.merkleRoot,
    );
  });

  it('derives coverage, contributor weights and samples from the captures and freezes the licence', () => {
    const { version } = freeze([capture(1), capture(2), capture(3)]);
    expect(version).toMatchObject({
      version: 3,
      fileCount: 3,
      totalBytes: 600,
      totalMessages: 6,
      modalities: ['gnss'],
      licenceSlug: 'research-only',
      exclusive: false,
      contributors: [
        { contributorId: 'alice', files: 2, bytes: 400, weight: 400 },
        { contributorId: 'bob', files: 1, bytes: 200, weight: 200 },
      ],
    });
    expect(version.sampleFiles.map((f) => f.path)).toEqual(['gnss/file-1.nmea']);
  });
});
