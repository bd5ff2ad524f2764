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

/** When a signed grant was issued and ends, and its nonce: the last fields of every grant (per dataset or in advance). */
export abstract class GrantTimesDto {
  @ApiProperty({ example: '2026-12-03T01:00:00.000Z' })
  @Matches(ISO_UTC, { message: 'issuedAt must be UTC as toISOString writes it' })
  issuedAt: string;

  @ApiProperty({ example: '2027-12-03T01:00:00.000Z' })
  @Matches(ISO_UTC, { message: 'expiresAt must be UTC as toISOString writes it' })
  expiresAt: string;

  @ApiProperty({ example: 'k3Jd9sQw0pLx7Vb2Rt5Ymn' })
  @Matches(/^[A-Za-z0-9_-]{16,128}$/, { message: 'nonce must be 16-128 characters of [A-Za-z0-9_-]' })
  nonce: string;
}

/** The signed fields, exactly as GET /v1/datasets/:id/consent-request hands them out (change expiresAt if you like). */
export class ConsentGrantFieldsDto extends GrantTimesDto implements ConsentGrantFields {
  @ApiProperty({ format: 'uuid', example: '3f1c2a9e-8b7d-4c55-9a0e-2d6f1b7c9e41' }) @IsUUID() datasetId: string;
  @ApiProperty({ format: 'uuid', example: 'a7d4e2b1-5c3f-4e8a-b9d0-6f2e1c4b8a73' }) @IsUUID() contributorId: string;

  @ApiProperty({ type: [String], description: 'Your captures in the draft, sorted', example: ['0b9e4f7a-2c1d-4e6b-8a3f-5d7c9e1b2a40'] })
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

  @ApiProperty({ example: 49_900 }) @IsInt() @Min(0) @Max(Number.MAX_SAFE_INTEGER) priceUsdCents: number;
  @ApiProperty({ example: 2_500, description: 'Your share of each sale in basis points' })
  @IsInt()
  @Min(0)
  @Max(10_000)
  shareBps: number;
}

/** How a grant is signed: by the caller's linked wallet (address and signature) or by their session (neither). */
export abstract class GrantSignatureDto {
  @ApiProperty({
    enum: ['wallet', 'session'],
    description: 'wallet: Ed25519 signature of your linked wallet over the message; session: you, signed in',
  })
  @IsIn(['wallet', 'session'])
  method: ConsentMethod;

  @ApiPropertyOptional({ description: 'wallet: the base58 address that signed', example: '7xKXtg2CW87d97TXJSDpbD5jBkheTqA83TZRuJosgAsU' })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  address?: string;

  @ApiPropertyOptional({
    description: 'wallet: base58 Ed25519 signature over the UTF-8 bytes of the message',
    example: '5VERv8NMvzbJMEkV8xnrLkEaWRtSz9CosKDYjCJjBRnbJLgp8uirBgmQpjKhoR4tjF3ZpRzrFmBV6UjKdiSZkQUW',
  })
  @IsOptional()
  @IsString()
  @MaxLength(128)
  signature?: string;
}

export class GrantConsentDto extends GrantSignatureDto {
  @ApiProperty({ type: ConsentGrantFieldsDto })
  @ValidateNested()
  @Type(() => ConsentGrantFieldsDto)
  grant: ConsentGrantFieldsDto;
}

export class DeclineConsentDto {
  @ApiProperty({ example: 'That drive passes my house; I do not want it sold.' })
  @IsString()
  @MinLength(3)
  @MaxLength(2000)
  reason: string;
}

export class WithdrawConsentDto {
  @ApiPropertyOptional({
    type: [String],
    description: 'The captures to withdraw; all of yours in the dataset when omitted',
    example: ['0b9e4f7a-2c1d-4e6b-8a3f-5d7c9e1b2a40'],
  })
  @IsOptional()
  @ArrayMinSize(1)
  @ArrayMaxSize(10_000)
  @ArrayUnique()
  @IsUUID('all', { each: true })
  captureIds?: string[];

  @ApiProperty({ example: 'A face in frame 1200 is not blurred.' })
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
