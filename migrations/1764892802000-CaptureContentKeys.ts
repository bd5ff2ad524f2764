import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Verified bytes are immutable: after verification a capture's bytes live at a content-addressed key only the
 * marketplace writes (`objects/sha256/<hex>`), named here. Ready captures from before have none yet: the service
 * copies and re-verifies their objects at start-up (VerifiedObjectBackfillService) and fills the column then.
 */
export class CaptureContentKeys1764892802000 implements MigrationInterface {
  name = 'CaptureContentKeys1764892802000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE captures ADD COLUMN content_key text`);
    // The backfill's work list: ready captures still served from where they were uploaded or staged.
    await db.query(`CREATE INDEX captures_without_content_key_idx ON captures (created_at, id) WHERE status = 'ready' AND content_key IS NULL`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP INDEX captures_without_content_key_idx`);
    await db.query(`ALTER TABLE captures DROP COLUMN content_key`);
  }
}
