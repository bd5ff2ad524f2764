import type { SliceFile } from '../catalog/dto/saleable-version.js';
import { bboxPolygon } from '../common/bbox-polygon.js';
import type { FootprintGeometry } from '../ingestion/footprints/footprint.types.js';
import type { QuoteOutline } from './entities/quote.entity.js';

/** Vertices an outline may hold (a footprint's map geometry has at most 500): past it, captures are drawn as boxes. */
export const OUTLINE_VERTEX_BUDGET = 50_000;

/**
 * The slice's captures for the map (captures without a footprint are not drawn): their geometries when together they
 * have at most OUTLINE_VERTEX_BUDGET vertices (the catalog then sends them), else their bounding boxes.
 */
export function outlineOf(files: readonly SliceFile[]): QuoteOutline {
  const drawn = files.flatMap(({ geometry, bbox, captureId, leafIndex }) => (bbox ? [{ geometry, bbox, properties: { captureId, leafIndex } }] : []));
  const vertices = files.reduce((n, file) => n + (file.geometry ? vertexCount(file.geometry) : file.vertices), 0);
  const asGeometries = vertices <= OUTLINE_VERTEX_BUDGET && drawn.every(({ geometry }) => geometry !== null);
  return {
    type: 'FeatureCollection',
    drawnAs: asGeometries ? 'geometries' : 'bounding boxes',
    features: drawn.map(({ geometry, bbox, properties }) => ({
      type: 'Feature' as const,
      geometry: asGeometries && geometry ? geometry : boxOf(bbox),
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
