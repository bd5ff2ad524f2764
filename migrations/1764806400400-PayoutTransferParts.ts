import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A Stripe Connect payout is sent as one transfer per sale it pays (transfer_group = the order id). The parts are
 * fixed the first time the payout is sent, so a retry after a crash sends exactly the same transfers, whatever
 * happened to the payee's earnings in between.
 */
export class PayoutTransferParts1764806400400 implements MigrationInterface {
  name = 'PayoutTransferParts1764806400400';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE revenue_payouts ADD COLUMN transfer_parts jsonb`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE revenue_payouts DROP COLUMN transfer_parts`);
  }
}
