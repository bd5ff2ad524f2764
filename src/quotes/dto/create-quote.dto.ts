import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  ArrayUnique,
  IsArray,
  IsIn,
  IsNumber,
  IsObject,
  IsOptional,
  IsUUID,
  Matches,
  ValidateNested,
} from 'class-validator';
import { PRICE_UNITS, type PriceUnit } from '../../catalog/unit-prices.js';
import type { SliceAreaInput } from '../../catalog/dto/saleable-version.js';
import { EXAMPLE_AREA } from '../../common/openapi-examples.js';
import { IsStrictDate } from '../../common/strict-date.js';
import { MODALITIES } from '../../ingestion/dto/create-capture.dto.js';

/** One of bbox, polygon or cells (the service refuses none or several with a 400). */
export class QuoteAreaDto implements SliceAreaInput {
  @ApiPropertyOptional({ type: [Number], example: [14.3, 45.7, 14.5, 45.8], description: '[minLon, minLat, maxLon, maxLat], WGS84' })
  @IsOptional()
  @IsArray()
  @ArrayMinSize(4)
  @ArrayMaxSize(4)
  @IsNumber({ allowNaN: false, allowInfinity: false }, { each: true })
  bbox?: number[];

  @ApiPropertyOptional({
    example: EXAMPLE_AREA,
    type: Object,
    description: 'A GeoJSON Polygon or MultiPolygon geometry (WGS84, at most 1,000 vertices, no self-intersection, smaller than a continent)',
  })
  @IsOptional()
  @IsObject()
  polygon?: Record<string, unknown>;

  @ApiPropertyOptional({ type: [String], example: ['881e15b2b1fffff'], description: 'H3 cells of any resolution (at most 1,000)' })
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(1_000)
  @Matches(/^[0-9a-fA-F]{15,16}$/, { each: true, message: 'cells must be H3 cell ids (15-16 hex digits)' })
  cells?: string[];
}

export class CreateQuoteDto {
  @ApiProperty({ example: '5f2c9a1b-8d3e-4f60-9b7a-2c1d0e4f8a93', format: 'uuid' })
  @IsUUID()
  datasetId: string;

  @ApiPropertyOptional({ type: QuoteAreaDto, description: 'Captures whose footprint meets this area (H3 res-8 cells)' })
  @IsOptional()
  @ValidateNested()
  @Type(() => QuoteAreaDto)
  area?: QuoteAreaDto;

  @ApiPropertyOptional({ example: '2010-08-01', description: 'Captures recorded (in the area) at or after this instant' })
  @IsOptional()
  @IsStrictDate()
  from?: string;

  @ApiPropertyOptional({ example: '2010-08-31T23:59:59Z', description: 'Captures recorded (in the area) at or before this instant' })
  @IsOptional()
  @IsStrictDate()
  to?: string;

  @ApiPropertyOptional({ enum: MODALITIES, isArray: true, description: 'Only captures of these modalities' })
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(MODALITIES.length)
  @ArrayUnique()
  @IsIn(MODALITIES, { each: true })
  modalities?: string[];

  @ApiPropertyOptional({ enum: PRICE_UNITS, description: 'What a slice is priced by; default the first of km, hour, gb the listing prices' })
  @IsOptional()
  @IsIn(PRICE_UNITS)
  unit?: PriceUnit;
}
