import { Column, Entity, PrimaryColumn } from 'typeorm';
import { bigintAsNumber } from '../../database/bigint-column.js';
import type { AnchorStatus } from '../dto/anchor-view.js';

/** The outbox row of one dataset version's on-chain anchor. */
@Entity({ name: 'provenance_anchors' })
export class AnchorEntity {
  @PrimaryColumn('uuid')
  id: string;

  @Column({ name: 'dataset_id', type: 'uuid' })
  datasetId: string;

  @Column({ type: 'integer' })
  version: number;

  @Column({ name: 'merkle_root', type: 'text' })
  merkleRoot: string;

  /** The exact memo text recorded on-chain (formatMemoRecord), fixed when the anchor is requested. */
  @Column({ type: 'text' })
  memo: string;

  /** Base58 of 32 random bytes, attached to the memo transaction so that it can be found again. */
  @Column({ type: 'text' })
  reference: string;

  @Column({ name: 'requested_by', type: 'text' })
  requestedBy: string;

  @Column({ type: 'text' })
  status: AnchorStatus;

  @Column({ type: 'text', nullable: true })
  cluster: string | null;

  @Column({ type: 'text', nullable: true })
  signature: string | null;

  @Column({ type: 'bigint', nullable: true, transformer: bigintAsNumber })
  slot: number | null;

  @Column({ name: 'confirmed_at', type: 'timestamptz', nullable: true })
  confirmedAt: Date | null;

  @Column({ type: 'integer' })
  attempts: number;

  @Column({ name: 'last_error', type: 'text', nullable: true })
  lastError: string | null;

  @Column({ name: 'last_sent_at', type: 'timestamptz', nullable: true })
  lastSentAt: Date | null;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @Column({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
