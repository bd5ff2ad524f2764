import { Column, Entity, PrimaryColumn } from 'typeorm';
import { bigintAsNumber } from '../../database/bigint-column.js';
import type { CaptureFootprint, GnssQuality } from '../../ingestion/footprints/footprint.types.js';

/** One file of a frozen version's manifest; leaf_index is its position in the Merkle tree's leaf order. */
@Entity({ name: 'dataset_version_files' })
export class DatasetVersionFileEntity {
  @PrimaryColumn({ name: 'dataset_id', type: 'uuid' })
  datasetId: string;

  @PrimaryColumn({ type: 'integer' })
  version: number;

  @PrimaryColumn({ type: 'text' })
  path: string;

  @Column({ name: 'leaf_index', type: 'integer' })
  leafIndex: number;

  @Column({ name: 'capture_id', type: 'uuid' })
  captureId: string;

  @Column({ name: 'contributor_id', type: 'uuid' })
  contributorId: string;

  @Column({ name: 'object_key', type: 'text' })
  objectKey: string;

  @Column({ name: 'size_bytes', type: 'bigint', transformer: bigintAsNumber })
  sizeBytes: number;

  @Column({ type: 'text' })
  sha256: string;

  @Column({ type: 'text' })
  modality: string;

  @Column({ type: 'text' })
  format: string;

  @Column({ name: 'device_signature_valid', type: 'boolean', nullable: true })
  deviceSignatureValid: boolean | null;

  @Column({ type: 'jsonb' })
  metadata: Record<string, unknown>;

  /** The capture's footprint when the version was frozen (or backfilled since): derived facts, not the verified bytes. */
  @Column({ type: 'jsonb', nullable: true })
  footprint: CaptureFootprint | null;

  @Column({ name: 'footprint_reason', type: 'text', nullable: true })
  footprintReason: string | null;

  @Column({ name: 'gnss_quality', type: 'jsonb', nullable: true })
  gnssQuality: GnssQuality | null;

  @Column({ name: 'time_start', type: 'timestamptz', nullable: true })
  timeStart: Date | null;

  @Column({ name: 'time_end', type: 'timestamptz', nullable: true })
  timeEnd: Date | null;
}
