import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Payouts through address lookup tables (src/chain/lookup-table.ts): a batch names the table it loads its token
 * accounts from, and each payee wallet's token account is recorded with the table holding it, so later runs reuse
 * the table instead of paying its setup transactions again.
 */
export class PayoutLookupTables1764806400200 implements MigrationInterface {
  name = 'PayoutLookupTables1764806400200';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE revenue_payout_batches ADD COLUMN lookup_table text`);
    await db.query(`
      CREATE TABLE revenue_payout_lookup_entries (
        wallet text PRIMARY KEY,
        lookup_table text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE revenue_payout_lookup_entries`);
    await db.query(`ALTER TABLE revenue_payout_batches DROP COLUMN lookup_table`);
  }
}
