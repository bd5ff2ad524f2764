import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { LicenceTermsDto } from '../../licensing/dto/licence.dto.js';
import type { LicenceTerms } from '../../licensing/licence-terms.js';
import { DeclarationsDto, SplitPolicyDto, UnitPricesDto } from './create-dataset.dto.js';
import type { Declarations } from '../declarations.js';
import type { SplitPolicy } from '../split-policy.js';
import type { UnitPrices } from '../unit-prices.js';

/** A preview file of a published version: what it is, never where it is stored. */
export class SampleFile {
  @ApiProperty({ example: 'drives/2026-11-27/front-dashcam.mp4' }) path: string;
  @ApiProperty({ example: '52209f96-02f8-4c32-811b-d4fab64fcceb', format: 'uuid' }) captureId: string;
  @ApiProperty({ example: 'video' }) modality: string;
  @ApiProperty({ example: 'mp4' }) format: string;
  @ApiProperty({ example: 734003200 }) sizeBytes: number;
  @ApiProperty({
    example: { width: 3840, height: 2160, frameRate: 29.97, videoCodec: 'hvc1.1.6.L150', creationTime: '2026-11-27T08:15:00.000Z' },
    description: 'What the probe found: duration, resolution, point count, channels, ...',
  })
  metadata: Record<string, unknown>;
}

export class CoverageView {
  @ApiProperty({ example: ['video', 'gnss'], type: [String] }) modalities: string[];
  @ApiProperty({ example: ['dimo'], type: [String] }) networks: string[];
  @ApiPropertyOptional({
    example: [11.36, 48.06, 11.72, 48.25],
    type: [Number],
    nullable: true,
    description: '[minLon, minLat, maxLon, maxLat], WGS84',
  })
  bbox: [number, number, number, number] | null;
  @ApiPropertyOptional({ example: '2026-11-27T08:15:00.000Z', nullable: true }) timeStart: Date | null;
  @ApiPropertyOptional({ example: '2026-11-30T17:05:00.000Z', nullable: true }) timeEnd: Date | null;
  @ApiProperty({ example: 42 }) fileCount: number;
  @ApiProperty({ example: 12884901888 }) totalBytes: number;
  @ApiProperty({ example: 35100 }) totalDurationSeconds: number;
  @ApiProperty({ example: 0 }) totalPoints: number;
  @ApiProperty({ example: 0 }) totalMessages: number;
}

export class LicenceView {
  @ApiProperty({ example: 'c2eb103c-1a90-4d0c-90b1-a1c7367c5505', format: 'uuid' }) templateId: string;
  @ApiProperty({ example: 'commercial-ai-training' }) slug: string;
  @ApiProperty({ example: 'Commercial AI training' }) name: string;
  @ApiProperty({ type: LicenceTermsDto }) terms: LicenceTerms;
  @ApiPropertyOptional({
    example:
      '1. Grant. The licensor grants the licensee a worldwide, non-transferable licence to use the dataset to train, evaluate and fine-tune machine-learning models ...',
    description: "The licence's full legal text, as frozen with the version (published versions only)",
  })
  text?: string;
}

export class ContributorWeightView {
  @ApiProperty({ example: 'ddf8cd96-491c-43df-b3f5-999d0230acf8', format: 'uuid' }) contributorId: string;
  @ApiProperty({ example: 18 }) files: number;
  @ApiProperty({ example: 7516192768 }) bytes: number;
  @ApiProperty({ example: 6250, description: "This contributor's weight in basis points of the contributors' pool (rounded down)" })
  weightBps: number;
}

/** A published version as anyone may see it. */
export class DatasetVersionView {
  @ApiProperty({ example: 2 }) version: number;
  @ApiProperty({ example: 'Munich dashcam drives, winter 2026' }) title: string;
  @ApiProperty({ example: 'Front-facing 4K dashcam video with GoPro GPS tracks, recorded on urban and ring roads around Munich in November 2026.' })
  description: string;
  @ApiProperty({ example: ['dashcam', 'urban', 'winter'], type: [String] }) tags: string[];
  @ApiProperty({ type: CoverageView }) coverage: CoverageView;
  @ApiProperty({ type: LicenceView }) licence: LicenceView;
  @ApiProperty({ example: 49900 }) priceUsdCents: number;
  @ApiPropertyOptional({ type: UnitPricesDto, nullable: true, description: 'Per-unit prices of slices (USD cents); null: sold whole only' })
  unitPrices: UnitPrices | null;
  @ApiProperty({ type: DeclarationsDto }) declarations: Declarations;
  @ApiProperty({
    example: [
      'The contributor declares that they own this data or may license it.',
      'No identifiable people are in the data, as declared by the contributor.',
      'Faces and licence plates are blurred, or there are none.',
      'No restricted locations (military sites, critical infrastructure, private premises) are shown.',
    ],
    type: [String],
    description: 'The declarations in plain sentences',
  })
  declarationStatements: string[];
  @ApiProperty({ type: [SampleFile] }) sampleFiles: SampleFile[];
  @ApiProperty({ example: 3, description: 'How many contributors share the revenue' }) contributorCount: number;
  @ApiPropertyOptional({ type: [ContributorWeightView], description: 'Owner and admins only: who shares the revenue, and how' })
  contributors?: ContributorWeightView[];
  @ApiPropertyOptional({ type: SplitPolicyDto, nullable: true }) splitPolicy: SplitPolicy | null;
  @ApiProperty({ example: '5feceb66ffc86f38d952786c6d696c79c2dbc239dd4e91b46729d73a27fb57e9', description: 'Merkle root of the manifest, 64 hex' })
  merkleRoot: string;
  @ApiProperty({ example: '2026-12-02T09:14:27.512Z' }) publishedAt: Date;
}

/** The editable draft: only its owner and admins see it. */
export class DatasetDraftView {
  @ApiProperty({ enum: ['editing', 'in_review', 'changes_requested', 'rejected'] }) state: string;
  @ApiProperty({ example: 3 }) revision: number;
  @ApiProperty({ example: 'Munich dashcam drives, winter 2026' }) title: string;
  @ApiProperty({ example: 'Front-facing 4K dashcam video with GoPro GPS tracks, recorded on urban and ring roads around Munich in November 2026.' })
  description: string;
  @ApiProperty({ example: ['dashcam', 'urban', 'winter'], type: [String] }) tags: string[];
  @ApiProperty({ example: ['52209f96-02f8-4c32-811b-d4fab64fcceb', '3b1f7c52-9e0d-4a8b-b6f3-2d7e5a9c1f04'], type: [String], format: 'uuid' })
  captureIds: string[];
  @ApiProperty({ example: ['52209f96-02f8-4c32-811b-d4fab64fcceb'], type: [String], format: 'uuid' }) sampleCaptureIds: string[];
  @ApiProperty({ example: 'c2eb103c-1a90-4d0c-90b1-a1c7367c5505', format: 'uuid' }) licenceTemplateId: string;
  @ApiProperty({ type: LicenceTermsDto }) licenceTerms: LicenceTerms;
  @ApiProperty({ example: 49900 }) priceUsdCents: number;
  @ApiPropertyOptional({ type: UnitPricesDto, nullable: true, description: 'Per-unit prices of slices (USD cents); null: sold whole only' })
  unitPrices: UnitPrices | null;
  @ApiProperty({ type: DeclarationsDto }) declarations: Partial<Declarations>;
  @ApiProperty({
    example: ['identifiablePeople: declare whether people can be identified in the data'],
    type: [String],
    description: 'What still blocks submission (empty when it can be submitted)',
  })
  missingDeclarations: string[];
  @ApiPropertyOptional({
    type: [ContributorWeightView],
    description: "Single dataset reads only: each contributor's weight under the split policy, to see before agreeing",
  })
  contributors?: ContributorWeightView[];
  @ApiPropertyOptional({ type: SplitPolicyDto, nullable: true }) splitPolicy: SplitPolicy | null;
  @ApiPropertyOptional({ example: '2026-12-02T09:14:27.512Z', nullable: true }) submittedAt: Date | null;
  @ApiPropertyOptional({
    example: 'Licence plates are readable in the night drives; blur them and resubmit.',
    nullable: true,
    description: 'The reason given with the last rejection or change request',
  })
  reviewReason: string | null;
}

export class DatasetResponse {
  @ApiProperty({ example: '067e188a-4264-41b0-97a8-ecc3623f344f', format: 'uuid' }) id: string;
  @ApiProperty({ example: 'ddf8cd96-491c-43df-b3f5-999d0230acf8', format: 'uuid' }) ownerId: string;
  @ApiProperty({ enum: ['draft', 'in_review', 'changes_requested', 'rejected', 'published', 'taken_down'] }) status: string;
  @ApiPropertyOptional({ example: 2, type: Number, nullable: true }) latestVersion: number | null;
  @ApiProperty({ example: [1, 2], type: [Number], description: 'Every published version number' }) versions: number[];
  @ApiPropertyOptional({ type: DatasetVersionView, nullable: true, description: 'The latest published version' })
  published: DatasetVersionView | null;
  @ApiPropertyOptional({ type: DatasetDraftView, nullable: true, description: 'Owner and admins only: the draft, when there is one' })
  draft?: DatasetDraftView | null;
  @ApiPropertyOptional({ example: null, nullable: true }) takenDownAt?: Date | null;
  @ApiPropertyOptional({ example: null, nullable: true }) takedownReason?: string | null;
  @ApiProperty({ example: '2026-12-01T10:02:13.418Z' }) createdAt: Date;
  @ApiProperty({ example: '2026-12-02T09:14:27.512Z' }) updatedAt: Date;
}

export class DatasetListPage {
  @ApiProperty({ type: [DatasetResponse] }) items: DatasetResponse[];
  @ApiPropertyOptional({
    example: 'MjAyNi0xMi0wMlQwOToxNDoyNy41MTIzODRafDA2N2UxODhhLTQyNjQtNDFiMC05N2E4LWVjYzM2MjNmMzQ0Zg',
    type: String,
    nullable: true,
  })
  nextCursor: string | null;
}

/** One search hit: the latest listed version of a dataset. */
export class DatasetSummary {
  @ApiProperty({ example: '067e188a-4264-41b0-97a8-ecc3623f344f', format: 'uuid' }) id: string;
  @ApiProperty({ example: 2 }) version: number;
  @ApiProperty({ example: 'Munich dashcam drives, winter 2026' }) title: string;
  @ApiProperty({
    example: 'Front-facing 4K dashcam video with GoPro GPS tracks, recorded on urban and ring roads around Munich in November 2026.',
    description: 'The first 300 characters of the description',
  })
  summary: string;
  @ApiProperty({ example: ['dashcam', 'urban', 'winter'], type: [String] }) tags: string[];
  @ApiProperty({ type: CoverageView }) coverage: CoverageView;
  @ApiPropertyOptional({
    example: {
      type: 'MultiPolygon',
      coordinates: [
        [
          [
            [11.52, 48.11],
            [11.61, 48.11],
            [11.61, 48.16],
            [11.52, 48.16],
            [11.52, 48.11],
          ],
        ],
      ],
    },
    type: Object,
    nullable: true,
    description:
      'Where the captures are: a GeoJSON MultiPolygon outlining the H3 cells (res 6, ~36 km2; coarser for wide datasets) their footprints touch. Null when no capture has a position.',
  })
  footprint: { type: 'MultiPolygon'; coordinates: number[][][][] } | null;
  @ApiProperty({ example: 'commercial-ai-training' }) licenceSlug: string;
  @ApiProperty({ example: 'Commercial AI training' }) licenceName: string;
  @ApiProperty() exclusive: boolean;
  @ApiProperty({ example: 49900 }) priceUsdCents: number;
  @ApiPropertyOptional({ type: UnitPricesDto, nullable: true, description: 'Per-unit prices of slices (USD cents); null: sold whole only' })
  unitPrices: UnitPrices | null;
  @ApiProperty({ example: '2026-12-02T09:14:27.512Z' }) publishedAt: Date;
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
  @ApiPropertyOptional({
    example: 'MjAyNi0xMi0wMlQwOToxNDoyNy41MTIzODRafDA2N2UxODhhLTQyNjQtNDFiMC05N2E4LWVjYzM2MjNmMzQ0Zg',
    type: String,
    nullable: true,
  })
  nextCursor: string | null;
}
