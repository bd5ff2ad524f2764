import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import type { CaptureEntity, CaptureStatus } from '../entities/capture.entity.js';
import type { BBox, Modality } from '../formats/probe.types.js';
import { CaptureCounts } from './capture-counts.js';
import type { CaptureFootprint, FootprintGeometry, GnssQuality } from '../footprints/footprint.types.js';

/** A capture's footprint as the API shows it: the map geometry and its facts, with the cell count (the cells are in the dataset coverage). */
export class FootprintView {
  @ApiProperty({ enum: ['track', 'point', 'polygon'] }) kind: CaptureFootprint['kind'];
  @ApiProperty({ type: Object, description: 'GeoJSON geometry for maps (WGS84, at most 500 vertices)' }) geometry: FootprintGeometry;
  @ApiProperty({ type: [Number] }) bbox: [number, number, number, number];
  @ApiProperty({ description: 'Geodesic length of the track, km' }) lengthKm: number;
  @ApiProperty({ description: 'Area of the H3 cells touched, km2' }) areaKm2: number;
  @ApiPropertyOptional({ nullable: true }) start: string | null;
  @ApiPropertyOptional({ nullable: true }) end: string | null;
  @ApiProperty({ description: 'Positions kept' }) positions: number;
  @ApiProperty({ type: Object, description: 'Positions dropped: invalid, at (0, 0), impossible jumps' }) dropped: CaptureFootprint['dropped'];
  @ApiProperty() h3Resolution: number;
  @ApiProperty({ description: 'H3 cells touched' }) cells: number;
  @ApiProperty() source: string;

  static from(fp: CaptureFootprint): FootprintView {
    const { cells, ...rest } = fp;
    return Object.assign(new FootprintView(), { ...rest, cells: cells.length });
  }
}

export class CaptureRejectionResponse {
  @ApiProperty({ example: 'checksum_mismatch' })
  code: string;

  @ApiProperty()
  reason: string;
}

export class CaptureResponse {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ enum: ['uploading', 'processing', 'ready', 'rejected'] })
  status: CaptureStatus;

  @ApiProperty()
  filename: string;

  @ApiProperty({ description: 'Declared size, verified once ready' })
  sizeBytes: number;

  @ApiProperty({ description: 'Declared SHA-256, verified once ready' })
  sha256: string;

  @ApiProperty({ type: String, nullable: true, description: 'Detected from the bytes: video, pointcloud, mesh, telemetry, gnss or imagery' })
  modality: Modality | null;

  @ApiProperty({ type: String, nullable: true, example: 'mp4' })
  format: string | null;

  @ApiProperty({ type: Date, nullable: true })
  capturedAt: Date | null;

  @ApiProperty({ type: String, nullable: true })
  deviceId: string | null;

  @ApiProperty({ type: Boolean, nullable: true, description: 'Whether the device signature over sha256 verified; null when none was given' })
  deviceSignatureValid: boolean | null;

  @ApiProperty({ type: String, nullable: true, description: 'Network that pushed it, if any' })
  network: string | null;

  @ApiProperty({ type: String, nullable: true })
  externalId: string | null;

  @ApiPropertyOptional({ type: Object, nullable: true, example: { start: '2026-11-27T08:15:00.000Z', end: '2026-11-27T08:45:00.000Z' } })
  timeRange: { start: Date; end: Date } | null;

  @ApiPropertyOptional({ type: [Number], nullable: true, description: '[minLon, minLat, maxLon, maxLat], WGS84' })
  bbox: BBox | null;

  @ApiProperty({ type: Number, nullable: true })
  durationSeconds: number | null;

  @ApiProperty({ type: CaptureCounts, description: 'What the file holds, counted in its format units (null where the format has none)' })
  counts: CaptureCounts;

  @ApiProperty({ type: Object, nullable: true, description: 'Format-specific facts' })
  metadata: Record<string, unknown> | null;

  @ApiProperty({
    type: [String],
    description: 'Inconsistencies found inside the readable file (a header claim the body contradicts, ...), one sentence each; they never reject it',
  })
  warnings: string[];

  @ApiPropertyOptional({
    type: FootprintView,
    nullable: true,
    description: 'Where and when the capture was; null with footprintReason when it has no position',
  })
  footprint: FootprintView | null;

  @ApiPropertyOptional({ type: String, nullable: true }) footprintReason: string | null;

  @ApiPropertyOptional({
    type: Object,
    nullable: true,
    description: 'GNSS fix quality (shares of RTK fixed / float / DGPS / 3D / 2D, median HDOP and satellites)',
  })
  gnssQuality: GnssQuality | null;

  @ApiProperty({ type: CaptureRejectionResponse, nullable: true })
  rejection: CaptureRejectionResponse | null;

  @ApiProperty()
  createdAt: Date;

  @ApiProperty({ type: Date, nullable: true })
  processedAt: Date | null;

  static from(c: CaptureEntity): CaptureResponse {
    const hasBox = c.minLon !== null && c.minLat !== null && c.maxLon !== null && c.maxLat !== null;
    return Object.assign(new CaptureResponse(), {
      id: c.id,
      status: c.status,
      filename: c.filename,
      sizeBytes: c.declaredSizeBytes,
      sha256: c.declaredSha256,
      modality: c.modality,
      format: c.format,
      capturedAt: c.capturedAt,
      deviceId: c.deviceId,
      deviceSignatureValid: c.deviceSignatureValid,
      network: c.network,
      externalId: c.externalId,
      timeRange: c.timeStart && c.timeEnd ? { start: c.timeStart, end: c.timeEnd } : null,
      bbox: hasBox ? ([c.minLon, c.minLat, c.maxLon, c.maxLat] as BBox) : null,
      durationSeconds: c.durationSeconds,
      counts: CaptureCounts.from(c),
      metadata: c.metadata,
      warnings: c.warnings,
      footprint: c.footprint ? FootprintView.from(c.footprint) : null,
      footprintReason: c.footprintReason,
      gnssQuality: c.gnssQuality,
      rejection: c.rejectionCode ? Object.assign(new CaptureRejectionResponse(), { code: c.rejectionCode, reason: c.rejectionReason ?? '' }) : null,
      createdAt: c.createdAt,
      processedAt: c.processedAt,
    });
  }
}

export class UploadPartUrl {
  @ApiProperty()
  partNumber: number;

  @ApiProperty({ description: 'PUT the part bytes here; keep the ETag response header' })
  url: string;
}

export class CaptureUploadResponse {
  @ApiProperty({ description: 'Every part but the last has exactly this size' })
  partSizeBytes: number;

  @ApiProperty({ type: [UploadPartUrl] })
  parts: UploadPartUrl[];

  @ApiProperty({ description: 'POST {parts: [{partNumber, etag}]} here when every part is uploaded' })
  completeUrl: string;

  @ApiProperty()
  expiresAt: Date;
}

export class CreatedCaptureResponse extends CaptureResponse {
  @ApiProperty({ type: CaptureUploadResponse })
  upload: CaptureUploadResponse;
}

export class CapturePageResponse {
  @ApiProperty({ type: [CaptureResponse] })
  items: CaptureResponse[];

  @ApiProperty({ type: String, nullable: true })
  nextCursor: string | null;
}
