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
  @ApiProperty({ example: 12.7 }) lengthKm: number;
  @ApiProperty({ example: 3.4 }) areaKm2: number;
  @ApiProperty({ example: 1520 }) positions: number;
  @ApiProperty({ example: 'NMEA GGA/RMC', description: 'Where the positions came from, e.g. NMEA GGA/RMC' }) source: string;
}

export class GnssQualityView {
  @ApiProperty({ example: 1520 }) epochs: number;
  @ApiProperty({ example: 0.79 }) rtkFixed: number;
  @ApiProperty({ example: 0.12 }) rtkFloat: number;
  @ApiProperty({ example: 0.06 }) dgps: number;
  @ApiProperty({ example: 0.02 }) fix3d: number;
  @ApiProperty({ example: 0.01 }) fix2d: number;
  @ApiProperty({ example: 0 }) noFix: number;
  @ApiPropertyOptional({ example: 0.7, type: Number, nullable: true }) medianHdop: number | null;
  @ApiPropertyOptional({ example: 17, type: Number, nullable: true }) medianSatellites: number | null;
  @ApiPropertyOptional({ example: ['G', 'E', 'R', 'C'], type: [String] }) systems?: string[];
}

/** One file of a published version as the dataset card lists it: what it is, never where it is stored. */
export class VersionFileView {
  @ApiProperty({ example: 'drives/2026-11-27/front-dashcam.mp4' }) path: string;
  @ApiProperty({ example: 734003200 }) sizeBytes: number;
  @ApiProperty({ example: '6b86b273ff34fce19d6b804eff5a3f5747ada4eaa22f1d49c01e52ddb7875b4b' }) sha256: string;
  @ApiProperty({ example: 'video' }) modality: string;
  @ApiProperty({ example: 'mp4' }) format: string;
  @ApiProperty({ example: 'video/mp4', description: 'The media type (Croissant encodingFormat)' }) mediaType: string;
  @ApiPropertyOptional({ example: '2026-11-27T08:15:00.000Z', type: String, nullable: true }) timeStart: Date | null;
  @ApiPropertyOptional({ example: '2026-11-27T08:45:00.000Z', type: String, nullable: true }) timeEnd: Date | null;
  @ApiPropertyOptional({ type: FileFootprintSummary, nullable: true }) footprint: FileFootprintSummary | null;
  @ApiPropertyOptional({ example: 'the file holds no positions', type: String, nullable: true, description: 'Why the file has no footprint' })
  footprintReason: string | null;
  @ApiPropertyOptional({ type: GnssQualityView, nullable: true }) gnssQuality: GnssQuality | null;
}

export class VersionFilePage {
  @ApiProperty({ example: 2 }) version: number;
  @ApiProperty({ example: 42, description: 'Files in the version' }) total: number;
  @ApiProperty({ type: [VersionFileView] }) items: VersionFileView[];
  @ApiPropertyOptional({ example: 'ZHJpdmVzLzIwMjYtMTEtMjcvZnJvbnQtZGFzaGNhbS5tcDQ', type: String, nullable: true }) nextCursor: string | null;
}
