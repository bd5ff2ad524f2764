import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, MaxLength, MinLength } from 'class-validator';
import type { ApiKeyEntity } from '../entities/api-key.entity.js';

export class CreateApiKeyDto {
  @ApiPropertyOptional({ example: 'training-pipeline', maxLength: 100 })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  name?: string;
}

export class ApiKeyResponse {
  @ApiProperty({ example: 'cf528884-b6c9-4a74-ade5-6456d910d86d', format: 'uuid' })
  id: string;

  @ApiProperty({ example: 'training-pipeline' })
  name: string;

  @ApiProperty({ example: 'mk_-DET6b5j', description: 'First characters of the key, to tell keys apart' })
  prefix: string;

  @ApiProperty({ example: '2026-12-01T10:02:13.418Z' })
  createdAt: Date;

  @ApiProperty({ example: '2026-12-02T09:14:27.512Z', type: Date, nullable: true })
  lastUsedAt: Date | null;

  @ApiProperty({ example: null, type: Date, nullable: true })
  revokedAt: Date | null;

  static from(key: ApiKeyEntity): ApiKeyResponse {
    const { id, name, prefix, createdAt, lastUsedAt, revokedAt } = key;
    return Object.assign(new ApiKeyResponse(), { id, name, prefix, createdAt, lastUsedAt, revokedAt });
  }
}

export class ApiKeyCreatedResponse extends ApiKeyResponse {
  @ApiProperty({
    example: 'mk_-DET6b5jUS5lbt-jZlYzaHUTMRPIL4Lr-VG0XCSyHgo',
    description: 'The key itself, shown only in this response; send it as X-API-Key',
  })
  key: string;
}
