import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsBoolean,
  IsInt,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
  ValidateIf,
  ValidateNested,
} from 'class-validator';
import type { LicenceTemplateEntity } from '../entities/licence-template.entity.js';
import type { LicenceTerms } from '../licence-terms.js';

export class PermittedUsesDto {
  @ApiProperty() @IsBoolean() aiTraining: boolean;
  @ApiProperty() @IsBoolean() evaluation: boolean;
  @ApiProperty() @IsBoolean() commercialUse: boolean;
  @ApiProperty() @IsBoolean() redistribution: boolean;
  @ApiProperty() @IsBoolean() derivativeMaps: boolean;
}

export class LicenceTermsDto implements LicenceTerms {
  @ApiProperty({ type: PermittedUsesDto })
  @ValidateNested()
  @Type(() => PermittedUsesDto)
  permittedUses: PermittedUsesDto;

  @ApiProperty()
  @IsBoolean()
  attributionRequired: boolean;

  @ApiProperty({ example: ['WORLD'], description: "ISO 3166-1 alpha-2 country codes, or ['WORLD']" })
  @ArrayMinSize(1)
  @ArrayMaxSize(250)
  @Matches(/^([A-Z]{2}|WORLD)$/, { each: true, message: 'territory must hold ISO 3166-1 alpha-2 codes or WORLD' })
  territory: string[];

  @ApiPropertyOptional({ example: 12, type: Number, nullable: true, description: 'null is perpetual' })
  @ValidateIf((_, value) => value !== null)
  @IsInt()
  @Min(1)
  @Max(1200)
  termMonths: number | null;

  @ApiProperty()
  @IsBoolean()
  exclusive: boolean;

  @ApiPropertyOptional({ example: 10, type: Number, nullable: true, description: 'null is unlimited' })
  @ValidateIf((_, value) => value !== null)
  @IsInt()
  @Min(1)
  @Max(1_000_000)
  maxSeats: number | null;

  @ApiPropertyOptional({
    example: false,
    description:
      "Whether a contributor's withdrawal of consent ends the buyer's right to the withdrawn files (downloads stop, the certificate is reissued without them). A new template without it: false. A dataset's narrowing without it: the template's; a narrowing may switch it on, never off",
  })
  @IsOptional()
  @IsBoolean()
  revocableOnWithdrawal?: boolean;
}

export class CreateLicenceTemplateDto {
  @ApiProperty({ example: 'mapping-only' })
  @Matches(/^[a-z0-9][a-z0-9-]{1,62}$/, { message: 'slug must be 2-63 lowercase letters, digits or dashes' })
  slug: string;

  @ApiProperty({ example: 'Mapping only' })
  @IsString()
  @MinLength(1)
  @MaxLength(120)
  name: string;

  @ApiProperty({ type: LicenceTermsDto })
  @ValidateNested()
  @Type(() => LicenceTermsDto)
  terms: LicenceTermsDto;

  @ApiProperty({
    example: 'The licensor grants the licensee a non-exclusive licence to use the dataset to train and evaluate AI models...',
    description: 'The full legal text buyers accept',
  })
  @IsString()
  @MinLength(20)
  @MaxLength(100_000)
  text: string;
}

export class LicenceTemplateResponse {
  @ApiProperty({ example: 'c2eb103c-1a90-4d0c-90b1-a1c7367c5505', format: 'uuid' })
  id: string;

  @ApiProperty({ example: 'commercial-ai-training' })
  slug: string;

  @ApiProperty({ example: 'Commercial AI training' })
  name: string;

  @ApiProperty({ type: LicenceTermsDto })
  terms: LicenceTerms;

  @ApiProperty({
    example:
      '1. Grant. The licensor grants the licensee a worldwide, non-transferable licence to use the dataset to train, evaluate and fine-tune machine-learning models ...',
  })
  text: string;

  static from(template: LicenceTemplateEntity): LicenceTemplateResponse {
    const { id, slug, name, terms } = template;
    return Object.assign(new LicenceTemplateResponse(), { id, slug, name, terms, text: template.fullText });
  }
}
