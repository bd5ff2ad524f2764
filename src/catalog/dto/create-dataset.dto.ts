import { ApiProperty, ApiPropertyOptional, PartialType } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  ArrayUnique,
  IsBoolean,
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
import { LicenceTermsDto } from '../../licensing/dto/licence.dto.js';
import type { Declarations } from '../declarations.js';
import type { SplitPolicy } from '../split-policy.js';
import type { UnitPrices } from '../unit-prices.js';

/** A version holds at most this many files: enough for large drives, small enough to publish in one transaction. */
export const MAX_DATASET_FILES = 10_000;
export const MAX_SAMPLE_FILES = 5;
/** $10,000,000: a typo guard, not a business rule. */
export const MAX_PRICE_USD_CENTS = 1_000_000_000;

export class DeclarationsDto implements Partial<Declarations> {
  @ApiPropertyOptional({ description: 'You own the data or may license it (must be true to submit)' })
  @IsOptional()
  @IsBoolean()
  ownsRights?: boolean;

  @ApiPropertyOptional({ description: 'People can be identified in the data' })
  @IsOptional()
  @IsBoolean()
  identifiablePeople?: boolean;

  @ApiPropertyOptional({ description: 'Consent obtained from identifiable people (required when identifiablePeople)' })
  @IsOptional()
  @IsBoolean()
  consentObtained?: boolean;

  @ApiPropertyOptional({ description: 'Faces and licence plates are blurred' })
  @IsOptional()
  @IsBoolean()
  piiRedacted?: boolean;

  @ApiPropertyOptional({ description: 'Restricted locations (military sites, critical infrastructure, private premises) are shown' })
  @IsOptional()
  @IsBoolean()
  restrictedLocations?: boolean;

  @ApiPropertyOptional({
    example: 'No military sites or airports; faces and plates are blurred.',
    description: 'Which restricted locations and why they may be shown (required when restrictedLocations)',
  })
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  restrictedLocationsNote?: string;
}

export class ExplicitShareDto {
  @ApiProperty({ example: '0b7a8f52-3c1e-4d6f-9a21-5e8c7d4b2f10', format: 'uuid' })
  @IsUUID()
  contributorId: string;

  @ApiProperty({ example: 2500, minimum: 1, maximum: 10_000 })
  @IsInt()
  @Min(1)
  @Max(10_000)
  bps: number;
}

export class SplitPolicyDto implements SplitPolicy {
  @ApiProperty({ enum: ['bytes', 'duration', 'messages', 'explicit'], description: 'What each contributor is weighted by' })
  @IsIn(['bytes', 'duration', 'messages', 'explicit'])
  weighting: SplitPolicy['weighting'];

  @ApiProperty({ example: 1000, minimum: 0, maximum: 10_000, description: "The dataset owner's curator share of the net revenue, in basis points" })
  @IsInt()
  @Min(0)
  @Max(10_000)
  curatorBps: number;

  @ApiPropertyOptional({ type: [ExplicitShareDto], description: 'Only with weighting explicit; must add up to 10000' })
  @IsOptional()
  @ArrayMaxSize(MAX_DATASET_FILES)
  @ValidateNested({ each: true })
  @Type(() => ExplicitShareDto)
  explicitBps?: ExplicitShareDto[];
}

/** $100,000 per km, hour or GB: a typo guard, like MAX_PRICE_USD_CENTS. */
export const MAX_UNIT_PRICE_USD_CENTS = 10_000_000;

/** Per-unit prices in USD cents; at least one rate when given, the minimum only with a rate (checked by the draft service). */
export class UnitPricesDto implements UnitPrices {
  @ApiPropertyOptional({ example: 150, minimum: 0, maximum: MAX_UNIT_PRICE_USD_CENTS, description: 'Per km of track (geodesic length)' })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(MAX_UNIT_PRICE_USD_CENTS)
  perKmUsdCents?: number;

  @ApiPropertyOptional({ example: 2000, minimum: 0, maximum: MAX_UNIT_PRICE_USD_CENTS, description: 'Per hour of recording' })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(MAX_UNIT_PRICE_USD_CENTS)
  perHourUsdCents?: number;

  @ApiPropertyOptional({ example: 500, minimum: 0, maximum: MAX_UNIT_PRICE_USD_CENTS, description: 'Per GB (10^9 bytes)' })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(MAX_UNIT_PRICE_USD_CENTS)
  perGbUsdCents?: number;

  @ApiPropertyOptional({ example: 1000, minimum: 0, maximum: MAX_PRICE_USD_CENTS, description: 'The least a slice costs' })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(MAX_PRICE_USD_CENTS)
  minimumUsdCents?: number;
}

export class CreateDatasetDto {
  @ApiProperty({ example: 'Munich ring road, dashcam + LiDAR, winter 2026' })
  @IsString()
  @MinLength(3)
  @MaxLength(200)
  title: string;

  @ApiProperty({ example: 'Forty hours of dashcam video with GNSS from Munich ring roads, recorded in May 2026.' })
  @IsString()
  @MaxLength(20_000)
  description: string;

  @ApiPropertyOptional({ example: ['dashcam', 'winter', 'urban'] })
  @IsOptional()
  @ArrayMaxSize(30)
  @ArrayUnique()
  @Matches(/^[a-z0-9][a-z0-9 _-]{0,39}$/, { each: true, message: 'tags are 1-40 lowercase letters, digits, spaces, dashes or underscores' })
  tags?: string[];

  @ApiProperty({
    example: ['5f2c9a1b-8d3e-4f60-9b7a-2c1d0e4f8a93'],
    type: [String],
    format: 'uuid',
    description: `Ready captures, 1-${MAX_DATASET_FILES}`,
  })
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_DATASET_FILES)
  @ArrayUnique()
  @IsUUID('all', { each: true })
  captureIds: string[];

  @ApiPropertyOptional({
    example: ['5f2c9a1b-8d3e-4f60-9b7a-2c1d0e4f8a93'],
    type: [String],
    format: 'uuid',
    description: `Up to ${MAX_SAMPLE_FILES} of captureIds shown as previews`,
  })
  @IsOptional()
  @ArrayMaxSize(MAX_SAMPLE_FILES)
  @ArrayUnique()
  @IsUUID('all', { each: true })
  sampleCaptureIds?: string[];

  @ApiProperty({ example: '0b7a8f52-3c1e-4d6f-9a21-5e8c7d4b2f10', format: 'uuid' })
  @IsUUID()
  licenceTemplateId: string;

  @ApiPropertyOptional({ type: LicenceTermsDto, description: "Narrows the template's terms; may never widen them" })
  @IsOptional()
  @ValidateNested()
  @Type(() => LicenceTermsDto)
  licenceTerms?: LicenceTermsDto;

  @ApiProperty({ example: 250000, minimum: 100, maximum: MAX_PRICE_USD_CENTS })
  @IsInt()
  @Min(100)
  @Max(MAX_PRICE_USD_CENTS)
  priceUsdCents: number;

  @ApiPropertyOptional({
    type: UnitPricesDto,
    nullable: true,
    description:
      'Beside the whole price: what a slice (area x window x sensors) costs per km / hour / GB, with a minimum. Not with an exclusive licence. null removes them.',
  })
  @IsOptional()
  @ValidateNested()
  @Type(() => UnitPricesDto)
  unitPrices?: UnitPricesDto | null;

  @ApiProperty({ type: DeclarationsDto, description: 'May be partial in a draft; complete to submit' })
  @ValidateNested()
  @Type(() => DeclarationsDto)
  declarations: DeclarationsDto;

  @ApiPropertyOptional({ type: SplitPolicyDto, description: 'Defaults to weighting by bytes, no curator share' })
  @IsOptional()
  @ValidateNested()
  @Type(() => SplitPolicyDto)
  splitPolicy?: SplitPolicyDto;
}

export class UpdateDatasetDto extends PartialType(CreateDatasetDto) {}

export class ReasonDto {
  @ApiProperty({ example: 'Faces are visible in frames 120-180 of drive-03.mp4' })
  @IsString()
  @MinLength(3)
  @MaxLength(2000)
  reason: string;
}

export class ApproveDto {
  @ApiPropertyOptional({ example: 'Declarations checked against the samples.', description: 'Recorded in the audit log' })
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  note?: string;
}
