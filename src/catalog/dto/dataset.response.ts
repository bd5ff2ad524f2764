import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { LicenceTermsDto } from '../../licensing/dto/licence.dto.js';
import type { LicenceTerms } from '../../licensing/licence-terms.js';
import { DeclarationsDto, SplitPolicyDto, UnitPricesDto } from './create-dataset.dto.js';
import type { Declarations } from '../declarations.js';
import type { SplitPolicy } from '../split-policy.js';
import type { UnitPrices } from '../unit-prices.js';

/** A preview file of a published version: what it is, never where it is stored. */
export class SampleFile {
  @ApiProperty() path: string;
  @ApiProperty({ format: 'uuid' }) captureId: string;
  @ApiProperty() modality: string;
  @ApiProperty() format: string;
  @ApiProperty() sizeBytes: number;
  @ApiProperty({ description: 'What the probe found: duration, resolution, point count, channels, ...' }) metadata: Record<string, unknown>;
}

export class CoverageView {
  @ApiProperty({ type: [String] }) modalities: string[];
  @ApiProperty({ type: [String] }) networks: string[];
  @ApiPropertyOptional({ type: [Number], nullable: true, description: '[minLon, minLat, maxLon, maxLat], WGS84' }) bbox:
    [number, number, number, number] | null;
  @ApiPropertyOptional({ nullable: true }) timeStart: Date | null;
  @ApiPropertyOptional({ nullable: true }) timeEnd: Date | null;
  @ApiProperty() fileCount: number;
  @ApiProperty() totalBytes: number;
  @ApiProperty() totalDurationSeconds: number;
  @ApiProperty() totalPoints: number;
  @ApiProperty() totalMessages: number;
}

export class LicenceView {
  @ApiProperty({ format: 'uuid' }) templateId: string;
  @ApiProperty() slug: string;
  @ApiProperty() name: string;
  @ApiProperty({ type: LicenceTermsDto }) terms: LicenceTerms;
  @ApiPropertyOptional({ description: "The licence's full legal text, as frozen with the version (published versions only)" }) text?: string;
}

export class ContributorWeightView {
  @ApiProperty({ format: 'uuid' }) contributorId: string;
  @ApiProperty() files: number;
  @ApiProperty() bytes: number;
  @ApiProperty({ description: "This contributor's weight in basis points of the contributors' pool (rounded down)" }) weightBps: number;
}

/** A published version as anyone may see it. */
export class DatasetVersionView {
  @ApiProperty() version: number;
  @ApiProperty() title: string;
  @ApiProperty() description: string;
  @ApiProperty({ type: [String] }) tags: string[];
  @ApiProperty({ type: CoverageView }) coverage: CoverageView;
  @ApiProperty({ type: LicenceView }) licence: LicenceView;
  @ApiProperty() priceUsdCents: number;
  @ApiPropertyOptional({ type: UnitPricesDto, nullable: true, description: 'Per-unit prices of slices (USD cents); null: sold whole only' })
  unitPrices: UnitPrices | null;
  @ApiProperty({ type: DeclarationsDto }) declarations: Declarations;
  @ApiProperty({ type: [String], description: 'The declarations in plain sentences' }) declarationStatements: string[];
  @ApiProperty({ type: [SampleFile] }) sampleFiles: SampleFile[];
  @ApiProperty({ description: 'How many contributors share the revenue' }) contributorCount: number;
  @ApiPropertyOptional({ type: [ContributorWeightView], description: 'Owner and admins only: who shares the revenue, and how' })
  contributors?: ContributorWeightView[];
  @ApiPropertyOptional({ type: SplitPolicyDto, nullable: true }) splitPolicy: SplitPolicy | null;
  @ApiProperty({ description: 'Merkle root of the manifest, 64 hex' }) merkleRoot: string;
  @ApiProperty() publishedAt: Date;
}

/** The editable draft: only its owner and admins see it. */
export class DatasetDraftView {
  @ApiProperty({ enum: ['editing', 'in_review', 'changes_requested', 'rejected'] }) state: string;
  @ApiProperty() revision: number;
  @ApiProperty() title: string;
  @ApiProperty() description: string;
  @ApiProperty({ type: [String] }) tags: string[];
  @ApiProperty({ type: [String], format: 'uuid' }) captureIds: string[];
  @ApiProperty({ type: [String], format: 'uuid' }) sampleCaptureIds: string[];
  @ApiProperty({ format: 'uuid' }) licenceTemplateId: string;
  @ApiProperty({ type: LicenceTermsDto }) licenceTerms: LicenceTerms;
  @ApiProperty() priceUsdCents: number;
  @ApiPropertyOptional({ type: UnitPricesDto, nullable: true, description: 'Per-unit prices of slices (USD cents); null: sold whole only' })
  unitPrices: UnitPrices | null;
  @ApiProperty({ type: DeclarationsDto }) declarations: Partial<Declarations>;
  @ApiProperty({ type: [String], description: 'What still blocks submission (empty when it can be submitted)' }) missingDeclarations: string[];
  @ApiPropertyOptional({
    type: [ContributorWeightView],
    description: "Single dataset reads only: each contributor's weight under the split policy, to see before agreeing",
  })
  contributors?: ContributorWeightView[];
  @ApiPropertyOptional({ type: SplitPolicyDto, nullable: true }) splitPolicy: SplitPolicy | null;
  @ApiPropertyOptional({ nullable: true }) submittedAt: Date | null;
  @ApiPropertyOptional({ nullable: true, description: 'The reason given with the last rejection or change request' }) reviewReason: string | null;
}

export class DatasetResponse {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid' }) ownerId: string;
  @ApiProperty({ enum: ['draft', 'in_review', 'changes_requested', 'rejected', 'published', 'taken_down'] }) status: string;
  @ApiPropertyOptional({ type: Number, nullable: true }) latestVersion: number | null;
  @ApiProperty({ type: [Number], description: 'Every published version number' }) versions: number[];
  @ApiPropertyOptional({ type: DatasetVersionView, nullable: true, description: 'The latest published version' })
  published: DatasetVersionView | null;
  @ApiPropertyOptional({ type: DatasetDraftView, nullable: true, description: 'Owner and admins only: the draft, when there is one' })
  draft?: DatasetDraftView | null;
  @ApiPropertyOptional({ nullable: true }) takenDownAt?: Date | null;
  @ApiPropertyOptional({ nullable: true }) takedownReason?: string | null;
  @ApiProperty() createdAt: Date;
  @ApiProperty() updatedAt: Date;
}

export class DatasetListPage {
  @ApiProperty({ type: [DatasetResponse] }) items: DatasetResponse[];
  @ApiPropertyOptional({ type: String, nullable: true }) nextCursor: string | null;
}

/** One search hit: the latest listed version of a dataset. */
export class DatasetSummary {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() version: number;
  @ApiProperty() title: string;
  @ApiProperty({ description: 'The first 300 characters of the description' }) summary: string;
  @ApiProperty({ type: [String] }) tags: string[];
  @ApiProperty({ type: CoverageView }) coverage: CoverageView;
  @ApiPropertyOptional({
    type: Object,
    nullable: true,
    description:
      'Where the captures are: a GeoJSON MultiPolygon outlining the H3 cells (res 6, ~36 km2; coarser for wide datasets) their footprints touch. Null when no capture has a position.',
  })
  footprint: { type: 'MultiPolygon'; coordinates: number[][][][] } | null;
  @ApiProperty() licenceSlug: string;
  @ApiProperty() licenceName: string;
  @ApiProperty() exclusive: boolean;
  @ApiProperty() priceUsdCents: number;
  @ApiPropertyOptional({ type: UnitPricesDto, nullable: true, description: 'Per-unit prices of slices (USD cents); null: sold whole only' })
  unitPrices: UnitPrices | null;
  @ApiProperty() publishedAt: Date;
  @ApiPropertyOptional({
    type: Number,
    nullable: true,
    enum: [3, 2, 1],
    description: 'When searching with q, where the text matched: 3 the title alone, 2 title and tags, 1 the description too',
  })
  relevance: number | null;
}

export class DatasetSearchPage {
  @ApiProperty({ type: [DatasetSummary] }) items: DatasetSummary[];
  @ApiPropertyOptional({ type: String, nullable: true }) nextCursor: string | null;
}
