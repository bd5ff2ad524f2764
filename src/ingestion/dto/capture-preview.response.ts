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
  @ApiProperty({ example: '52209f96-02f8-4c32-811b-d4fab64fcceb', format: 'uuid' }) captureId: string;
  @ApiProperty({ example: 'front-dashcam.mp4' }) filename: string;
  @ApiPropertyOptional({ example: 'mp4', nullable: true }) format: string | null;
  @ApiPropertyOptional({ example: 'video', nullable: true }) modality: string | null;
  @ApiProperty({ enum: ['pending', 'ready', 'failed'] }) status: 'pending' | 'ready' | 'failed';
  @ApiProperty({ enum: ['video', 'pointcloud', 'robotics', 'table', 'none'] }) kind: PreviewContent['kind'];
  @ApiPropertyOptional({
    example: {
      kind: 'video',
      thumbnails: [
        { file: 'thumb-1.jpg', t: 0 },
        { file: 'thumb-2.jpg', t: 257.1 },
      ],
      clip: 'clip.mp4',
      clipSeconds: 30,
      durationSeconds: 1800,
      width: 3840,
      height: 2160,
      track: [
        [11.5201, 48.1102, 0],
        [11.5209, 48.1108, 1],
      ],
      trackSource: 'GoPro GPMF GPS5',
    },
    type: Object,
    nullable: true,
    description:
      'What to draw: thumbnails and clip (video), renderings and viewer points (pointcloud), topics and plots (robotics), rows, plots and track (table)',
  })
  content: PreviewContent | null;
  @ApiProperty({ example: ['thumbnails.jpg', 'preview.mp4', 'track.geojson'], type: [String], description: 'Names of the preview files' })
  files: string[];
  @ApiPropertyOptional({ example: null, nullable: true, description: 'Why there is no preview, or why it is partial' }) reason: string | null;
  @ApiPropertyOptional({ example: '2026-12-01T10:05:30.000Z', nullable: true }) generatedAt: Date | null;

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
