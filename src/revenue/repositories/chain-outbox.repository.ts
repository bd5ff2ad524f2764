import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';

/** The two outbox tables whose rows each become one memo transaction: sale splits and payout batches. */
export type ChainOutboxTable = 'revenue_splits' | 'revenue_payout_batches';

export interface LeasedOutboxRow {
  id: string;
  memo: string;
  reference: string;
}

export interface OutboxConfirmation {
  cluster: string;
  signature: string;
  slot: bigint;
}

/**
 * The bookkeeping of "send exactly once" on an outbox row (see ExactlyOnceSenderService): a lease so that one
 * worker on any instance handles a row at a time (held under a token, so only its holder can use, renew or release
 * it), the time of the last send, the last error, and the confirmation.
 */
@Injectable()
export class ChainOutboxRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /**
   * Takes the row for `seconds` under `token` unless it is confirmed or another worker's lease is still running;
   * counts an attempt. A worker that dies leaves a lease that simply runs out.
   */
  async lease(table: ChainOutboxTable, id: string, token: string, seconds: number): Promise<LeasedOutboxRow | null> {
    const rows: LeasedOutboxRow[] = await this.dataSource.query(
      `WITH leased AS (
         UPDATE ${table} SET lease_until = now() + make_interval(secs => $3), lease_token = $2, attempts = attempts + 1, updated_at = now()
         WHERE id = $1 AND status = 'pending' AND (lease_until IS NULL OR lease_until < now())
         RETURNING id, memo, reference)
       SELECT * FROM leased`,
      [id, token, seconds],
    );
    return rows.at(0) ?? null;
  }

  /** Extends the lease `token` holds to `seconds` from now; false when it is no longer held (it ran out and was taken). */
  async renewLease(table: ChainOutboxTable, id: string, token: string, seconds: number): Promise<boolean> {
    const rows: unknown[] = await this.dataSource.query(
      `WITH renewed AS (
         UPDATE ${table} SET lease_until = now() + make_interval(secs => $3) WHERE id = $1 AND lease_token = $2 RETURNING id)
       SELECT * FROM renewed`,
      [id, token, seconds],
    );
    return rows.length === 1;
  }

  async release(table: ChainOutboxTable, id: string, token: string): Promise<void> {
    await this.dataSource.query(`UPDATE ${table} SET lease_until = NULL, lease_token = NULL WHERE id = $1 AND lease_token = $2`, [id, token]);
  }

  /**
   * Committed before the transaction is sent, so that a crash right after sending still leaves the time behind; only
   * while `token`'s lease runs (false otherwise: another worker may have the row now, and this one must not send).
   */
  async markSending(table: ChainOutboxTable, id: string, token: string): Promise<boolean> {
    const rows: unknown[] = await this.dataSource.query(
      `WITH marked AS (
         UPDATE ${table} SET last_sent_at = now(), updated_at = now() WHERE id = $1 AND lease_token = $2 AND lease_until > now() RETURNING id)
       SELECT * FROM marked`,
      [id, token],
    );
    return rows.length === 1;
  }

  /** Whether a send started less than `seconds` ago, by the database's clock. */
  async sentWithin(table: ChainOutboxTable, id: string, seconds: number): Promise<boolean> {
    const rows: { recent: boolean | null }[] = await this.dataSource.query(
      `SELECT last_sent_at > now() - make_interval(secs => $2) AS recent FROM ${table} WHERE id = $1`,
      [id, seconds],
    );
    return rows.at(0)?.recent === true;
  }

  async recordFailure(table: ChainOutboxTable, id: string, error: string): Promise<void> {
    await this.dataSource.query(`UPDATE ${table} SET last_error = $2, updated_at = now() WHERE id = $1`, [id, error.slice(0, 2000)]);
  }

  /** pending -> confirmed, once, in the caller's transaction; answers false when it was already confirmed. */
  async markConfirmed(manager: EntityManager, table: ChainOutboxTable, id: string, confirmation: OutboxConfirmation): Promise<boolean> {
    const rows: unknown[] = await manager.query(
      `WITH confirmed AS (
         UPDATE ${table}
         SET status = 'confirmed', cluster = $2, signature = $3, slot = $4, confirmed_at = now(), last_error = NULL, updated_at = now()
         WHERE id = $1 AND status = 'pending'
         RETURNING id)
       SELECT * FROM confirmed`,
      [id, confirmation.cluster, confirmation.signature, confirmation.slot.toString()],
    );
    return rows.length === 1;
  }

  async isConfirmed(table: ChainOutboxTable, id: string): Promise<boolean> {
    const rows: { status: string }[] = await this.dataSource.query(`SELECT status FROM ${table} WHERE id = $1`, [id]);
    return rows.at(0)?.status === 'confirmed';
  }
}
