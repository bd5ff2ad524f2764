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
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty()
  name: string;

  @ApiProperty({ description: 'First characters of the key, to tell keys apart' })
  prefix: string;

  @ApiProperty()
  createdAt: Date;

  @ApiProperty({ type: Date, nullable: true })
  lastUsedAt: Date | null;

  @ApiProperty({ type: Date, nullable: true })
  revokedAt: Date | null;

  static from(key: ApiKeyEntity): ApiKeyResponse {
    const { id, name, prefix, createdAt, lastUsedAt, revokedAt } = key;
    return Object.assign(new ApiKeyResponse(), { id, name, prefix, createdAt, lastUsedAt, revokedAt });
  }
}

export class ApiKeyCreatedResponse extends ApiKeyResponse {
  @ApiProperty({ description: 'The key itself, shown only in this response; send it as X-API-Key' })
  key: string;
}
