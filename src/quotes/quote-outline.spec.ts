import type { SliceFile } from '../catalog/dto/saleable-version.js';
import { OUTLINE_VERTEX_BUDGET, outlineOf } from './quote-outline.js';

const file = (leafIndex: number, coordinates: [number, number][] | null): SliceFile => ({
  leafIndex,
  path: `gnss/${leafIndex}.nmea`,
  captureId: `00000000-0000-4000-8000-${String(leafIndex).padStart(12, '0')}`,
  contributorId: '00000000-0000-4000-8000-000000000000',
  modality: 'gnss',
  sizeBytes: 1,
  durationMs: 0,
  lengthM: 0,
  geometry: coordinates ? { type: 'LineString', coordinates } : null,
  vertices: coordinates?.length ?? 0,
  bbox: coordinates ? [coordinates[0][0], coordinates[0][1], coordinates[coordinates.length - 1][0], coordinates[coordinates.length - 1][1]] : null,
});

const line = (vertices: number): [number, number][] => Array.from({ length: vertices }, (_, i) => [14 + i / 1e6, 46 + i / 1e6]);

describe('quote outline', () => {
  it("draws each capture's footprint geometry, and leaves out captures without one", () => {
    const outline = outlineOf([file(0, line(3)), file(1, null)]);
    expect(outline).toEqual({
      type: 'FeatureCollection',
      drawnAs: 'geometries',
      features: [
        { type: 'Feature', geometry: { type: 'LineString', coordinates: line(3) }, properties: { captureId: file(0, null).captureId, leafIndex: 0 } },
      ],
    });
  });

  it('draws bounding boxes instead once the geometries would pass the vertex budget', () => {
    const outline = outlineOf([file(0, line(OUTLINE_VERTEX_BUDGET)), file(1, line(2))]);
    expect(outline.drawnAs).toBe('bounding boxes');
    expect(outline.features.map((f) => f.geometry.type)).toEqual(['Polygon', 'Polygon']);
    expect(outline.features[0].geometry.coordinates).toEqual([
      [
        [14, 46],
        [14 + (OUTLINE_VERTEX_BUDGET - 1) / 1e6, 46],
        [14 + (OUTLINE_VERTEX_BUDGET - 1) / 1e6, 46 + (OUTLINE_VERTEX_BUDGET - 1) / 1e6],
        [14, 46 + (OUTLINE_VERTEX_BUDGET - 1) / 1e6],
        [14, 46],
      ],
    ]);
    // Exactly at the budget: still the geometries.
    expect(outlineOf([file(0, line(OUTLINE_VERTEX_BUDGET))]).drawnAs).toBe('geometries');
  });

  it('draws bounding boxes when the catalog left the geometries out (past its budget), from the vertex counts alone', () => {
    const sent = { ...file(0, line(4)), geometry: null, vertices: OUTLINE_VERTEX_BUDGET + 1 };
    const outline = outlineOf([sent]);
    expect(outline.drawnAs).toBe('bounding boxes');
    expect(outline.features.map((f) => f.geometry.type)).toEqual(['Polygon']);
  });
});
