import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { ConsentGrantFields, ConsentRecordMethod } from '../consent-grant.js';

export type ConsentRecordKind = 'grant' | 'decline' | 'withdrawal' | 'takedown';

/**
 * A grant, decline or withdrawal of one contributor for one dataset, or an admin's takedown of captures (issue 16;
 * `contributorId` is then the admin); never changed (a later record supersedes it).
 */
@Entity({ name: 'consent_records' })
export class ConsentRecordEntity {
  @PrimaryColumn('uuid')
  id: string;

  @Column({ name: 'dataset_id', type: 'uuid' })
  datasetId: string;

  @Column({ name: 'contributor_id', type: 'uuid' })
  contributorId: string;

  @Column({ type: 'text' })
  kind: ConsentRecordKind;

  @Column({ name: 'capture_ids', type: 'uuid', array: true })
  captureIds: string[];

  /**
   * A grant's signed fields; a decline's or withdrawal's `{ datasetId, contributorId, captureIds, reason, at }`; a
   * takedown's `{ datasetId, adminId, captureIds, takedownKind, reason, at }`.
   */
  @Column({ type: 'jsonb' })
  fields: ConsentGrantFields | Record<string, unknown>;

  /** `advance`: derived at clearance from an advance grant, whose hash the fields name. */
  @Column({ type: 'text', nullable: true })
  method: ConsentRecordMethod | null;

  /** Wallet address, or the contributor's user id for a session grant (of the advance grant, for a derived one). */
  @Column({ type: 'text', nullable: true })
  signer: string | null;

  @Column({ type: 'text', nullable: true })
  message: string | null;

  @Column({ type: 'text', nullable: true })
  signature: string | null;

  @Column({ type: 'text', nullable: true })
  reason: string | null;

  @Column({ name: 'expires_at', type: 'timestamptz', nullable: true })
  expiresAt: Date | null;

  @Column({ type: 'text' })
  hash: string;

  @Column({ name: 'custody_seq', type: 'integer' })
  custodySeq: number;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
