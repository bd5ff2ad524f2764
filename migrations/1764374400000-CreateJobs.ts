import { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateJobs1764374400000 implements MigrationInterface {
  name = 'CreateJobs1764374400000';

  async up(db: QueryRunner): Promise<void> {
    // A Postgres-backed job queue: workers on any instance claim rows with FOR UPDATE SKIP LOCKED.
    await db.query(`
      CREATE TABLE jobs (
        id bigserial PRIMARY KEY,
        queue text NOT NULL,
        payload jsonb NOT NULL,
        status text NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'running', 'done', 'failed')),
        attempts integer NOT NULL DEFAULT 0,
        max_attempts integer NOT NULL DEFAULT 5,
        run_at timestamptz NOT NULL DEFAULT now(),
        locked_until timestamptz,
        locked_by text,
        last_error text,
        dedupe_key text UNIQUE,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await db.query(`CREATE INDEX jobs_claimable_idx ON jobs (queue, run_at) WHERE status = 'queued'`);
    await db.query(`CREATE INDEX jobs_running_idx ON jobs (locked_until) WHERE status = 'running'`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE jobs`);
  }
}
