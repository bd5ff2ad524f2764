import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, Matches, Min } from 'class-validator';
import { PageCursor, PageLimit } from '../../common/page-query.js';
import type { GnssQuality } from '../../ingestion/footprints/footprint.types.js';

export class VersionFilesQuery {
  @PageLimit(100, 25)
  limit: number = 25;

  @PageCursor(12)
  @Matches(/^\d{1,9}$/, { message: 'cursor must be the nextCursor of the previous page' })
  cursor?: string;
}

export class CroissantQuery {
  @ApiPropertyOptional({ description: 'A published version; default: the listed one' })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  version?: number;
}

export class FileFootprintSummary {
  @ApiProperty({ enum: ['track', 'point', 'polygon'] }) kind: string;
  @ApiProperty() lengthKm: number;
  @ApiProperty() areaKm2: number;
  @ApiProperty() positions: number;
  @ApiProperty({ description: 'Where the positions came from, e.g. NMEA GGA/RMC' }) source: string;
}

export class GnssQualityView {
  @ApiProperty() epochs: number;
  @ApiProperty() rtkFixed: number;
  @ApiProperty() rtkFloat: number;
  @ApiProperty() dgps: number;
  @ApiProperty() fix3d: number;
  @ApiProperty() fix2d: number;
  @ApiProperty() noFix: number;
  @ApiPropertyOptional({ type: Number, nullable: true }) medianHdop: number | null;
  @ApiPropertyOptional({ type: Number, nullable: true }) medianSatellites: number | null;
  @ApiPropertyOptional({ type: [String] }) systems?: string[];
}

/** One file of a published version as the dataset card lists it: what it is, never where it is stored. */
export class VersionFileView {
  @ApiProperty() path: string;
  @ApiProperty() sizeBytes: number;
  @ApiProperty() sha256: string;
  @ApiProperty() modality: string;
  @ApiProperty() format: string;
  @ApiProperty({ description: 'The media type (Croissant encodingFormat)' }) mediaType: string;
  @ApiPropertyOptional({ type: String, nullable: true }) timeStart: Date | null;
  @ApiPropertyOptional({ type: String, nullable: true }) timeEnd: Date | null;
  @ApiPropertyOptional({ type: FileFootprintSummary, nullable: true }) footprint: FileFootprintSummary | null;
  @ApiPropertyOptional({ type: String, nullable: true, description: 'Why the file has no footprint' }) footprintReason: string | null;
  @ApiPropertyOptional({ type: GnssQualityView, nullable: true }) gnssQuality: GnssQuality | null;
}

export class VersionFilePage {
  @ApiProperty() version: number;
  @ApiProperty({ description: 'Files in the version' }) total: number;
  @ApiProperty({ type: [VersionFileView] }) items: VersionFileView[];
  @ApiPropertyOptional({ type: String, nullable: true }) nextCursor: string | null;
}
