import type { BBox, Modality } from '../formats/probe.types.js';
import type { CaptureStatus } from '../entities/capture.entity.js';
import type { CaptureCounts } from './capture-counts.js';
import type { CaptureFootprint, GnssQuality } from '../footprints/footprint.types.js';

/** A capture as other modules see it (the catalog freezes these into dataset versions); never the entity. */
export interface CaptureSnapshot {
  id: string;
  ownerId: string;
  status: CaptureStatus;
  filename: string;
  network: string | null;
  /** The verified, content-addressed object (objects/sha256/<hex>); null until the capture is ready and copied there. */
  objectKey: string | null;
  sizeBytes: number | null;
  sha256: string | null;
  format: string | null;
  modality: Modality | null;
  timeStart: Date | null;
  timeEnd: Date | null;
  bbox: BBox | null;
  durationSeconds: number | null;
  counts: CaptureCounts;
  metadata: Record<string, unknown>;
  /** Inconsistencies the probe found inside the readable file, one sentence each. */
  warnings: string[];
  /** Where and when the capture was; null with footprintReason when it has no position. */
  footprint: CaptureFootprint | null;
  footprintReason: string | null;
  gnssQuality: GnssQuality | null;
  deviceId: string | null;
  devicePublicKey: string | null;
  deviceSignatureValid: boolean | null;
  rejectionReason: string | null;
}
