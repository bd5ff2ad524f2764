import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

import { EXAMPLE_TRACK } from '../../common/openapi-examples.js';
import type { FootprintGeometry, GnssQuality } from '../../ingestion/footprints/footprint.types.js';

export class CoverageTotals {
  @ApiProperty({ example: 42, description: 'Captures in the version' }) captures: number;
  @ApiProperty({ example: 40, description: 'Captures with a footprint (the rest have no position and are not on the map)' }) withFootprint: number;
  @ApiProperty({ example: 318.4, description: 'Geodesic length of all tracks, km' }) km: number;
  @ApiProperty({ example: 9.75, description: 'Hours between each footprint’s first and last timed position, summed' }) hours: number;
  @ApiProperty({ example: 61.2, description: 'Area of the distinct H3 res-8 cells touched, km2' }) km2: number;
  @ApiProperty({ example: 83, description: 'Distinct H3 res-8 cells touched' }) cells: number;
}

export class CaptureCoverageProperties {
  @ApiProperty({ example: '52209f96-02f8-4c32-811b-d4fab64fcceb', format: 'uuid' }) captureId: string;
  @ApiProperty({ example: 'drives/2026-11-27/front-dashcam.mp4' }) path: string;
  @ApiProperty({ example: 'video' }) modality: string;
  @ApiProperty({ example: 'mp4' }) format: string;
  @ApiProperty({ enum: ['track', 'point', 'polygon'] }) kind: string;
  @ApiPropertyOptional({ example: '2026-11-27T08:15:00.000Z', nullable: true }) start: string | null;
  @ApiPropertyOptional({ example: '2026-11-27T08:45:00.000Z', nullable: true }) end: string | null;
  @ApiProperty({ example: 12.7 }) lengthKm: number;
  @ApiProperty({ example: 3.4 }) areaKm2: number;
  @ApiProperty({ example: 5 }) cells: number;
  @ApiProperty({ example: 'GoPro GPMF GPS5', description: 'Where the positions came from' }) source: string;
  @ApiPropertyOptional({
    example: { epochs: 1800, rtkFixed: 0, rtkFloat: 0, dgps: 0, fix3d: 0.98, fix2d: 0.02, noFix: 0, medianHdop: 0.9, medianSatellites: 11 },
    type: Object,
    nullable: true,
  })
  gnssQuality: GnssQuality | null;
}

export class CaptureCoverageFeature {
  @ApiProperty({ enum: ['Feature'] }) type: 'Feature';
  @ApiProperty({
    example: EXAMPLE_TRACK,
    type: Object,
    description: 'GeoJSON geometry (WGS84): LineString / MultiLineString track, Point, or Polygon',
  })
  geometry: FootprintGeometry;
  @ApiProperty({ type: CaptureCoverageProperties }) properties: CaptureCoverageProperties;
}

export class CaptureWithoutFootprint {
  @ApiProperty({ example: '3b1f7c52-9e0d-4a8b-b6f3-2d7e5a9c1f04', format: 'uuid' }) captureId: string;
  @ApiProperty({ example: 'lidar/garage-scan.laz' }) path: string;
  @ApiProperty({ example: 'pointcloud' }) modality: string;
  @ApiProperty({ example: 'the point cloud has no georeference (local coordinates)', description: 'Why the capture has no footprint' })
  reason: string;
}

export class CoverageCellView {
  @ApiProperty({ example: '881f8d7a49fffff', description: 'H3 res-8 cell' }) h3: string;
  @ApiPropertyOptional({ example: '2026-11-27T08:15:00.000Z', nullable: true, description: 'First time any capture was in the cell' }) start:
    string | null;
  @ApiPropertyOptional({ example: '2026-11-29T16:20:00.000Z', nullable: true }) end: string | null;
  @ApiProperty({ example: 4, description: 'Captures that touched it' }) captures: number;
}

/** A version's coverage as GeoJSON: one feature per capture with a footprint. */
export class DatasetCoverageResponse {
  @ApiProperty({ enum: ['FeatureCollection'] }) type: 'FeatureCollection';
  @ApiProperty({ example: '067e188a-4264-41b0-97a8-ecc3623f344f', format: 'uuid' }) datasetId: string;
  @ApiProperty({ example: 2 }) version: number;
  @ApiProperty({ type: CoverageTotals }) totals: CoverageTotals;
  @ApiProperty({ type: [CaptureCoverageFeature] }) features: CaptureCoverageFeature[];
  @ApiProperty({ type: [CaptureWithoutFootprint] }) withoutFootprint: CaptureWithoutFootprint[];
  @ApiPropertyOptional({ type: [CoverageCellView], description: 'With cells=true: every H3 res-8 cell and its time span' })
  cells?: CoverageCellView[];
}

export class CatalogCoverageProperties {
  @ApiProperty({ example: '871f8d7a4ffffff' }) h3: string;
  @ApiProperty({ example: 3, description: 'Listed datasets with data in the cell (any modality, or the one asked for)' }) datasets: number;
  @ApiProperty({ example: ['video', 'gnss'], type: [String] }) modalities: string[];
}

export class CatalogCoverageFeature {
  @ApiProperty({ enum: ['Feature'] }) type: 'Feature';
  @ApiProperty({
    example: {
      type: 'Polygon',
      coordinates: [
        [
          [11.56472, 48.13488],
          [11.56583, 48.12276],
          [11.58286, 48.11797],
          [11.59879, 48.12529],
          [11.59768, 48.13741],
          [11.58065, 48.14221],
          [11.56472, 48.13488],
        ],
      ],
    },
    type: Object,
    description: 'The cell as a GeoJSON Polygon',
  })
  geometry: { type: 'Polygon'; coordinates: number[][][] };
  @ApiProperty({ type: CatalogCoverageProperties }) properties: CatalogCoverageProperties;
}

/** Where the catalogue has data: H3 cells at a resolution for the map's zoom. */
export class CatalogCoverageResponse {
  @ApiProperty({ enum: ['FeatureCollection'] }) type: 'FeatureCollection';
  @ApiProperty({ example: 7, description: 'H3 resolution of the cells (3, 5 or 7)' }) res: number;
  @ApiProperty({ type: [CatalogCoverageFeature] }) features: CatalogCoverageFeature[];
  @ApiProperty({ description: 'True when more cells matched than are returned (zoom in)' }) truncated: boolean;
}
