import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The job queue moves to pg-boss (schema `pgboss`, created and migrated by pg-boss itself when the app starts), and
 * our own `jobs` table goes.
 *
 * The queued and running jobs of `jobs` are staged in `jobs_carried_over`, and the app sends them to pg-boss on its
 * next start (JobsService: each batch is deleted from the stage and sent in one transaction, so with several
 * instances starting at once every job is sent exactly once). Staged rather than inserted into pg-boss's tables
 * here: this migration runs before pg-boss has created its schema, and a job sent through pg-boss's own API gets
 * everything its queue declares (retry backoff, dead-letter queue, heartbeat, expiry, retention), which an INSERT
 * written against one pg-boss version's columns would have to copy and keep in step. A staged row keeps the
 * payload, the dedupe key (which becomes the pg-boss singleton key), the attempts it has left and its time: a
 * queued job keeps its run_at, a running one (its worker died or is being replaced) runs again now, that attempt
 * counted as spent. Rows of queues that no longer exist are left out because what they did is now found by
 * schedules from the rows themselves: `capture.expire-upload` and `checkout.expire-order` (the expiry sweeps read
 * captures.created_at and orders.expires_at) and `revenue.payout-run` (a pg-boss schedule). Finished jobs go.
 */
export class MoveJobsToPgBoss1764892800000 implements MigrationInterface {
  name = 'MoveJobsToPgBoss1764892800000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE jobs_carried_over (
        id bigint PRIMARY KEY,
        queue text NOT NULL,
        payload jsonb NOT NULL,
        dedupe_key text,
        attempts_left integer NOT NULL CHECK (attempts_left >= 1),
        start_after timestamptz NOT NULL
      )`);
    await db.query(`
      INSERT INTO jobs_carried_over (id, queue, payload, dedupe_key, attempts_left, start_after)
      SELECT id, queue, payload, dedupe_key, GREATEST(1, max_attempts - attempts), CASE WHEN status = 'running' THEN now() ELSE run_at END
      FROM jobs
      WHERE status IN ('queued', 'running') AND queue NOT IN ('capture.expire-upload', 'checkout.expire-order', 'revenue.payout-run')`);
    await db.query(`DROP TABLE jobs`);
  }

  /** Recreates `jobs` as it was, holding the staged jobs not yet sent to pg-boss (jobs already in pg-boss stay there). */
  async down(db: QueryRunner): Promise<void> {
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
    await db.query(`
      INSERT INTO jobs (queue, payload, max_attempts, run_at, dedupe_key)
      SELECT queue, payload, attempts_left, start_after, dedupe_key FROM jobs_carried_over ORDER BY id`);
    await db.query(`DROP TABLE jobs_carried_over`);
  }
}
