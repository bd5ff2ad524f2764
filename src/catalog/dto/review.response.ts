import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { DatasetResponse } from './dataset.response.js';

export class ReviewCaptureView {
  @ApiProperty({ example: '52209f96-02f8-4c32-811b-d4fab64fcceb', format: 'uuid' }) id: string;
  @ApiProperty({ example: 'ddf8cd96-491c-43df-b3f5-999d0230acf8', format: 'uuid' }) ownerId: string;
  @ApiProperty({ example: 'front-dashcam.mp4' }) filename: string;
  @ApiPropertyOptional({ example: 'dimo', nullable: true }) network: string | null;
  @ApiPropertyOptional({ example: 'video', nullable: true }) modality: string | null;
  @ApiPropertyOptional({ example: 'mp4', nullable: true }) format: string | null;
  @ApiPropertyOptional({ example: 734003200, nullable: true }) sizeBytes: number | null;
  @ApiProperty({ example: 'ready' }) status: string;
  @ApiPropertyOptional({ type: Boolean, nullable: true }) deviceSignatureValid: boolean | null;
  @ApiProperty({ example: { width: 3840, height: 2160, frameRate: 29.97, videoCodec: 'hvc1.1.6.L150' } }) metadata: Record<string, unknown>;
  @ApiProperty({
    example: ['the GPS track stops 40 s before the video ends'],
    type: [String],
    description: 'Inconsistencies the probe found inside the readable file',
  })
  warnings: string[];
}

export class ReviewChangesView {
  @ApiProperty({ description: 'No version was published before: everything is new' }) firstVersion: boolean;
  @ApiPropertyOptional({ example: 1, type: Number, nullable: true, description: 'The version the changes are measured against' }) sinceVersion:
    number | null;
  @ApiProperty({ example: ['title', 'captureIds'], type: [String], description: 'Draft fields that differ from that version' })
  changedFields: string[];
  @ApiProperty({ example: ['3b1f7c52-9e0d-4a8b-b6f3-2d7e5a9c1f04'], type: [String], format: 'uuid' }) addedCaptureIds: string[];
  @ApiProperty({ example: [], type: [String], format: 'uuid' }) removedCaptureIds: string[];
}

export class ReviewQueueItem {
  @ApiProperty({ type: DatasetResponse }) dataset: DatasetResponse;
  @ApiProperty({ example: '2026-12-02T09:14:27.512Z' }) submittedAt: Date;
  @ApiProperty({ type: ReviewChangesView }) changes: ReviewChangesView;
  @ApiProperty({ type: [ReviewCaptureView], description: 'The first 100 captures of the draft' }) captures: ReviewCaptureView[];
  @ApiProperty({ example: 42 }) captureCount: number;
}

export class AuditEventView {
  @ApiProperty({ example: 'cf528884-b6c9-4a74-ade5-6456d910d86d', format: 'uuid' }) id: string;
  @ApiProperty({ example: '067e188a-4264-41b0-97a8-ecc3623f344f', format: 'uuid' }) datasetId: string;
  @ApiProperty({ example: 'ddf8cd96-491c-43df-b3f5-999d0230acf8', format: 'uuid' }) actorId: string;
  @ApiProperty({ enum: ['created', 'updated', 'submitted', 'approved', 'rejected', 'changes-requested', 'taken-down', 'reinstated'] }) action: string;
  @ApiPropertyOptional({ example: 3, type: Number, nullable: true }) draftRevision: number | null;
  @ApiPropertyOptional({ example: 2, type: Number, nullable: true }) version: number | null;
  @ApiPropertyOptional({ example: 'Licence plates are readable in the night drives; blur them and resubmit.', type: String, nullable: true }) reason:
    string | null;
  @ApiProperty({ example: '2026-12-02T09:14:27.512Z' }) at: Date;
}

export class AuditPage {
  @ApiProperty({ type: [AuditEventView] }) items: AuditEventView[];
  @ApiPropertyOptional({
    example: 'MjAyNi0xMi0wMlQwOToxNDoyNy41MTIzODRafDA2N2UxODhhLTQyNjQtNDFiMC05N2E4LWVjYzM2MjNmMzQ0Zg',
    type: String,
    nullable: true,
  })
  nextCursor: string | null;
}
