import { readFileSync } from 'node:fs';
import { writeE57 } from '../../../test/support/e57-writer.js';
import { assertPreviewSurvives } from '../../../test/support/preview-fuzz.js';
import { describeSample } from '../../../test/support/samples.js';
import { readE57 } from './e57-points.js';
import { pointCloudPreview } from './pointcloud-preview.js';

const range = (n: number) => Array.from({ length: n }, (_, i) => i);

describeSample('bunnyInt32.e57', (path) => {
  // The XML says: 30,571 records of cartesianX/Y/Z ScaledInteger (int32 range, scale 1e-6) and cartesianInvalidState
  // Integer 0..1, bitpacked (no codecs), and the scan's cartesianBounds below.
  const bounds = { x: [-0.094689, 0.061009], y: [0.040011, 0.187321], z: [-0.061873, 0.058799] };

  it('decodes every scaled-integer point, each inside the cartesianBounds the file declares', () => {
    const points = readE57(readFileSync(path), 1e6);
    expect(points.total).toBe(30_571);
    expect(points.count).toBe(30_571);
    expect(points.partial).toBe(false);
    const axes = [bounds.x, bounds.y, bounds.z];
    const seen = axes.map(() => [Infinity, -Infinity]);
    // Checked in a plain loop and asserted once: an expect call per value (183,000) made this test 5.6 s, now 0.2 s.
    const outside: string[] = [];
    for (let i = 0; i < points.count; i += 1)
      axes.forEach(([lo, hi], a) => {
        const v = points.xyz[i * 3 + a];
        if (!(v >= lo - 1e-6 && v <= hi + 1e-6)) outside.push(`point ${String(i)} axis ${String(a)}: ${String(v)}`);
        seen[a] = [Math.min(seen[a][0], v), Math.max(seen[a][1], v)];
      });
    expect(outside).toEqual([]);
    // The declared bounds are the points' own: the decoded extremes reach them.
    axes.forEach(([lo, hi], a) => {
      expect(seen[a][0]).toBeCloseTo(lo, 5);
      expect(seen[a][1]).toBeCloseTo(hi, 5);
    });
  });

  it('makes the renderings and viewer points, coloured by height', async () => {
    const preview = await pointCloudPreview('e57', readFileSync(path));
    expect(preview.reason).toBeNull();
    expect(preview.content).toMatchObject({ kind: 'pointcloud', sampled: 30_571, pointsRead: 30_571, colouredBy: 'height' });
    expect(preview.files.map((f) => f.name)).toEqual(['top-down.png', 'perspective.png', 'points.bin']);
    expect(preview.files[2].body.length).toBe(30_571 * 15);
  });

  it('says why when a cut file has lost its XML section (it comes last)', async () => {
    const bytes = readFileSync(path);
    // The XML section sits at the end: a cut file keeps its header and first packets but loses the XML.
    const cut = await pointCloudPreview('e57', bytes.subarray(0, 200_000));
    expect(cut.content.kind).toBe('none');
    expect(cut.reason).toMatch(/XML section lies outside the bytes read/);
  });

  it('never throws on truncated or damaged copies', async () => {
    await assertPreviewSurvives((bytes) => pointCloudPreview('e57', bytes), readFileSync(path), { runs: 60 });
  });
});

describe('readE57 on written files', () => {
  it('reads single and double floats with colours and intensity, posed into the file frame, across packets', () => {
    const n = 1200;
    const file = writeE57([
      {
        perPacket: 250,
        rotation: [Math.SQRT1_2, 0, 0, Math.SQRT1_2], // 90° about z: (x, y) -> (-y, x)
        translation: [100, 200, 300],
        fields: [
          { name: 'cartesianX', type: 'Float', precision: 'single', values: range(n).map((i) => i * 0.5) },
          { name: 'cartesianY', type: 'Float', precision: 'double', values: range(n).map((i) => -i) },
          { name: 'cartesianZ', type: 'ScaledInteger', minimum: -1000, maximum: 1000, scale: 0.01, values: range(n).map((i) => (i % 2000) - 1000) },
          { name: 'colorRed', type: 'Integer', minimum: 0, maximum: 255, values: range(n).map((i) => i % 256) },
          { name: 'colorGreen', type: 'Integer', minimum: 0, maximum: 255, values: range(n).map(() => 7) },
          { name: 'colorBlue', type: 'Integer', minimum: 0, maximum: 255, values: range(n).map(() => 255) },
          { name: 'intensity', type: 'Float', precision: 'single', values: range(n).map((i) => i / n) },
        ],
      },
    ]);
    const points = readE57(file, 1e6);
    expect(points.count).toBe(n);
    for (const i of [0, 1, 599, 1199]) {
      expect(points.xyz[i * 3]).toBeCloseTo(100 + i, 6); // -y
      expect(points.xyz[i * 3 + 1]).toBeCloseTo(200 + i * 0.5, 6); // x
      expect(points.xyz[i * 3 + 2]).toBeCloseTo(300 + ((i % 2000) - 1000) * 0.01, 6);
      expect([...(points.rgb?.subarray(i * 3, i * 3 + 3) ?? [])]).toEqual([i % 256, 7, 255]);
    }
  });

  it('skips points flagged invalid and turns spherical coordinates into cartesian ones', () => {
    const file = writeE57([
      {
        fields: [
          { name: 'sphericalRange', type: 'Float', values: [1, 2, 3] },
          { name: 'sphericalAzimuth', type: 'Float', values: [0, Math.PI / 2, 0] },
          { name: 'sphericalElevation', type: 'Float', values: [0, 0, Math.PI / 2] },
          { name: 'sphericalInvalidState', type: 'Integer', minimum: 0, maximum: 2, values: [0, 0, 2] },
        ],
      },
    ]);
    const points = readE57(file, 10);
    expect(points.count).toBe(2);
    expect([...points.xyz].map((v) => Number(v.toFixed(9)))).toEqual([1, 0, 0, 0, 2, 0]);
  });

  it('says why instead of reading another codec or a field too wide to decode', async () => {
    const xyz = ['cartesianX', 'cartesianY', 'cartesianZ'].map((name) => ({ name, type: 'Float' as const, values: [1, 2] }));
    const codec = await pointCloudPreview('e57', writeE57([{ fields: xyz, codecs: '<vectorChild type="Structure"/>' }]));
    expect(codec).toMatchObject({ content: { kind: 'none' }, reason: expect.stringMatching(/codecs other than the default bitpack/) as unknown });
    const wide = await pointCloudPreview(
      'e57',
      writeE57([{ fields: [...xyz, { name: 'rowIndex', type: 'Integer', minimum: 0, maximum: 2 ** 60, values: [0, 1] }] }]),
    );
    expect(wide.reason).toMatch(/rowIndex takes 61 bits a value, more than previews read/);
  });

  it('draws the points there are when the section holds fewer than the XML claims, and says so', async () => {
    const fields = ['cartesianX', 'cartesianY', 'cartesianZ'].map((name, a) => ({
      name,
      type: 'Float' as const,
      values: range(100).map((i) => i * (a + 1)),
    }));
    const preview = await pointCloudPreview('e57', writeE57([{ fields, claimedRecords: 150 }]));
    expect(preview.content).toMatchObject({ kind: 'pointcloud', sampled: 100, pointsRead: 150 });
    expect(preview.reason).toMatch(/end before the file's last point/);
  });

  it('never throws on truncated or damaged copies of a written file', async () => {
    const n = 300;
    const file = writeE57([
      {
        perPacket: 100,
        fields: [
          { name: 'cartesianX', type: 'Float', precision: 'single', values: range(n).map((i) => i) },
          { name: 'cartesianY', type: 'ScaledInteger', minimum: 0, maximum: 4095, scale: 0.1, values: range(n).map((i) => i * 3) },
          { name: 'cartesianZ', type: 'Float', values: range(n).map((i) => Math.sin(i)) },
        ],
      },
    ]);
    await assertPreviewSurvives((bytes) => pointCloudPreview('e57', bytes), file, { runs: 60 });
  });
});
