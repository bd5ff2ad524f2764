import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The outbox senders' lease (ExactlyOnceSenderService) gets an owner: a short lease, renewed while its sender lives,
 * replaces the 10-minute one, so a dead worker's row is free again within seconds; the token lets only the sender
 * still holding the lease mark the row as sending, renew or release it.
 */
export class OutboxLeaseTokens1764892800002 implements MigrationInterface {
  name = 'OutboxLeaseTokens1764892800002';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE revenue_splits ADD COLUMN lease_token uuid`);
    await db.query(`ALTER TABLE revenue_payout_batches ADD COLUMN lease_token uuid`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE revenue_payout_batches DROP COLUMN lease_token`);
    await db.query(`ALTER TABLE revenue_splits DROP COLUMN lease_token`);
  }
}
