import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A cart line may buy a version its buyer already holds (a pending or paid order of it) when the buyer said so, as
 * POST /v1/orders takes allowRepeat: the line keeps that answer until checkout. Lines already in carts did not say so.
 */
export class CartLineAllowRepeat1764892808100 implements MigrationInterface {
  name = 'CartLineAllowRepeat1764892808100';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE cart_lines ADD COLUMN allow_repeat boolean NOT NULL DEFAULT false`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE cart_lines DROP COLUMN allow_repeat`);
  }
}
