import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';

/** Hashes sorted and without repeats: every transaction locks rows in the same order, so two sales never deadlock. */
function normalised(hashes: readonly string[]): string[] {
  return [...new Set(hashes)].sort();
}

/**
 * Another order's claim on files a sale wants: `exclusive`, it holds them under an exclusive licence (no other sale
 * of them); `sold`, it bought them under an ordinary licence (no exclusive sale of them).
 */
export interface FileConflict {
  kind: 'exclusive' | 'sold';
  orderId: string;
}

/**
 * Which files (by content hash) are licensed exclusively, and to which order (`licensed_files`), and which paid
 * ordinary orders hold them (`licensed_file_sales`). A sale locks the rows of its files in the sale's transaction:
 * shared for an ordinary licence, exclusive for an exclusive one, so on every instance an exclusive sale and any
 * other sale of the same bytes happen one after the other.
 */
@Injectable()
export class LicensedFileRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /**
   * Locks the files' rows (creating the missing ones) until the transaction ends, and answers another order's claim
   * that stops this sale (any sale: an exclusive holder; an exclusive sale: also an ordinary sale); null when none does.
   */
  async lockForSale(manager: EntityManager, hashes: readonly string[], exclusive: boolean, orderId: string): Promise<FileConflict | null> {
    const sorted = normalised(hashes);
    if (sorted.length === 0) return null;
    // Only the missing rows are inserted (a conflicting insert costs a speculative insertion per row, a lookup does
    // not); ON CONFLICT still settles two first sales of the same new files at once.
    await manager.query(
      `INSERT INTO licensed_files (sha256)
       SELECT h FROM unnest($1::text[]) AS h WHERE NOT EXISTS (SELECT 1 FROM licensed_files f WHERE f.sha256 = h)
       ON CONFLICT (sha256) DO NOTHING`,
      [sorted],
    );
    const rows = await manager.query<{ exclusive_order_id: string | null }[]>(
      `SELECT exclusive_order_id FROM licensed_files WHERE sha256 = ANY($1::text[]) ORDER BY sha256 ${exclusive ? 'FOR UPDATE' : 'FOR SHARE'}`,
      [sorted],
    );
    const holder = rows.find((row) => row.exclusive_order_id !== null && row.exclusive_order_id !== orderId)?.exclusive_order_id;
    if (holder) return { kind: 'exclusive', orderId: holder };
    // Read after the lock: an ordinary sale that held the rows FOR SHARE has committed its rows by now.
    return exclusive ? this.ordinarySale(manager, sorted, orderId) : null;
  }

  /** Reserves the files for the order: call under lockForSale(..., exclusive = true). */
  async reserve(manager: EntityManager, hashes: readonly string[], orderId: string): Promise<void> {
    await manager.query(`UPDATE licensed_files SET exclusive_order_id = $2, updated_at = now() WHERE sha256 = ANY($1::text[])`, [
      normalised(hashes),
      orderId,
    ]);
  }

  /** Records that the order bought the files under an ordinary licence: call under lockForSale(..., exclusive = false). */
  async recordOrdinarySale(manager: EntityManager, hashes: readonly string[], orderId: string): Promise<void> {
    await manager.query(`INSERT INTO licensed_file_sales (sha256, order_id) SELECT unnest($1::text[]), $2 ON CONFLICT DO NOTHING`, [
      normalised(hashes),
      orderId,
    ]);
  }

  /** Frees whatever the order reserved or bought (its refund). */
  async release(manager: EntityManager, orderId: string): Promise<void> {
    await manager.query(`UPDATE licensed_files SET exclusive_order_id = NULL, updated_at = now() WHERE exclusive_order_id = $1`, [orderId]);
    await manager.query(`DELETE FROM licensed_file_sales WHERE order_id = $1`, [orderId]);
  }

  /** What lockForSale would answer for the sale, other than `exceptOrderId`'s own claims; a read without locks, for early answers. */
  async conflict(hashes: readonly string[], exclusive: boolean, exceptOrderId: string | null): Promise<FileConflict | null> {
    if (hashes.length === 0) return null;
    const sorted = normalised(hashes);
    const rows = await this.dataSource.query<{ exclusive_order_id: string }[]>(
      `SELECT exclusive_order_id FROM licensed_files
       WHERE sha256 = ANY($1::text[]) AND exclusive_order_id IS NOT NULL AND exclusive_order_id IS DISTINCT FROM $2::uuid
       LIMIT 1`,
      [sorted, exceptOrderId],
    );
    if (rows.length > 0) return { kind: 'exclusive', orderId: rows[0].exclusive_order_id };
    return exclusive ? this.ordinarySale(this.dataSource.manager, sorted, exceptOrderId) : null;
  }

  private async ordinarySale(manager: EntityManager, sorted: readonly string[], exceptOrderId: string | null): Promise<FileConflict | null> {
    const rows = await manager.query<{ order_id: string }[]>(
      `SELECT order_id FROM licensed_file_sales WHERE sha256 = ANY($1::text[]) AND order_id IS DISTINCT FROM $2::uuid LIMIT 1`,
      [sorted, exceptOrderId],
    );
    return rows.length > 0 ? { kind: 'sold', orderId: rows[0].order_id } : null;
  }
}
