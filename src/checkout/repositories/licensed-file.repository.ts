import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';

/** Hashes sorted and without repeats: every transaction locks rows in the same order, so two sales never deadlock. */
function normalised(hashes: readonly string[]): string[] {
  return [...new Set(hashes)].sort();
}

/**
 * Which files (by content hash) are licensed exclusively, and to which order (`licensed_files`). A sale locks the
 * rows of its files in the sale's transaction: shared for an ordinary licence, exclusive for an exclusive one, so
 * on every instance an exclusive sale and any other sale of the same bytes happen one after the other.
 */
@Injectable()
export class LicensedFileRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /**
   * Locks the files' rows (creating the missing ones) until the transaction ends, and answers the order that holds
   * any of them exclusively, other than `orderId`; null when none does.
   */
  async lockForSale(manager: EntityManager, hashes: readonly string[], exclusive: boolean, orderId: string): Promise<string | null> {
    const sorted = normalised(hashes);
    if (sorted.length === 0) return null;
    await manager.query(`INSERT INTO licensed_files (sha256) SELECT unnest($1::text[]) ON CONFLICT (sha256) DO NOTHING`, [sorted]);
    const rows = await manager.query<{ exclusive_order_id: string | null }[]>(
      `SELECT exclusive_order_id FROM licensed_files WHERE sha256 = ANY($1::text[]) ORDER BY sha256 ${exclusive ? 'FOR UPDATE' : 'FOR SHARE'}`,
      [sorted],
    );
    return rows.find((row) => row.exclusive_order_id !== null && row.exclusive_order_id !== orderId)?.exclusive_order_id ?? null;
  }

  /** Reserves the files for the order: call under lockForSale(..., exclusive = true). */
  async reserve(manager: EntityManager, hashes: readonly string[], orderId: string): Promise<void> {
    await manager.query(`UPDATE licensed_files SET exclusive_order_id = $2, updated_at = now() WHERE sha256 = ANY($1::text[])`, [
      normalised(hashes),
      orderId,
    ]);
  }

  /** Frees whatever the order reserved (its refund). */
  async release(manager: EntityManager, orderId: string): Promise<void> {
    await manager.query(`UPDATE licensed_files SET exclusive_order_id = NULL, updated_at = now() WHERE exclusive_order_id = $1`, [orderId]);
  }

  /** The order holding any of the files exclusively, other than `exceptOrderId`; a read without locks, for early answers. */
  async exclusiveHolder(hashes: readonly string[], exceptOrderId: string | null): Promise<string | null> {
    if (hashes.length === 0) return null;
    const rows = await this.dataSource.query<{ exclusive_order_id: string }[]>(
      `SELECT exclusive_order_id FROM licensed_files
       WHERE sha256 = ANY($1::text[]) AND exclusive_order_id IS NOT NULL AND exclusive_order_id IS DISTINCT FROM $2::uuid
       LIMIT 1`,
      [normalised(hashes), exceptOrderId],
    );
    return rows[0]?.exclusive_order_id ?? null;
  }
}
