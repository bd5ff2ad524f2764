import { readFileSync } from 'node:fs';
import { inflateSync } from 'node:zlib';
import { assertPreviewSurvives } from '../../../test/support/preview-fuzz.js';
import { describeSample } from '../../../test/support/samples.js';
import { renderPerspective, renderTopDown } from './point-raster.js';
import { lzfDecompress, readGlb, readLas, readLaz, readPcd, readPly } from './point-readers.js';
import { pointCloudPreview } from './pointcloud-preview.js';

/** Pixels of a rendering that are not the background. */
function painted(data: Uint8Array): number {
  let n = 0;
  for (let i = 0; i < data.length; i += 4) if (data[i] !== 20 || data[i + 1] !== 24 || data[i + 2] !== 31) n += 1;
  return n;
}

describe('point rasteriser', () => {
  const square = {
    count: 4,
    xyz: new Float64Array([0, 0, 0, 10, 0, 0, 0, 10, 0, 10, 10, 5]),
    rgb: new Uint8Array([255, 0, 0, 0, 255, 0, 0, 0, 255, 255, 255, 255]),
  };

  it('draws the top-down view with x to the right and y up, in the points own colours', () => {
    const image = renderTopDown(square, 100, 100);
    const at = (x: number, y: number) => [...image.data.subarray((y * 100 + x) * 4, (y * 100 + x) * 4 + 3)];
    // (0, 0) lands bottom left, (10, 10) top right (12 px margin).
    expect(at(12, 87)).toEqual([255, 0, 0]);
    expect(at(87, 12)).toEqual([255, 255, 255]);
    expect(at(87, 87)).toEqual([0, 255, 0]);
  });

  it('keeps the nearer point where two fall on one pixel', () => {
    const stacked = { count: 2, xyz: new Float64Array([0, 0, 0, 0, 0, 9]), rgb: new Uint8Array([1, 2, 3, 200, 100, 50]) };
    const top = renderTopDown({ ...stacked, xyz: new Float64Array([0, 0, 0, 0.001, 0, 9]) }, 40, 40);
    expect(painted(top.data)).toBeGreaterThan(0);
    expect([...top.data.subarray(0, top.data.length)].join(',')).toContain('200,100,50');
  });

  it('draws a perspective view of every point in the frame', () => {
    const image = renderPerspective(square, 200, 150);
    expect(painted(image.data)).toBeGreaterThanOrEqual(4);
  });
});

describe('LZF', () => {
  it('expands literals and back references', () => {
    // "abcabcabc": literal "abc" (ctrl 2), then a back reference of length 6 at distance 3 (ctrl (4 << 5) | 0, 2).
    expect(lzfDecompress(Buffer.from([2, 0x61, 0x62, 0x63, 0x80, 2]), 9).toString()).toBe('abcabcabc');
  });

  it('refuses a reference before the start', () => {
    expect(() => lzfDecompress(Buffer.from([0x80, 5]), 4)).toThrow('out of range');
  });
});

describeSample('pdal_wontcompress3.las', (path) => {
  it('reads every point with its scale and offset', () => {
    const bytes = readFileSync(path);
    const points = readLas(bytes, 1e6);
    expect(points.count).toBe(points.total);
    expect(points.count).toBeGreaterThan(0);
    // Every point lies inside the header's bounds (max x at 179, min x at 187, ...).
    const [maxX, minX] = [bytes.readDoubleLE(179), bytes.readDoubleLE(187)];
    // Checked in a plain loop and asserted once, as in e57-points.spec.ts (an expect call per point is slow).
    const outside = Array.from({ length: points.count }, (_, i) => points.xyz[i * 3]).filter((x) => !(x >= minX - 1e-6 && x <= maxX + 1e-6));
    expect(outside).toEqual([]);
  });
});

describeSample('autzen_trim.laz', (path) => {
  it('decompresses the LASzip points with laz-perf, inside the header bounds, coloured by their own RGB', async () => {
    const bytes = readFileSync(path);
    const points = await readLaz(bytes, 1e6);
    expect(points.total).toBe(110_000);
    expect(points.count).toBe(110_000);
    // Its colours are 8-bit values in 16-bit fields: kept as they are, not shifted to black.
    expect(Math.max(...(points.rgb?.subarray(0, 3000) ?? []))).toBeGreaterThan(100);
    const [maxX, minX, maxY, minY] = [179, 187, 195, 203].map((at) => bytes.readDoubleLE(at));
    for (let i = 0; i < points.count; i += 997) {
      expect(points.xyz[i * 3]).toBeGreaterThanOrEqual(minX - 0.01);
      expect(points.xyz[i * 3]).toBeLessThanOrEqual(maxX + 0.01);
      expect(points.xyz[i * 3 + 1]).toBeGreaterThanOrEqual(minY - 0.01);
      expect(points.xyz[i * 3 + 1]).toBeLessThanOrEqual(maxY + 0.01);
    }
    const preview = await pointCloudPreview('laz', bytes);
    expect(preview.content).toMatchObject({ kind: 'pointcloud', pointsRead: 110_000, colouredBy: 'rgb' });
    expect(preview.reason).toBeNull();
  });

  it('tells a LAZ file from a LAS one instead of reading compressed records as points', () => {
    expect(() => readLas(readFileSync(path), 10)).toThrow('LASzip-compressed');
  });
});

describeSample('bunny.ply', (path) => {
  it('reads the 8,171 ascii vertices and renders both views as PNGs with the bunny on them', async () => {
    const bytes = readFileSync(path);
    const points = readPly(bytes, 1e6);
    expect(points.total).toBe(8171);
    expect(points.count).toBe(8171);
    [-0.036872, 0.127727, 0.00440925].forEach((v, a) => {
      expect(points.xyz[a]).toBeCloseTo(v, 6);
    });
    const preview = await pointCloudPreview('ply', bytes);
    expect(preview.content).toMatchObject({ kind: 'pointcloud', sampled: 8171, pointsRead: 8171, colouredBy: 'height' });
    const [top, perspective, viewer] = preview.files;
    for (const png of [top, perspective]) {
      expect(png.body.subarray(1, 4).toString()).toBe('PNG');
      const idat = png.body.indexOf('IDAT');
      const raw = inflateSync(png.body.subarray(idat + 4, idat + 4 + png.body.readUInt32BE(idat - 4)));
      expect(raw.length).toBe(480 * (640 * 4 + 1));
      const pixels = new Uint8Array(640 * 480 * 4);
      for (let y = 0; y < 480; y += 1) pixels.set(raw.subarray(y * 2561 + 1, (y + 1) * 2561), y * 2560);
      // The bunny covers a good part of the frame, not a speck.
      expect(painted(pixels)).toBeGreaterThan(640 * 480 * 0.05);
    }
    expect(viewer.body.length).toBe(8171 * 15);
  });
});

describeSample('car6.pcd', (path) => {
  it('decompresses the binary_compressed block and reads its 10,031 points', () => {
    const points = readPcd(readFileSync(path), 1e6);
    expect(points.total).toBe(10031);
    expect(points.count).toBe(10031);
    const spread = Math.max(...points.xyz.filter((_, i) => i % 3 === 0)) - Math.min(...points.xyz.filter((_, i) => i % 3 === 0));
    // A car seen by a lidar: metres across, not NaN or 1e30 from a misread layout.
    expect(spread).toBeGreaterThan(1);
    expect(spread).toBeLessThan(200);
  });

  it('keeps an even subsample when asked for fewer points', () => {
    const points = readPcd(readFileSync(path), 1000);
    expect(points.count).toBeLessThanOrEqual(1000);
    expect(points.count).toBeGreaterThan(900);
  });
});

describeSample('BoxTextured.glb', (path) => {
  it('reads the box mesh vertices, a unit cube', () => {
    const points = readGlb(readFileSync(path), 1e6);
    expect(points.count).toBe(24);
    for (const v of points.xyz) expect(Math.abs(v)).toBeCloseTo(0.5, 5);
  });
});

describe('point cloud previews of damaged files', () => {
  for (const [name, format] of [
    ['pdal_wontcompress3.las', 'las'],
    ['autzen_trim.laz', 'laz'],
    ['bunny.ply', 'ply'],
    ['car6.pcd', 'pcd'],
    ['BoxTextured.glb', 'glb'],
  ] as const)
    describeSample(name, (path) => {
      it('never throws on truncated or damaged copies: a preview, or none and why', async () => {
        await assertPreviewSurvives((bytes) => pointCloudPreview(format, bytes), readFileSync(path), { runs: 30 });
      }, 120_000);
    });
});
