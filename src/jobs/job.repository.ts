import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import type { ClaimedJob, EnqueueOptions, JobPayloads, JobQueue } from './job.types.js';

interface JobRow {
  id: string;
  queue: JobQueue;
  payload: JobPayloads[JobQueue];
  attempts: number;
  max_attempts: number;
}

export interface JobStatusRow {
  status: 'queued' | 'running' | 'done' | 'failed';
  attempts: number;
  last_error: string | null;
}

@Injectable()
export class JobRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Inserts a job; pass the transaction's manager so the job exists only if the transaction commits. */
  async insert<Q extends JobQueue>(queue: Q, payload: JobPayloads[Q], options: EnqueueOptions, manager?: EntityManager): Promise<void> {
    await (manager ?? this.dataSource.manager).query(
      `INSERT INTO jobs (queue, payload, max_attempts, run_at, dedupe_key)
       VALUES ($1, $2, $3, now() + make_interval(secs => $4), $5)
       ON CONFLICT (dedupe_key) DO NOTHING`,
      [queue, JSON.stringify(payload), options.maxAttempts ?? 5, options.delaySeconds ?? 0, options.dedupeKey ?? null],
    );
  }

  /**
   * Claims up to `limit` due jobs of the given queues for this worker, including running jobs whose lock has
   * expired (their worker died). SKIP LOCKED lets every instance claim at once without taking the same row.
   */
  async claim(queues: JobQueue[], limit: number, workerId: string, lockSeconds: number): Promise<ClaimedJob[]> {
    // Wrapped in a CTE so the driver hands back plain rows (TypeORM answers [rows, count] for a bare UPDATE).
    const rows: JobRow[] = await this.dataSource.query(
      `WITH claimed AS (
         UPDATE jobs SET status = 'running', attempts = attempts + 1, locked_by = $3,
                locked_until = now() + make_interval(secs => $4), updated_at = now()
         WHERE id IN (
           SELECT id FROM jobs
           WHERE queue = ANY($1) AND ((status = 'queued' AND run_at <= now()) OR (status = 'running' AND locked_until < now()))
           ORDER BY run_at
           LIMIT $2
           FOR UPDATE SKIP LOCKED)
         RETURNING id, queue, payload, attempts, max_attempts)
       SELECT * FROM claimed`,
      [queues, limit, workerId, lockSeconds],
    );
    return rows.map((row) => ({ id: String(row.id), queue: row.queue, payload: row.payload, attempts: row.attempts, maxAttempts: row.max_attempts }));
  }

  async markDone(id: string, workerId: string): Promise<void> {
    await this.dataSource.query(
      `UPDATE jobs SET status = 'done', locked_until = NULL, last_error = NULL, updated_at = now() WHERE id = $1 AND locked_by = $2`,
      [id, workerId],
    );
  }

  /**
   * Puts the job back after `retryDelaySeconds` (default: exponential backoff), or marks it failed after its last
   * attempt; answers whether it failed for good.
   */
  async markAttemptFailed(job: ClaimedJob, workerId: string, error: string, retryDelaySeconds?: number): Promise<boolean> {
    const final = job.attempts >= job.maxAttempts;
    await this.dataSource.query(
      `UPDATE jobs SET status = $3, last_error = $4, locked_until = NULL, updated_at = now(),
              run_at = now() + make_interval(secs => $5)
       WHERE id = $1 AND locked_by = $2`,
      [job.id, workerId, final ? 'failed' : 'queued', error.slice(0, 2000), retryDelaySeconds ?? Math.min(600, 2 ** job.attempts)],
    );
    return final;
  }

  async statusByDedupeKey(dedupeKey: string): Promise<JobStatusRow | null> {
    const [row] = await this.dataSource.query(`SELECT status, attempts, last_error FROM jobs WHERE dedupe_key = $1`, [dedupeKey]);
    return (row as JobStatusRow | undefined) ?? null;
  }

  /** Drops finished jobs older than the cutoff so the table stays small. */
  async deleteFinishedBefore(days: number): Promise<void> {
    await this.dataSource.query(`DELETE FROM jobs WHERE status = 'done' AND updated_at < now() - make_interval(days => $1)`, [days]);
  }
}
