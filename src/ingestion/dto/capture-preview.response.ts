import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import type { CapturePreviewEntity } from '../entities/capture-preview.entity.js';
import type { CaptureEntity } from '../entities/capture.entity.js';
import type { PreviewContent } from '../previews/preview.types.js';

/**
 * A capture's preview as the pages draw it. `status`: pending (the capture is not ready, or its preview job has not
 * run yet), ready (content holds what to draw; kind 'none' with a reason when its format has no preview), failed.
 * Files are fetched from `/v1/captures/{id}/preview/files/{name}` with the same rights as this.
 */
export class CapturePreviewResponse {
  @ApiProperty({ format: 'uuid' }) captureId: string;
  @ApiProperty() filename: string;
  @ApiPropertyOptional({ nullable: true }) format: string | null;
  @ApiPropertyOptional({ nullable: true }) modality: string | null;
  @ApiProperty({ enum: ['pending', 'ready', 'failed'] }) status: 'pending' | 'ready' | 'failed';
  @ApiProperty({ enum: ['video', 'pointcloud', 'robotics', 'table', 'none'] }) kind: PreviewContent['kind'];
  @ApiPropertyOptional({
    type: Object,
    nullable: true,
    description:
      'What to draw: thumbnails and clip (video), renderings and viewer points (pointcloud), topics and plots (robotics), rows, plots and track (table)',
  })
  content: PreviewContent | null;
  @ApiProperty({ type: [String], description: 'Names of the preview files' }) files: string[];
  @ApiPropertyOptional({ nullable: true, description: 'Why there is no preview, or why it is partial' }) reason: string | null;
  @ApiPropertyOptional({ nullable: true }) generatedAt: Date | null;

  static of(capture: CaptureEntity, preview: CapturePreviewEntity | null): CapturePreviewResponse {
    return Object.assign(new CapturePreviewResponse(), {
      captureId: capture.id,
      filename: capture.filename,
      format: capture.format,
      modality: capture.modality,
      status: preview ? preview.status : 'pending',
      kind: preview?.kind ?? 'none',
      content: preview?.content ?? null,
      files: preview?.files ?? [],
      reason: preview?.reason ?? (capture.status === 'rejected' ? 'the capture was rejected' : null),
      generatedAt: preview?.generatedAt ?? null,
    });
  }
}
