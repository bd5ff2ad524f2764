import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';

/** A job of the old `jobs` table, staged by the migration to pg-boss (migrations/1764892800000-MoveJobsToPgBoss.ts). */
export interface CarriedOverJob {
  id: string;
  queue: string;
  payload: object;
  dedupeKey: string | null;
  attemptsLeft: number;
  /** Seconds until it is due; 0 when it is due now. */
  delaySeconds: number;
}

interface CarriedOverRow {
  id: string;
  queue: string;
  payload: object;
  dedupe_key: string | null;
  attempts_left: number;
  delay_seconds: number;
}

@Injectable()
export class CarriedOverJobRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /**
   * Takes (deletes and answers) up to `limit` staged jobs of these queues in the caller's transaction, skipping rows
   * another instance is taking: the caller sends them to pg-boss in the same transaction, so each is sent once.
   */
  async take(manager: EntityManager, queues: readonly string[], limit: number): Promise<CarriedOverJob[]> {
    const rows: CarriedOverRow[] = await manager.query(
      `WITH taken AS (
         DELETE FROM jobs_carried_over
         WHERE id IN (SELECT id FROM jobs_carried_over WHERE queue = ANY($1) ORDER BY id LIMIT $2 FOR UPDATE SKIP LOCKED)
         RETURNING id, queue, payload, dedupe_key, attempts_left, start_after)
       SELECT id, queue, payload, dedupe_key, attempts_left,
              GREATEST(0, ceil(extract(epoch FROM start_after - now())))::int AS delay_seconds
       FROM taken ORDER BY id`,
      [queues, limit],
    );
    return rows.map((row) => ({
      id: row.id,
      queue: row.queue,
      payload: row.payload,
      dedupeKey: row.dedupe_key,
      attemptsLeft: row.attempts_left,
      delaySeconds: row.delay_seconds,
    }));
  }

  /** Staged jobs of queues nobody declares any more, per queue: left staged, and reported. */
  async countOutside(queues: readonly string[]): Promise<{ queue: string; count: number }[]> {
    const rows: { queue: string; count: number }[] = await this.dataSource.query(
      `SELECT queue, count(*)::int AS count FROM jobs_carried_over WHERE NOT (queue = ANY($1)) GROUP BY queue ORDER BY queue`,
      [queues],
    );
    return rows;
  }
}
