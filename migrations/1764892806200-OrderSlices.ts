import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Slice orders (issue 13): an order placed from a slice quote buys exactly the quoted files of the version. The slice
 * is a snapshot of the quote (area as given, window, modalities, the unit it was priced by, the files' leaf indexes
 * and what they measure), taken in the transaction that places the order and never changed; a quote buys at most one
 * order. The downloads, the certificate, the exclusive-file checks and the revenue split of the order read it.
 */
export class OrderSlices1764892806200 implements MigrationInterface {
  name = 'OrderSlices1764892806200';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE order_slices (
        order_id uuid PRIMARY KEY REFERENCES orders(id),
        quote_id uuid NOT NULL UNIQUE,
        area jsonb,
        window_from timestamptz,
        window_to timestamptz,
        modalities text[],
        unit text NOT NULL CHECK (unit IN ('km', 'hour', 'gb')),
        leaf_indexes integer[] NOT NULL CHECK (cardinality(leaf_indexes) > 0),
        capture_count integer NOT NULL CHECK (capture_count > 0),
        length_m bigint NOT NULL CHECK (length_m >= 0),
        duration_ms bigint NOT NULL CHECK (duration_ms >= 0),
        size_bytes bigint NOT NULL CHECK (size_bytes >= 0),
        created_at timestamptz NOT NULL
      )`);
    await db.query(`
      CREATE FUNCTION order_slices_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'order_slices rows are never changed or removed';
      END $$`);
    await db.query(`CREATE TRIGGER order_slices_immutable BEFORE UPDATE OR DELETE ON order_slices
      FOR EACH ROW EXECUTE FUNCTION order_slices_immutable()`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE order_slices`);
    await db.query(`DROP FUNCTION order_slices_immutable()`);
  }
}
