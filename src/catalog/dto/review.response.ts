import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { DatasetResponse } from './dataset.response.js';

export class ReviewCaptureView {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid' }) ownerId: string;
  @ApiProperty() filename: string;
  @ApiPropertyOptional({ nullable: true }) network: string | null;
  @ApiPropertyOptional({ nullable: true }) modality: string | null;
  @ApiPropertyOptional({ nullable: true }) format: string | null;
  @ApiPropertyOptional({ nullable: true }) sizeBytes: number | null;
  @ApiProperty() status: string;
  @ApiPropertyOptional({ type: Boolean, nullable: true }) deviceSignatureValid: boolean | null;
  @ApiProperty() metadata: Record<string, unknown>;
  @ApiProperty({ type: [String], description: 'Inconsistencies the probe found inside the readable file' }) warnings: string[];
}

export class ReviewChangesView {
  @ApiProperty({ description: 'No version was published before: everything is new' }) firstVersion: boolean;
  @ApiPropertyOptional({ type: Number, nullable: true, description: 'The version the changes are measured against' }) sinceVersion: number | null;
  @ApiProperty({ type: [String], description: 'Draft fields that differ from that version' }) changedFields: string[];
  @ApiProperty({ type: [String], format: 'uuid' }) addedCaptureIds: string[];
  @ApiProperty({ type: [String], format: 'uuid' }) removedCaptureIds: string[];
}

export class ReviewQueueItem {
  @ApiProperty({ type: DatasetResponse }) dataset: DatasetResponse;
  @ApiProperty() submittedAt: Date;
  @ApiProperty({ type: ReviewChangesView }) changes: ReviewChangesView;
  @ApiProperty({ type: [ReviewCaptureView], description: 'The first 100 captures of the draft' }) captures: ReviewCaptureView[];
  @ApiProperty() captureCount: number;
}

export class AuditEventView {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid' }) datasetId: string;
  @ApiProperty({ format: 'uuid' }) actorId: string;
  @ApiProperty({ enum: ['created', 'updated', 'submitted', 'approved', 'rejected', 'changes-requested', 'taken-down', 'reinstated'] }) action: string;
  @ApiPropertyOptional({ type: Number, nullable: true }) draftRevision: number | null;
  @ApiPropertyOptional({ type: Number, nullable: true }) version: number | null;
  @ApiPropertyOptional({ type: String, nullable: true }) reason: string | null;
  @ApiProperty() at: Date;
}

export class AuditPage {
  @ApiProperty({ type: [AuditEventView] }) items: AuditEventView[];
  @ApiPropertyOptional({ type: String, nullable: true }) nextCursor: string | null;
}
