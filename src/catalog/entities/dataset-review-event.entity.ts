import { Column, Entity, PrimaryColumn } from 'typeorm';

export type ReviewAction = 'created' | 'updated' | 'submitted' | 'approved' | 'rejected' | 'changes-requested' | 'taken-down' | 'reinstated';

/** The audit log of a dataset's workflow: who did what, when, why. Append-only. */
@Entity({ name: 'dataset_review_events' })
export class DatasetReviewEventEntity {
  @PrimaryColumn('uuid')
  id: string;

  @Column({ name: 'dataset_id', type: 'uuid' })
  datasetId: string;

  @Column({ name: 'actor_id', type: 'uuid' })
  actorId: string;

  @Column({ type: 'text' })
  action: ReviewAction;

  @Column({ name: 'draft_revision', type: 'integer', nullable: true })
  draftRevision: number | null;

  @Column({ type: 'integer', nullable: true })
  version: number | null;

  @Column({ type: 'text', nullable: true })
  reason: string | null;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
