import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min } from 'class-validator';
import { MODALITIES } from '../../ingestion/dto/create-capture.dto.js';
import { MAX_PRICE_USD_CENTS } from './create-dataset.dto.js';
import { PageLimit, PageCursor } from '../../common/page-query.js';
import { IsStrictDate } from '../../common/strict-date.js';

export const SEARCH_SORTS = ['relevance', 'newest', 'price', '-price'] as const;
export type SearchSort = (typeof SEARCH_SORTS)[number];

const NUMBER = '-?\\d{1,3}(\\.\\d{1,12})?';
const BBOX = new RegExp(`^${NUMBER},${NUMBER},${NUMBER},${NUMBER}$`);

export class SearchDatasetsQuery {
  @ApiPropertyOptional({ description: 'Full text over title, tags and description (web-search syntax: "quoted phrase", -exclude, or)' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  q?: string;

  @ApiPropertyOptional({ enum: MODALITIES })
  @IsOptional()
  @IsIn(MODALITIES)
  modality?: string;

  @ApiPropertyOptional({ example: '11.4,48.0,11.8,48.3', description: 'minLon,minLat,maxLon,maxLat (WGS84): datasets whose coverage intersects it' })
  @IsOptional()
  @Matches(BBOX, { message: 'bbox must be minLon,minLat,maxLon,maxLat' })
  bbox?: string;

  @ApiPropertyOptional({
    example: '2026-01-01T00:00:00Z',
    description: 'Datasets whose time range overlaps [from, to]; a real date: YYYY-MM-DD, or date and time with Z or an offset',
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

  @ApiPropertyOptional({ minimum: 0 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(MAX_PRICE_USD_CENTS)
  maxPriceUsdCents?: number;

  @ApiPropertyOptional({ enum: SEARCH_SORTS, description: 'Default: relevance with q, newest without' })
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
