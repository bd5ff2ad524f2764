import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The refund outbox's lease gets an owner, as the chain outboxes' did (OutboxLeaseTokens): a short lease, renewed
 * while its sender lives, replaces the 5-minute one, so the refund a killed instance was sending is taken over within
 * seconds instead of minutes; the token lets only the sender still holding the lease mark the row as sending, renew
 * or release it.
 */
export class RefundLeaseTokens1764892802100 implements MigrationInterface {
  name = 'RefundLeaseTokens1764892802100';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE order_refunds ADD COLUMN lease_token uuid`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE order_refunds DROP COLUMN lease_token`);
  }
}
