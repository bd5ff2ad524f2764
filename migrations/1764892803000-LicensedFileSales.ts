import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * An exclusive licence promises that nobody else holds a licence on its files, so it cannot be sold on bytes that
 * were already sold under an ordinary licence (any version, any dataset). licensed_file_sales keeps, per file
 * content hash, each paid ordinary order that holds it; a refund of that order removes its rows. Ordinary sales
 * write here under the FOR SHARE lock of the files' licensed_files rows, and an exclusive sale reads here under
 * its FOR UPDATE lock of the same rows, so the two are decided one after the other.
 *
 * Ordinary orders already paid record their version's files here.
 */
export class LicensedFileSales1764892803000 implements MigrationInterface {
  name = 'LicensedFileSales1764892803000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE licensed_file_sales (
        sha256 text NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
        order_id uuid NOT NULL REFERENCES orders (id),
        created_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (sha256, order_id)
      )`);
    await db.query(`CREATE INDEX licensed_file_sales_order_idx ON licensed_file_sales (order_id)`);
    await db.query(`
      INSERT INTO licensed_file_sales (sha256, order_id)
      SELECT DISTINCT f.sha256, o.id
      FROM orders o JOIN dataset_version_files f ON f.dataset_id = o.dataset_id AND f.version = o.version
      WHERE NOT o.exclusive AND o.status IN ('paid', 'fulfilled')`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE licensed_file_sales`);
  }
}
