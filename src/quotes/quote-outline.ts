import type { SliceFile } from '../catalog/dto/saleable-version.js';
import { bboxPolygon } from '../common/bbox-polygon.js';
import type { FootprintGeometry } from '../ingestion/footprints/footprint.types.js';
import type { QuoteOutline } from './entities/quote.entity.js';

/** Vertices an outline may hold (a footprint's map geometry has at most 500): past it, captures are drawn as boxes. */
export const OUTLINE_VERTEX_BUDGET = 50_000;

/** The slice's captures for the map (captures without a footprint are not drawn). */
export function outlineOf(files: readonly SliceFile[]): QuoteOutline {
  const drawn = files.flatMap(({ geometry, bbox, captureId, leafIndex }) =>
    geometry && bbox ? [{ geometry, bbox, properties: { captureId, leafIndex } }] : [],
  );
  const vertices = drawn.reduce((n, { geometry }) => n + vertexCount(geometry), 0);
  const drawnAs = vertices > OUTLINE_VERTEX_BUDGET ? 'bounding boxes' : 'geometries';
  return {
    type: 'FeatureCollection',
    drawnAs,
    features: drawn.map(({ geometry, bbox, properties }) => ({
      type: 'Feature' as const,
      geometry: drawnAs === 'geometries' ? geometry : boxOf(bbox),
      properties,
    })),
  };
}

function vertexCount(geometry: FootprintGeometry): number {
  switch (geometry.type) {
    case 'Point':
      return 1;
    case 'MultiPoint':
    case 'LineString':
      return geometry.coordinates.length;
    case 'MultiLineString':
    case 'Polygon':
      return geometry.coordinates.reduce((n, part) => n + part.length, 0);
  }
}

function boxOf(bbox: [number, number, number, number]): FootprintGeometry {
  return bbox[0] === bbox[2] && bbox[1] === bbox[3] ? { type: 'Point', coordinates: [bbox[0], bbox[1]] } : bboxPolygon(bbox);
}
