import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Exclusive licences reserve files, not version numbers: one row per file content hash (sha256) that has been
 * sold or is being sold, with the order holding it exclusively, if any. A sale locks its files' rows (FOR SHARE for
 * an ordinary licence, FOR UPDATE for an exclusive one, in hash order), so an exclusive sale and any other sale of
 * the same bytes (any version, any dataset) are decided one after the other on every instance; a refund releases
 * the reservation.
 *
 * Exclusive orders already paid reserve their version's files here (the earliest sale of a file keeps it when two
 * versions holding the same file were both sold exclusively, as the old per-version rule allowed).
 */
export class LicensedFiles1764892801200 implements MigrationInterface {
  name = 'LicensedFiles1764892801200';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE licensed_files (
        sha256 text PRIMARY KEY CHECK (sha256 ~ '^[0-9a-f]{64}$'),
        exclusive_order_id uuid REFERENCES orders (id),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await db.query(`CREATE INDEX licensed_files_exclusive_order_idx ON licensed_files (exclusive_order_id) WHERE exclusive_order_id IS NOT NULL`);
    await db.query(`
      INSERT INTO licensed_files (sha256, exclusive_order_id)
      SELECT DISTINCT ON (f.sha256) f.sha256, o.id
      FROM orders o JOIN dataset_version_files f ON f.dataset_id = o.dataset_id AND f.version = o.version
      WHERE o.exclusive AND o.status IN ('paid', 'fulfilled')
      ORDER BY f.sha256, o.paid_at, o.id`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE licensed_files`);
  }
}
