import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { CapturePreviewEntity } from '../entities/capture-preview.entity.js';
import type { PreviewContent, PreviewKind } from '../previews/preview.types.js';

export interface PreviewRow {
  status: 'ready' | 'failed';
  version: number;
  kind: PreviewKind;
  content: PreviewContent | null;
  files: string[];
  reason: string | null;
}

@Injectable()
export class CapturePreviewRepository {
  constructor(@InjectRepository(CapturePreviewEntity) private readonly previews: Repository<CapturePreviewEntity>) {}

  find(captureId: string): Promise<CapturePreviewEntity | null> {
    return this.previews.findOne({ where: { captureId } });
  }

  /** Stores what the job made, replacing an older preview of the capture. */
  async save(captureId: string, row: PreviewRow): Promise<void> {
    await this.previews.query(
      `INSERT INTO capture_previews (capture_id, status, version, kind, content, files, reason, generated_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, now())
       ON CONFLICT (capture_id) DO UPDATE SET status = $2, version = $3, kind = $4, content = $5, files = $6, reason = $7, generated_at = now()`,
      [captureId, row.status, row.version, row.kind, row.content === null ? null : JSON.stringify(row.content), row.files, row.reason],
    );
  }

  /** Ready captures without a preview, or with one made by an older generator, by id after `after`. */
  async findReadyWithoutCurrent(version: number, limit: number, after?: string): Promise<string[]> {
    const rows = await this.previews.query<{ id: string }[]>(
      `SELECT c.id FROM captures c LEFT JOIN capture_previews p ON p.capture_id = c.id
       WHERE c.status = 'ready' AND c.content_key IS NOT NULL AND (p.capture_id IS NULL OR p.version < $1) AND ($2::uuid IS NULL OR c.id > $2)
       ORDER BY c.id LIMIT $3`,
      [version, after ?? null, limit],
    );
    return rows.map((r) => r.id);
  }
}
