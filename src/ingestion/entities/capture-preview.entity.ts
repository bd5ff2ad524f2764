import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { PreviewContent, PreviewKind } from '../previews/preview.types.js';

/** What the `capture.preview` job made of a capture: the drawable content, and the derived files in object storage. */
@Entity({ name: 'capture_previews' })
export class CapturePreviewEntity {
  @PrimaryColumn({ name: 'capture_id', type: 'uuid' })
  captureId: string;

  @Column({ type: 'text' })
  status: 'ready' | 'failed';

  /** PREVIEW_VERSION of the generator that made it: an older one is made again by the sweep. */
  @Column({ type: 'smallint' })
  version: number;

  @Column({ type: 'text' })
  kind: PreviewKind;

  @Column({ type: 'jsonb', nullable: true })
  content: PreviewContent | null;

  /** Names of the derived files under `previews/<capture id>/`. */
  @Column({ type: 'text', array: true })
  files: string[];

  /** Why there is no preview (failed) or why it is partial (e.g. compressed points not decoded). */
  @Column({ type: 'text', nullable: true })
  reason: string | null;

  @Column({ name: 'generated_at', type: 'timestamptz' })
  generatedAt: Date;
}
