import { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateRateLimitHits1764288000001 implements MigrationInterface {
  name = 'CreateRateLimitHits1764288000001';

  async up(db: QueryRunner): Promise<void> {
    // Counters live in the shared database so that every app instance enforces the same limit.
    await db.query(`
      CREATE TABLE rate_limit_hits (
        bucket text NOT NULL,
        window_start timestamptz NOT NULL,
        hits integer NOT NULL,
        PRIMARY KEY (bucket, window_start)
      )`);
    await db.query(`CREATE INDEX rate_limit_hits_window_idx ON rate_limit_hits (window_start)`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE rate_limit_hits`);
  }
}
