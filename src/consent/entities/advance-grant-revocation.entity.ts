import { Column, Entity, PrimaryColumn } from 'typeorm';

/** The revocation of one advance grant: drafts not yet cleared stop counting on it; never changed. */
@Entity({ name: 'advance_grant_revocations' })
export class AdvanceGrantRevocationEntity {
  @PrimaryColumn('uuid')
  id: string;

  @Column({ name: 'grant_id', type: 'uuid' })
  grantId: string;

  @Column({ name: 'contributor_id', type: 'uuid' })
  contributorId: string;

  @Column({ type: 'text', nullable: true })
  reason: string | null;

  @Column({ type: 'text' })
  hash: string;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
