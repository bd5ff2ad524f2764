import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
  ValidateNested,
} from 'class-validator';
import { IsStrictDate } from '../../common/strict-date.js';
import type { Modality } from '../formats/probe.types.js';

export const MODALITIES: Modality[] = ['video', 'pointcloud', 'mesh', 'telemetry', 'gnss', 'imagery'];
export const MAX_CAPTURE_BYTES = 50 * 1024 ** 3;
export const SHA256_HEX = /^[0-9a-f]{64}$/;

export class CreateCaptureDto {
  @ApiProperty({ example: 'drive-2026-11-27.mp4', description: 'Name for downloads; any directory part is dropped' })
  @IsString()
  @MinLength(1)
  @MaxLength(255)
  @Matches(/^\P{Cc}+$/u, { message: 'filename must not contain control characters' })
  filename: string;

  @ApiProperty({ example: 104857600, maximum: MAX_CAPTURE_BYTES })
  @IsInt()
  @Min(1)
  @Max(MAX_CAPTURE_BYTES)
  sizeBytes: number;

  @ApiProperty({
    example: '9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08',
    description: 'SHA-256 of the whole file, lowercase hex',
  })
  @Matches(SHA256_HEX, { message: 'sha256 must be 64 lowercase hex characters' })
  sha256: string;

  @ApiPropertyOptional({ enum: MODALITIES, description: 'What the contributor says it is; the probe decides' })
  @IsOptional()
  @IsIn(MODALITIES)
  modality?: Modality;

  @ApiPropertyOptional({ example: '2026-11-27T08:15:00Z', description: 'A real date: YYYY-MM-DD, or date and time with Z or an offset' })
  @IsOptional()
  @IsStrictDate()
  capturedAt?: string;

  @ApiPropertyOptional({ example: 'bee-4f2a' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  deviceId?: string;

  @ApiPropertyOptional({
    example: '7xKXtg2CW87d97TXJSDpbD5jBkheTqA83TZRuJosgAsU',
    description: 'Ed25519 public key (base58) of the device or wallet that signed the hash',
  })
  @IsOptional()
  @IsString()
  @MaxLength(44)
  devicePublicKey?: string;

  @ApiPropertyOptional({
    example: '5VERv8NMvzbJMEkV8xnrLkEaWRtSz9CosKDYjCJjBRnbJLgp8uirBgmQpjKhoR4tjF3ZpRzrFmBV6UjKdiSZkQUW',
    description: 'Ed25519 signature (base58) by devicePublicKey over the UTF-8 bytes of the sha256 hex string',
  })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  deviceSignature?: string;
}

export class CompletedPartDto {
  @ApiProperty({ example: 1, minimum: 1, maximum: 1000 })
  @IsInt()
  @Min(1)
  @Max(1000)
  partNumber: number;

  @ApiProperty({ example: '"5d41402abc4b2a76b9719d911017c592"', description: 'ETag header answered by the part upload' })
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  etag: string;
}

export class CompleteCaptureDto {
  @ApiProperty({ type: [CompletedPartDto] })
  @ArrayMinSize(1)
  @ArrayMaxSize(1000)
  @ValidateNested({ each: true })
  @Type(() => CompletedPartDto)
  parts: CompletedPartDto[];
}
