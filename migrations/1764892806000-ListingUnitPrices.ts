import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Per-unit prices (issue 13): a draft may price slices per km / hour / GB with a minimum, in USD cents, beside its
 * whole price; a published version freezes them as it freezes price_usd_cents. jsonb holding only the fields set,
 * e.g. {"perKmUsdCents": 150, "minimumUsdCents": 1000}; null: the dataset is sold whole only.
 */
export class ListingUnitPrices1764892806000 implements MigrationInterface {
  name = 'ListingUnitPrices1764892806000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE datasets ADD COLUMN unit_prices jsonb`);
    await db.query(`ALTER TABLE dataset_versions ADD COLUMN unit_prices jsonb`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE dataset_versions DROP COLUMN unit_prices`);
    await db.query(`ALTER TABLE datasets DROP COLUMN unit_prices`);
  }
}
