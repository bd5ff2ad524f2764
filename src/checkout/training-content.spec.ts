import type { TrainingContentFacts } from '../catalog/dto/saleable-version.js';
import { trainingContentEntry } from './training-content.js';

const facts = (modalities: TrainingContentFacts['modalities'], period = true): TrainingContentFacts => ({
  datasetId: 'd1',
  version: 3,
  title: 'Drives',
  merkleRoot: 'ab'.repeat(32),
  licenceName: 'Commercial AI training',
  licenceSlug: 'commercial-ai-training',
  contributorCount: 2,
  files: modalities.reduce((sum, m) => sum + m.files, 0),
  bytes: modalities.reduce((sum, m) => sum + m.bytes, 0),
  modalities,
  collectedFrom: period ? new Date('2026-01-02T03:04:05Z') : null,
  collectedTo: period ? new Date('2026-02-03T00:00:00Z') : null,
});

const order = { id: 'o1', paidAt: new Date('2026-11-30T10:00:00Z'), slice: false };

describe('trainingContentEntry', () => {
  it("puts video in the template's hour bands and sensor logs under 'other' by bytes", () => {
    const entry = trainingContentEntry(
      facts([
        { modality: 'gnss', files: 2, bytes: 2_000_000_000, durationSeconds: 7200 },
        { modality: 'telemetry', files: 1, bytes: 500, durationSeconds: 0 },
        { modality: 'video', files: 4, bytes: 9_000_000_000, durationSeconds: 1_000 * 3600 },
      ]),
      order,
      'https://market.test',
    );
    expect(entry.modalities).toEqual([
      { modality: 'other', sources: ['gnss', 'telemetry'], sizeRange: '1 GB to 1 TB of sensor data', amount: '3 files (gnss, telemetry), 2.0 GB' },
      { modality: 'video', sources: ['video'], sizeRange: '1,000 to 1 million hours', amount: '1000.00 hours of video in 4 files, 9.0 GB' },
    ]);
    expect(entry.collectionPeriod).toEqual({ start: '2026-01-02T03:04:05.000Z', end: '2026-02-03T00:00:00.000Z' });
    expect(entry.croissantUrl).toBe('https://market.test/v1/datasets/d1/croissant?version=3');
    expect(entry.text).toBe(
      '"Drives", version 3 (all 7 files), licensed from the DePAI data marketplace on behalf of 2 contributors holding the rights in the files, as they declared, under the licence "Commercial AI training" on 2026-11-30. Modalities: other: 1 GB to 1 TB of sensor data; video: 1,000 to 1 million hours. Collected between 2026-01-02 and 2026-02-03.',
    );
  });

  it('counts images, names a slice, and says when no file has times', () => {
    const entry = trainingContentEntry(
      facts([{ modality: 'imagery', files: 1, bytes: 10, durationSeconds: 0 }], false),
      { ...order, slice: true, paidAt: null },
      'https://m.test',
    );
    expect(entry.modalities).toEqual([
      { modality: 'image', sources: ['imagery'], sizeRange: 'Less than 1 million images', amount: '1 file (imagery), 10 B' },
    ]);
    expect(entry.scope).toBe('a slice of version 3 (1 file)');
    expect(entry.collectionPeriod).toBeNull();
    expect(entry.licensedAt).toBeNull();
    expect(entry.text).toContain('Collection period: not recorded in the files.');
  });
});
