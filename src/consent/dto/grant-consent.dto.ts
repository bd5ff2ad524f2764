import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  ArrayUnique,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
  ValidateNested,
} from 'class-validator';
import { PermittedUsesDto } from '../../licensing/dto/licence.dto.js';
import { IsStrictDate } from '../../common/strict-date.js';
import type { ConsentGrantFields, ConsentMethod, ConsentScope } from '../consent-grant.js';

const ISO_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

export class ConsentScopeDto implements ConsentScope {
  @ApiProperty({ type: PermittedUsesDto })
  @ValidateNested()
  @Type(() => PermittedUsesDto)
  permittedUses: PermittedUsesDto;

  @ApiProperty({ example: ['WORLD'], description: "ISO 3166-1 alpha-2 country codes, or ['WORLD']" })
  @ArrayMinSize(1)
  @ArrayMaxSize(250)
  @Matches(/^([A-Z]{2}|WORLD)$/, { each: true, message: 'territory must hold ISO 3166-1 alpha-2 codes or WORLD' })
  territory: string[];
}

/** The signed fields, exactly as GET /v1/datasets/:id/consent-request hands them out (change expiresAt if you like). */
export class ConsentGrantFieldsDto implements ConsentGrantFields {
  @ApiProperty({ format: 'uuid' }) @IsUUID() datasetId: string;
  @ApiProperty({ format: 'uuid' }) @IsUUID() contributorId: string;

  @ApiProperty({ type: [String], description: 'Your captures in the draft, sorted' })
  @ArrayMinSize(1)
  @ArrayMaxSize(10_000)
  @ArrayUnique()
  @IsUUID('all', { each: true })
  captureIds: string[];

  @ApiProperty({ example: 'commercial-ai-training' })
  @Matches(/^[a-z0-9][a-z0-9-]{1,62}$/, { message: 'licence must be a licence template slug' })
  licence: string;

  @ApiProperty({ type: ConsentScopeDto })
  @ValidateNested()
  @Type(() => ConsentScopeDto)
  scope: ConsentScopeDto;

  @ApiProperty() @IsInt() @Min(0) @Max(Number.MAX_SAFE_INTEGER) priceUsdCents: number;
  @ApiProperty() @IsInt() @Min(0) @Max(10_000) shareBps: number;

  @ApiProperty({ example: '2026-12-03T01:00:00.000Z' })
  @Matches(ISO_UTC, { message: 'issuedAt must be UTC as toISOString writes it' })
  issuedAt: string;

  @ApiProperty({ example: '2027-12-03T01:00:00.000Z' })
  @Matches(ISO_UTC, { message: 'expiresAt must be UTC as toISOString writes it' })
  expiresAt: string;

  @ApiProperty() @Matches(/^[A-Za-z0-9_-]{16,128}$/, { message: 'nonce must be 16-128 characters of [A-Za-z0-9_-]' }) nonce: string;
}

export class GrantConsentDto {
  @ApiProperty({ type: ConsentGrantFieldsDto })
  @ValidateNested()
  @Type(() => ConsentGrantFieldsDto)
  grant: ConsentGrantFieldsDto;

  @ApiProperty({
    enum: ['wallet', 'session'],
    description: 'wallet: Ed25519 signature of your linked wallet over the message; session: you, signed in',
  })
  @IsIn(['wallet', 'session'])
  method: ConsentMethod;

  @ApiPropertyOptional({ description: 'wallet: the base58 address that signed' })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  address?: string;

  @ApiPropertyOptional({ description: 'wallet: base58 Ed25519 signature over the UTF-8 bytes of the message' })
  @IsOptional()
  @IsString()
  @MaxLength(128)
  signature?: string;
}

export class DeclineConsentDto {
  @ApiProperty({ example: 'That drive passes my house; I do not want it sold.' })
  @IsString()
  @MinLength(3)
  @MaxLength(2000)
  reason: string;
}

export class ConsentRequestQuery {
  @ApiPropertyOptional({ example: '2027-12-03', description: 'When the grant should end (default: one year from now)' })
  @IsOptional()
  @IsStrictDate()
  expiresAt?: string;
}
