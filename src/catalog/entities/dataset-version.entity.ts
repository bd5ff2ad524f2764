import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { LicenceTerms } from '../../licensing/licence-terms.js';
import type { ContributorShare } from '../coverage.js';
import type { Declarations } from '../declarations.js';
import type { SampleFile } from '../dto/dataset.response.js';
import type { SplitPolicy } from '../split-policy.js';
import type { UnitPrices } from '../unit-prices.js';
import { bigintAsNumber } from '../../database/bigint-column.js';

/** A published, frozen version of a dataset. Rows are inserted once and only `listed` ever changes. */
@Entity({ name: 'dataset_versions' })
export class DatasetVersionEntity {
  @PrimaryColumn({ name: 'dataset_id', type: 'uuid' })
  datasetId: string;

  @PrimaryColumn({ type: 'integer' })
  version: number;

  @Column({ name: 'owner_id', type: 'uuid' })
  ownerId: string;

  @Column({ type: 'text' })
  title: string;

  @Column({ type: 'text' })
  description: string;

  @Column({ type: 'text', array: true })
  tags: string[];

  @Column({ type: 'text', array: true })
  modalities: string[];

  @Column({ type: 'text', array: true })
  networks: string[];

  @Column({ name: 'licence_template_id', type: 'uuid' })
  licenceTemplateId: string;

  @Column({ name: 'licence_slug', type: 'text' })
  licenceSlug: string;

  @Column({ name: 'licence_name', type: 'text' })
  licenceName: string;

  @Column({ name: 'licence_terms', type: 'jsonb' })
  licenceTerms: LicenceTerms;

  @Column({ name: 'licence_text', type: 'text' })
  licenceText: string;

  @Column({ type: 'boolean' })
  exclusive: boolean;

  @Column({ name: 'price_usd_cents', type: 'bigint', transformer: bigintAsNumber })
  priceUsdCents: number;

  /** Per-unit prices for slices (issue 13); null: sold whole only. */
  @Column({ name: 'unit_prices', type: 'jsonb', nullable: true })
  unitPrices: UnitPrices | null;

  @Column({ type: 'jsonb' })
  declarations: Declarations;

  @Column({ name: 'split_policy', type: 'jsonb', nullable: true })
  splitPolicy: SplitPolicy | null;

  @Column({ type: 'jsonb' })
  contributors: ContributorShare[];

  @Column({ name: 'sample_files', type: 'jsonb' })
  sampleFiles: SampleFile[];

  @Column({ name: 'min_lon', type: 'double precision', nullable: true })
  minLon: number | null;

  @Column({ name: 'min_lat', type: 'double precision', nullable: true })
  minLat: number | null;

  @Column({ name: 'max_lon', type: 'double precision', nullable: true })
  maxLon: number | null;

  @Column({ name: 'max_lat', type: 'double precision', nullable: true })
  maxLat: number | null;

  @Column({ name: 'time_start', type: 'timestamptz', nullable: true })
  timeStart: Date | null;

  @Column({ name: 'time_end', type: 'timestamptz', nullable: true })
  timeEnd: Date | null;

  @Column({ name: 'file_count', type: 'integer' })
  fileCount: number;

  @Column({ name: 'total_bytes', type: 'bigint', transformer: bigintAsNumber })
  totalBytes: number;

  @Column({ name: 'total_duration_seconds', type: 'double precision' })
  totalDurationSeconds: number;

  @Column({ name: 'total_points', type: 'bigint', transformer: bigintAsNumber })
  totalPoints: number;

  @Column({ name: 'total_messages', type: 'bigint', transformer: bigintAsNumber })
  totalMessages: number;

  @Column({ name: 'merkle_root', type: 'text' })
  merkleRoot: string;

  @Column({ type: 'boolean' })
  listed: boolean;

  @Column({ name: 'published_at', type: 'timestamptz' })
  publishedAt: Date;

  @Column({ name: 'approved_by', type: 'uuid' })
  approvedBy: string;
}
