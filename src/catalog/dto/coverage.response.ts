import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

import type { FootprintGeometry, GnssQuality } from '../../ingestion/footprints/footprint.types.js';

export class CoverageTotals {
  @ApiProperty({ description: 'Captures in the version' }) captures: number;
  @ApiProperty({ description: 'Captures with a footprint (the rest have no position and are not on the map)' }) withFootprint: number;
  @ApiProperty({ description: 'Geodesic length of all tracks, km' }) km: number;
  @ApiProperty({ description: 'Hours between each footprint’s first and last timed position, summed' }) hours: number;
  @ApiProperty({ description: 'Area of the distinct H3 res-8 cells touched, km2' }) km2: number;
  @ApiProperty({ description: 'Distinct H3 res-8 cells touched' }) cells: number;
}

export class CaptureCoverageProperties {
  @ApiProperty({ format: 'uuid' }) captureId: string;
  @ApiProperty() path: string;
  @ApiProperty() modality: string;
  @ApiProperty() format: string;
  @ApiProperty({ enum: ['track', 'point', 'polygon'] }) kind: string;
  @ApiPropertyOptional({ nullable: true }) start: string | null;
  @ApiPropertyOptional({ nullable: true }) end: string | null;
  @ApiProperty() lengthKm: number;
  @ApiProperty() areaKm2: number;
  @ApiProperty() cells: number;
  @ApiProperty({ description: 'Where the positions came from' }) source: string;
  @ApiPropertyOptional({ type: Object, nullable: true }) gnssQuality: GnssQuality | null;
}

export class CaptureCoverageFeature {
  @ApiProperty({ enum: ['Feature'] }) type: 'Feature';
  @ApiProperty({ type: Object, description: 'GeoJSON geometry (WGS84): LineString / MultiLineString track, Point, or Polygon' })
  geometry: FootprintGeometry;
  @ApiProperty({ type: CaptureCoverageProperties }) properties: CaptureCoverageProperties;
}

export class CaptureWithoutFootprint {
  @ApiProperty({ format: 'uuid' }) captureId: string;
  @ApiProperty() path: string;
  @ApiProperty() modality: string;
  @ApiProperty({ description: 'Why the capture has no footprint' }) reason: string;
}

export class CoverageCellView {
  @ApiProperty({ description: 'H3 res-8 cell' }) h3: string;
  @ApiPropertyOptional({ nullable: true, description: 'First time any capture was in the cell' }) start: string | null;
  @ApiPropertyOptional({ nullable: true }) end: string | null;
  @ApiProperty({ description: 'Captures that touched it' }) captures: number;
}

/** A version's coverage as GeoJSON: one feature per capture with a footprint. */
export class DatasetCoverageResponse {
  @ApiProperty({ enum: ['FeatureCollection'] }) type: 'FeatureCollection';
  @ApiProperty({ format: 'uuid' }) datasetId: string;
  @ApiProperty() version: number;
  @ApiProperty({ type: CoverageTotals }) totals: CoverageTotals;
  @ApiProperty({ type: [CaptureCoverageFeature] }) features: CaptureCoverageFeature[];
  @ApiProperty({ type: [CaptureWithoutFootprint] }) withoutFootprint: CaptureWithoutFootprint[];
  @ApiPropertyOptional({ type: [CoverageCellView], description: 'With cells=true: every H3 res-8 cell and its time span' })
  cells?: CoverageCellView[];
}

export class CatalogCoverageProperties {
  @ApiProperty() h3: string;
  @ApiProperty({ description: 'Listed datasets with data in the cell (any modality, or the one asked for)' }) datasets: number;
  @ApiProperty({ type: [String] }) modalities: string[];
}

export class CatalogCoverageFeature {
  @ApiProperty({ enum: ['Feature'] }) type: 'Feature';
  @ApiProperty({ type: Object, description: 'The cell as a GeoJSON Polygon' }) geometry: { type: 'Polygon'; coordinates: number[][][] };
  @ApiProperty({ type: CatalogCoverageProperties }) properties: CatalogCoverageProperties;
}

/** Where the catalogue has data: H3 cells at a resolution for the map's zoom. */
export class CatalogCoverageResponse {
  @ApiProperty({ enum: ['FeatureCollection'] }) type: 'FeatureCollection';
  @ApiProperty({ description: 'H3 resolution of the cells (3, 5 or 7)' }) res: number;
  @ApiProperty({ type: [CatalogCoverageFeature] }) features: CatalogCoverageFeature[];
  @ApiProperty({ description: 'True when more cells matched than are returned (zoom in)' }) truncated: boolean;
}
