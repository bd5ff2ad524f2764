import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Quotes (issue 13): what a slice of a listed version costs, stored once and never changed, valid for ten minutes.
 * A quote names its version and the exact files (leaf indexes and capture ids) with the totals and the prices it was
 * computed from, so checkout can later take it as it is (QuotesService.redeem) and deliver and split exactly that.
 * A trigger refuses every UPDATE: an altered quote cannot exist.
 */
export class CreateQuotes1764892806100 implements MigrationInterface {
  name = 'CreateQuotes1764892806100';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE quotes (
        id uuid PRIMARY KEY,
        buyer_id uuid NOT NULL REFERENCES users (id),
        dataset_id uuid NOT NULL,
        version integer NOT NULL,
        kind text NOT NULL CHECK (kind IN ('whole', 'slice')),
        area jsonb,
        area_ranges jsonb,
        window_from timestamptz,
        window_to timestamptz,
        modalities text[],
        unit text CHECK (unit IN ('km', 'hour', 'gb')),
        unit_prices jsonb,
        whole_price_usd_cents bigint NOT NULL CHECK (whole_price_usd_cents >= 0),
        leaf_indexes integer[] NOT NULL,
        capture_ids uuid[] NOT NULL,
        capture_count integer NOT NULL CHECK (capture_count > 0),
        length_m bigint NOT NULL CHECK (length_m >= 0),
        duration_ms bigint NOT NULL CHECK (duration_ms >= 0),
        size_bytes bigint NOT NULL CHECK (size_bytes >= 0),
        price_usd_cents bigint NOT NULL CHECK (price_usd_cents >= 0 AND price_usd_cents <= whole_price_usd_cents),
        outline jsonb NOT NULL,
        created_at timestamptz NOT NULL,
        expires_at timestamptz NOT NULL CHECK (expires_at > created_at),
        CHECK (cardinality(leaf_indexes) = capture_count AND cardinality(capture_ids) = capture_count),
        CHECK ((kind = 'slice') = (unit IS NOT NULL)),
        FOREIGN KEY (dataset_id, version) REFERENCES dataset_versions (dataset_id, version)
      )`);
    await db.query(`CREATE INDEX quotes_buyer_idx ON quotes (buyer_id, created_at)`);
    await db.query(`CREATE INDEX quotes_version_idx ON quotes (dataset_id, version)`);
    await db.query(`
      CREATE FUNCTION quotes_never_change() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'quotes are never changed (quote %)', OLD.id;
      END $$`);
    await db.query(`CREATE TRIGGER quotes_immutable BEFORE UPDATE ON quotes FOR EACH ROW EXECUTE FUNCTION quotes_never_change()`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE quotes`);
    await db.query(`DROP FUNCTION quotes_never_change()`);
  }
}
