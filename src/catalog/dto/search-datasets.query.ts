import { ApiPropertyOptional, OmitType } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsNumber, IsObject, IsOptional, IsString, Matches, Max, MaxLength, Min } from 'class-validator';
import { MODALITIES } from '../../ingestion/dto/create-capture.dto.js';
import { MAX_PRICE_USD_CENTS } from './create-dataset.dto.js';
import { PageLimit, PageCursor } from '../../common/page-query.js';
import { IsStrictDate } from '../../common/strict-date.js';

export const SEARCH_SORTS = ['relevance', 'newest', 'price', '-price'] as const;
export type SearchSort = (typeof SEARCH_SORTS)[number];

const NUMBER = '-?\\d{1,3}(\\.\\d{1,12})?';
const BBOX = new RegExp(`^${NUMBER},${NUMBER},${NUMBER},${NUMBER}$`);

export class SearchDatasetsQuery {
  @ApiPropertyOptional({
    example: 'dashcam',
    description: 'Full text over title, tags and description (web-search syntax: "quoted phrase", -exclude, or)',
  })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  q?: string;

  @ApiPropertyOptional({ enum: MODALITIES })
  @IsOptional()
  @IsIn(MODALITIES)
  modality?: string;

  @ApiPropertyOptional({
    example: '11.4,48.0,11.8,48.3',
    description:
      'minLon,minLat,maxLon,maxLat (WGS84): datasets with a capture whose footprint meets it (H3 res-8 cells, ~0.46 km edges). One of bbox, polygon, cells.',
  })
  @IsOptional()
  @Matches(BBOX, { message: 'bbox must be minLon,minLat,maxLon,maxLat' })
  bbox?: string;

  @ApiPropertyOptional({
    example: '{"type":"Polygon","coordinates":[[[14.33,45.75],[14.45,45.75],[14.45,45.8],[14.33,45.8],[14.33,45.75]]]}',
    description: 'A GeoJSON Polygon or MultiPolygon (WGS84, at most 1,000 vertices, no self-intersection, smaller than a continent)',
  })
  @IsOptional()
  @IsString()
  @MaxLength(60_000)
  polygon?: string;

  @ApiPropertyOptional({ example: '881e15b2b1fffff,881e15b2b5fffff', description: 'H3 cells of any resolution, comma-separated (at most 1,000)' })
  @IsOptional()
  @Matches(/^[0-9a-fA-F]{15,16}(,[0-9a-fA-F]{15,16}){0,999}$/, { message: 'cells must be comma-separated H3 cell ids' })
  cells?: string;

  @ApiPropertyOptional({
    example: '2026-01-01T00:00:00Z',
    description:
      'Datasets with a capture recorded in [from, to] (with an area: one that was in the area within the window); a real date: YYYY-MM-DD, or date and time with Z or an offset',
  })
  @IsOptional()
  @IsStrictDate()
  from?: string;

  @ApiPropertyOptional({ example: '2026-03-31T23:59:59Z' })
  @IsOptional()
  @IsStrictDate()
  to?: string;

  @ApiPropertyOptional({ example: 'bee-maps', description: 'Source network slug' })
  @IsOptional()
  @Matches(/^[a-z0-9][a-z0-9-]{1,39}$/, { message: 'network must be a network slug' })
  network?: string;

  @ApiPropertyOptional({ example: 'commercial-ai-training', description: 'Licence template slug' })
  @IsOptional()
  @Matches(/^[a-z0-9][a-z0-9-]{1,62}$/, { message: 'licence must be a licence slug' })
  licence?: string;

  @ApiPropertyOptional({ example: 50000, minimum: 0 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(MAX_PRICE_USD_CENTS)
  maxPriceUsdCents?: number;

  @ApiPropertyOptional({ minimum: 0, maximum: 1, example: 0.9, description: 'GNSS: at least this share of epochs RTK-fixed (0..1), in one capture' })
  @IsOptional()
  @Type(() => Number)
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(0)
  @Max(1)
  minRtkFixed?: number;

  @ApiPropertyOptional({ minimum: 0, example: 1.5, description: 'GNSS: median HDOP at most this, in one capture' })
  @IsOptional()
  @Type(() => Number)
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(0)
  @Max(99)
  maxHdop?: number;

  @ApiPropertyOptional({
    enum: SEARCH_SORTS,
    description:
      'Default: relevance with q, newest without. Relevance: datasets whose title alone matches q first, then title and tags, then the description; newest first within each',
  })
  @IsOptional()
  @IsIn(SEARCH_SORTS)
  sort?: SearchSort;

  @PageLimit(100, 20)
  limit: number = 20;

  @PageCursor(300)
  cursor?: string;
}

export class ListMyDatasetsQuery {
  // Owners list their own datasets, drafts included.
  @PageLimit(100, 50)
  limit: number = 50;

  @PageCursor()
  cursor?: string;
}

/** POST /v1/datasets/search: the same filters as the query string, with the polygon as a GeoJSON object. */
export class SearchDatasetsBody extends OmitType(SearchDatasetsQuery, ['polygon'] as const) {
  @ApiPropertyOptional({
    type: Object,
    example: {
      type: 'Polygon',
      coordinates: [
        [
          [14.33, 45.75],
          [14.45, 45.75],
          [14.45, 45.8],
          [14.33, 45.8],
          [14.33, 45.75],
        ],
      ],
    },
    description: 'A GeoJSON Polygon or MultiPolygon geometry (WGS84)',
  })
  @IsOptional()
  @IsObject()
  polygon?: Record<string, unknown>;
}

export class DatasetCoverageQuery {
  @ApiPropertyOptional({ minimum: 1, description: 'Published version (default: the latest)' })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(1_000_000)
  version?: number;

  @ApiPropertyOptional({ enum: ['true', 'false'], description: 'Include every H3 res-8 cell with its time span' })
  @IsOptional()
  @IsIn(['true', 'false'])
  cells?: 'true' | 'false';
}

export class CatalogCoverageQuery {
  @ApiPropertyOptional({ example: '13.0,45.0,16.0,47.0', description: 'The map view: minLon,minLat,maxLon,maxLat (WGS84)' })
  @IsOptional()
  @Matches(BBOX, { message: 'bbox must be minLon,minLat,maxLon,maxLat' })
  bbox?: string;

  @ApiPropertyOptional({ minimum: 0, maximum: 22, description: 'Map zoom: cells at res 3 up to zoom 4, res 5 up to 7, res 7 beyond' })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(22)
  zoom: number = 2;

  @ApiPropertyOptional({ enum: MODALITIES })
  @IsOptional()
  @IsIn(MODALITIES)
  modality?: string;
}
