import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The admin console's order list (`GET /v1/admin/orders`) pages through every order newest first by the keyset
 * (created_at, id): this index serves it (and its status filter, by index order then filtering) without sorting
 * the whole table per page.
 */
export class OrdersTimeIndex1764806400500 implements MigrationInterface {
  name = 'OrdersTimeIndex1764806400500';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`CREATE INDEX orders_time_idx ON orders (created_at DESC, id DESC)`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP INDEX orders_time_idx`);
  }
}
