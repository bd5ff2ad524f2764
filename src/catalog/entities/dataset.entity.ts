import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { LicenceTerms } from '../../licensing/licence-terms.js';
import { bigintAsNumber } from '../../database/bigint-column.js';
import type { Declarations } from '../declarations.js';
import type { SplitPolicy } from '../split-policy.js';
import type { UnitPrices } from '../unit-prices.js';

/** Where the editable draft of a dataset stands; null once the draft has been published and not edited since. */
export type DraftState = 'editing' | 'in_review' | 'changes_requested' | 'rejected';

/** A dataset: its working draft (what the owner edits and admins review) plus pointers to its published versions. */
@Entity({ name: 'datasets' })
export class DatasetEntity {
  @PrimaryColumn('uuid')
  id: string;

  @Column({ name: 'owner_id', type: 'uuid' })
  ownerId: string;

  @Column({ type: 'text' })
  title: string;

  @Column({ type: 'text' })
  description: string;

  @Column({ type: 'text', array: true })
  tags: string[];

  @Column({ name: 'capture_ids', type: 'uuid', array: true })
  captureIds: string[];

  @Column({ name: 'sample_capture_ids', type: 'uuid', array: true })
  sampleCaptureIds: string[];

  @Column({ name: 'licence_template_id', type: 'uuid' })
  licenceTemplateId: string;

  @Column({ name: 'licence_terms', type: 'jsonb' })
  licenceTerms: LicenceTerms;

  @Column({ name: 'price_usd_cents', type: 'bigint', transformer: bigintAsNumber })
  priceUsdCents: number;

  /** Per-unit prices for slices (issue 13); null: sold whole only. */
  @Column({ name: 'unit_prices', type: 'jsonb', nullable: true })
  unitPrices: UnitPrices | null;

  @Column({ type: 'jsonb' })
  declarations: Partial<Declarations>;

  @Column({ name: 'split_policy', type: 'jsonb', nullable: true })
  splitPolicy: SplitPolicy | null;

  @Column({ name: 'draft_state', type: 'text', nullable: true })
  draftState: DraftState | null;

  @Column({ name: 'draft_revision', type: 'integer' })
  draftRevision: number;

  @Column({ name: 'submitted_at', type: 'timestamptz', nullable: true })
  submittedAt: Date | null;

  @Column({ name: 'latest_version', type: 'integer', nullable: true })
  latestVersion: number | null;

  @Column({ name: 'taken_down_at', type: 'timestamptz', nullable: true })
  takenDownAt: Date | null;

  @Column({ name: 'takedown_reason', type: 'text', nullable: true })
  takedownReason: string | null;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @Column({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
