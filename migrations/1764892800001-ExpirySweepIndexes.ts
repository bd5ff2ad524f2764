import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The expiry sweeps (scheduled jobs, every few minutes) look for unpaid orders past their expires_at and uploads
 * older than UPLOAD_EXPIRY_HOURS: partial indexes over just those rows, so a sweep reads only what is due.
 */
export class ExpirySweepIndexes1764892800001 implements MigrationInterface {
  name = 'ExpirySweepIndexes1764892800001';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`CREATE INDEX orders_pending_expiry_idx ON orders (expires_at, id) WHERE status = 'pending'`);
    await db.query(`CREATE INDEX captures_uploading_idx ON captures (created_at, id) WHERE status = 'uploading'`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP INDEX captures_uploading_idx`);
    await db.query(`DROP INDEX orders_pending_expiry_idx`);
  }
}
