import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { EXAMPLE_TRACK } from '../../common/openapi-examples.js';
import type { CaptureEntity, CaptureStatus } from '../entities/capture.entity.js';
import type { BBox, Modality } from '../formats/probe.types.js';
import { CaptureCounts } from './capture-counts.js';
import type { CaptureFootprint, FootprintGeometry, GnssQuality } from '../footprints/footprint.types.js';

/** A capture's footprint as the API shows it: the map geometry and its facts, with the cell count (the cells are in the dataset coverage). */
export class FootprintView {
  @ApiProperty({ enum: ['track', 'point', 'polygon'] }) kind: CaptureFootprint['kind'];
  @ApiProperty({
    example: EXAMPLE_TRACK,
    type: Object,
    description: 'GeoJSON geometry for maps (WGS84, at most 500 vertices)',
  })
  geometry: FootprintGeometry;
  @ApiProperty({ example: [11.52, 48.11, 11.61, 48.16], type: [Number] }) bbox: [number, number, number, number];
  @ApiProperty({ example: 12.7, description: 'Geodesic length of the track, km' }) lengthKm: number;
  @ApiProperty({ example: 3.4, description: 'Area of the H3 cells touched, km2' }) areaKm2: number;
  @ApiPropertyOptional({ example: '2026-11-27T08:15:00.000Z', nullable: true }) start: string | null;
  @ApiPropertyOptional({ example: '2026-11-27T08:45:00.000Z', nullable: true }) end: string | null;
  @ApiProperty({ example: 1800, description: 'Positions kept' }) positions: number;
  @ApiProperty({
    example: { invalid: 0, nullIsland: 2, jumps: 1 },
    type: Object,
    description: 'Positions dropped: invalid, at (0, 0), impossible jumps',
  })
  dropped: CaptureFootprint['dropped'];
  @ApiProperty({ example: 8 }) h3Resolution: number;
  @ApiProperty({ example: 5, description: 'H3 cells touched' }) cells: number;
  @ApiProperty({ example: 'GoPro GPMF GPS5' }) source: string;

  static from(fp: CaptureFootprint): FootprintView {
    const { cells, ...rest } = fp;
    return Object.assign(new FootprintView(), { ...rest, cells: cells.length });
  }
}

export class CaptureRejectionResponse {
  @ApiProperty({ example: 'checksum_mismatch' })
  code: string;

  @ApiProperty({ example: 'the uploaded bytes do not hash to the declared sha256' })
  reason: string;
}

export class CaptureResponse {
  @ApiProperty({ example: '52209f96-02f8-4c32-811b-d4fab64fcceb', format: 'uuid' })
  id: string;

  @ApiProperty({ enum: ['uploading', 'processing', 'ready', 'rejected'] })
  status: CaptureStatus;

  @ApiProperty({ example: 'front-dashcam.mp4' })
  filename: string;

  @ApiProperty({ example: 734003200, description: 'Declared size, verified once ready' })
  sizeBytes: number;

  @ApiProperty({ example: '6b86b273ff34fce19d6b804eff5a3f5747ada4eaa22f1d49c01e52ddb7875b4b', description: 'Declared SHA-256, verified once ready' })
  sha256: string;

  @ApiProperty({
    example: 'video',
    type: String,
    nullable: true,
    description: 'Detected from the bytes: video, pointcloud, mesh, telemetry, gnss or imagery',
  })
  modality: Modality | null;

  @ApiProperty({ type: String, nullable: true, example: 'mp4' })
  format: string | null;

  @ApiProperty({ example: '2026-11-27T08:15:00.000Z', type: Date, nullable: true })
  capturedAt: Date | null;

  @ApiProperty({ example: 'gopro-hero12-c3441324', type: String, nullable: true })
  deviceId: string | null;

  @ApiProperty({ type: Boolean, nullable: true, description: 'Whether the device signature over sha256 verified; null when none was given' })
  deviceSignatureValid: boolean | null;

  @ApiProperty({ example: 'dimo', type: String, nullable: true, description: 'Network that pushed it, if any' })
  network: string | null;

  @ApiProperty({ example: 'dimo-trip-0001', type: String, nullable: true })
  externalId: string | null;

  @ApiPropertyOptional({ type: Object, nullable: true, example: { start: '2026-11-27T08:15:00.000Z', end: '2026-11-27T08:45:00.000Z' } })
  timeRange: { start: Date; end: Date } | null;

  @ApiPropertyOptional({
    example: [11.52, 48.11, 11.61, 48.16],
    type: [Number],
    nullable: true,
    description: '[minLon, minLat, maxLon, maxLat], WGS84',
  })
  bbox: BBox | null;

  @ApiProperty({ example: 1800, type: Number, nullable: true })
  durationSeconds: number | null;

  @ApiProperty({ type: CaptureCounts, description: 'What the file holds, counted in its format units (null where the format has none)' })
  counts: CaptureCounts;

  @ApiProperty({
    example: {
      brand: 'mp41',
      compatibleBrands: ['mp41'],
      topLevelBoxes: ['ftyp', 'mdat', 'moov'],
      mdatBoxes: 1,
      fragmented: false,
      hasVideo: true,
      creationTime: '2026-11-27T08:15:00.000Z',
      tracks: [{ handler: 'vide', codec: 'hvc1.1.6.L150', width: 3840, height: 2160, frameRate: 29.97, sampleCount: 53946 }],
      width: 3840,
      height: 2160,
      frameRate: 29.97,
      videoCodec: 'hvc1.1.6.L150',
      gps: { source: 'GPS5', points: 1800, rejected: 0, altitude: 'ellipsoid' },
    },
    type: Object,
    nullable: true,
    description: 'Format-specific facts',
  })
  metadata: Record<string, unknown> | null;

  @ApiProperty({
    example: ['the GPS track stops 40 s before the video ends'],
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

  @ApiPropertyOptional({ example: null, type: String, nullable: true }) footprintReason: string | null;

  @ApiPropertyOptional({
    example: { epochs: 1800, rtkFixed: 0, rtkFloat: 0, dgps: 0, fix3d: 0.98, fix2d: 0.02, noFix: 0, medianHdop: 0.9, medianSatellites: 11 },
    type: Object,
    nullable: true,
    description: 'GNSS fix quality (shares of RTK fixed / float / DGPS / 3D / 2D, median HDOP and satellites)',
  })
  gnssQuality: GnssQuality | null;

  @ApiProperty({ type: CaptureRejectionResponse, nullable: true })
  rejection: CaptureRejectionResponse | null;

  @ApiProperty({ example: '2026-12-01T10:02:13.418Z' })
  createdAt: Date;

  @ApiProperty({ example: '2026-12-01T10:04:51.090Z', type: Date, nullable: true })
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
  @ApiProperty({ example: 1 })
  partNumber: number;

  @ApiProperty({
    example:
      'https://storage.example.com/uploads/52209f96-02f8-4c32-811b-d4fab64fcceb?partNumber=1&uploadId=2~aX9f&X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Signature=8b2e1f',
    description: 'PUT the part bytes here; keep the ETag response header',
  })
  url: string;
}

export class CaptureUploadResponse {
  @ApiProperty({ example: 67108864, description: 'Every part but the last has exactly this size' })
  partSizeBytes: number;

  @ApiProperty({ type: [UploadPartUrl] })
  parts: UploadPartUrl[];

  @ApiProperty({
    example: 'https://marketplace.example.com/v1/captures/52209f96-02f8-4c32-811b-d4fab64fcceb/complete',
    description: 'POST {parts: [{partNumber, etag}]} here when every part is uploaded',
  })
  completeUrl: string;

  @ApiProperty({ example: '2026-12-02T10:01:13.418Z' })
  expiresAt: Date;
}

export class CreatedCaptureResponse extends CaptureResponse {
  @ApiProperty({ type: CaptureUploadResponse })
  upload: CaptureUploadResponse;
}

export class CapturePageResponse {
  @ApiProperty({ type: [CaptureResponse] })
  items: CaptureResponse[];

  @ApiProperty({ example: 'MjAyNi0xMi0wMlQwOToxNDoyNy41MTIzODRafDA2N2UxODhhLTQyNjQtNDFiMC05N2E4LWVjYzM2MjNmMzQ0Zg', type: String, nullable: true })
  nextCursor: string | null;
}
