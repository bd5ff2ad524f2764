import { Column, Entity, PrimaryColumn } from 'typeorm';
import { bigintAsNumber } from '../../database/bigint-column.js';
import type { Modality } from '../formats/probe.types.js';
import type { CaptureFootprint, GnssQuality } from '../footprints/footprint.types.js';

export type CaptureStatus = 'uploading' | 'processing' | 'ready' | 'rejected';

@Entity({ name: 'captures' })
export class CaptureEntity {
  @PrimaryColumn('uuid')
  id: string;

  @Column({ name: 'owner_id', type: 'uuid' })
  ownerId: string;

  @Column({ type: 'text' })
  status: CaptureStatus;

  @Column({ type: 'text' })
  filename: string;

  @Column({ name: 'declared_size_bytes', type: 'bigint', transformer: bigintAsNumber })
  declaredSizeBytes: number;

  @Column({ name: 'declared_sha256', type: 'text' })
  declaredSha256: string;

  @Column({ name: 'declared_modality', type: 'text', nullable: true })
  declaredModality: Modality | null;

  @Column({ name: 'captured_at', type: 'timestamptz', nullable: true })
  capturedAt: Date | null;

  @Column({ name: 'device_id', type: 'text', nullable: true })
  deviceId: string | null;

  @Column({ name: 'device_public_key', type: 'text', nullable: true })
  devicePublicKey: string | null;

  @Column({ name: 'device_signature', type: 'text', nullable: true })
  deviceSignature: string | null;

  @Column({ name: 'device_signature_valid', type: 'boolean', nullable: true })
  deviceSignatureValid: boolean | null;

  /** Where the bytes were uploaded (captures/<id>/...) or staged by a network; never served. */
  @Column({ name: 'object_key', type: 'text' })
  objectKey: string;

  /** The verified bytes, content-addressed (objects/sha256/<hex>) and written only by the marketplace; set once ready. */
  @Column({ name: 'content_key', type: 'text', nullable: true })
  contentKey: string | null;

  @Column({ name: 'upload_id', type: 'text', nullable: true })
  uploadId: string | null;

  @Column({ name: 'part_size_bytes', type: 'integer', nullable: true })
  partSizeBytes: number | null;

  @Column({ name: 'part_count', type: 'integer', nullable: true })
  partCount: number | null;

  @Column({ type: 'text', nullable: true })
  network: string | null;

  @Column({ name: 'external_id', type: 'text', nullable: true })
  externalId: string | null;

  @Column({ name: 'size_bytes', type: 'bigint', nullable: true, transformer: bigintAsNumber })
  sizeBytes: number | null;

  @Column({ type: 'text', nullable: true })
  sha256: string | null;

  @Column({ type: 'text', nullable: true })
  format: string | null;

  @Column({ type: 'text', nullable: true })
  modality: Modality | null;

  @Column({ name: 'time_start', type: 'timestamptz', nullable: true })
  timeStart: Date | null;

  @Column({ name: 'time_end', type: 'timestamptz', nullable: true })
  timeEnd: Date | null;

  @Column({ name: 'min_lon', type: 'double precision', nullable: true })
  minLon: number | null;

  @Column({ name: 'min_lat', type: 'double precision', nullable: true })
  minLat: number | null;

  @Column({ name: 'max_lon', type: 'double precision', nullable: true })
  maxLon: number | null;

  @Column({ name: 'max_lat', type: 'double precision', nullable: true })
  maxLat: number | null;

  @Column({ name: 'duration_seconds', type: 'double precision', nullable: true })
  durationSeconds: number | null;

  @Column({ name: 'point_count', type: 'bigint', nullable: true, transformer: bigintAsNumber })
  pointCount: number | null;

  @Column({ name: 'vertex_count', type: 'bigint', nullable: true, transformer: bigintAsNumber })
  vertexCount: number | null;

  @Column({ name: 'message_count', type: 'bigint', nullable: true, transformer: bigintAsNumber })
  messageCount: number | null;

  @Column({ name: 'row_count', type: 'bigint', nullable: true, transformer: bigintAsNumber })
  rowCount: number | null;

  @Column({ name: 'epoch_count', type: 'bigint', nullable: true, transformer: bigintAsNumber })
  epochCount: number | null;

  @Column({ name: 'frame_count', type: 'bigint', nullable: true, transformer: bigintAsNumber })
  frameCount: number | null;

  @Column({ name: 'fix_count', type: 'bigint', nullable: true, transformer: bigintAsNumber })
  fixCount: number | null;

  @Column({ type: 'jsonb', nullable: true })
  metadata: Record<string, unknown> | null;

  /** What the probe found inconsistent inside the readable file, one sentence each; never a reason to reject. */
  @Column({ type: 'text', array: true, default: () => "'{}'" })
  warnings: string[];

  /** Where and when the capture was (issue 12); null when the file has no position (footprintReason says why). */
  @Column({ type: 'jsonb', nullable: true })
  footprint: CaptureFootprint | null;

  @Column({ name: 'footprint_reason', type: 'text', nullable: true })
  footprintReason: string | null;

  @Column({ name: 'gnss_quality', type: 'jsonb', nullable: true })
  gnssQuality: GnssQuality | null;

  /** Which footprint extraction produced the columns above: 0 before footprints existed (the backfill re-reads those). */
  @Column({ name: 'footprint_version', type: 'smallint', default: 0 })
  footprintVersion: number;

  @Column({ name: 'rejection_code', type: 'text', nullable: true })
  rejectionCode: string | null;

  @Column({ name: 'rejection_reason', type: 'text', nullable: true })
  rejectionReason: string | null;

  @Column({ name: 'processed_at', type: 'timestamptz', nullable: true })
  processedAt: Date | null;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @Column({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
