import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, In, Repository } from 'typeorm';
import type { SplitRole } from '../../provenance/split-leaf.js';
import { SplitEntity } from '../entities/split.entity.js';
import { pgIntegerArray, pgTextArray } from '../split-pg-arrays.js';
import type { SplitRowRecord } from '../split-tree.js';

/** A split as recordSale writes it, with the fresh reference address its memo transaction will carry. */
export type NewSplit = Omit<SplitEntity, 'signature' | 'refundedAt' | 'createdAt'> & { reference: string };

/** A payee's row of a split, with what the earnings view needs of the split. */
export interface EarningRow {
  splitId: string;
  orderId: string;
  currency: SplitEntity['currency'];
  role: SplitRole;
  leafIndex: number;
  amount: bigint;
  account: 'curator_payable' | 'contributor_payable';
  createdAt: Date;
  refunded: boolean;
}

@Injectable()
export class SplitRepository {
  constructor(@InjectRepository(SplitEntity) private readonly splits: Repository<SplitEntity>) {}

  /** Inserts the split unless the order has one; answers whether this call inserted it. */
  async insertIfAbsent(manager: EntityManager, split: NewSplit): Promise<boolean> {
    const rows: unknown[] = await manager.query(
      `INSERT INTO revenue_splits (id, order_id, dataset_id, version, buyer_id, currency, gross, payment_reference, platform_fee_bps,
                                   curator_bps, merkle_root, memo, reference, basis)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14::jsonb)
       ON CONFLICT (order_id) DO NOTHING
       RETURNING id`,
      [
        split.id,
        split.orderId,
        split.datasetId,
        split.version,
        split.buyerId,
        split.currency,
        split.gross.toString(),
        split.paymentReference,
        split.platformFeeBps,
        split.curatorBps,
        split.merkleRoot,
        split.memo,
        split.reference,
        split.basis === null ? null : JSON.stringify(split.basis),
      ],
    );
    return rows.length === 1;
  }

  /** One statement for all rows (a sale can have 10,001), the columns as array literals (split-pg-arrays.ts). */
  async insertRows(manager: EntityManager, splitId: string, rows: readonly SplitRowRecord[]): Promise<void> {
    const n = rows.length;
    const leafIndexes = new Array<number>(n);
    const payees = new Array<string>(n);
    const roles = new Array<string>(n);
    const userIds = new Array<string | null>(n);
    const amounts = new Array<bigint>(n);
    for (let i = 0; i < n; i += 1) {
      const row = rows[i];
      leafIndexes[i] = row.leafIndex;
      payees[i] = row.payee;
      roles[i] = row.role;
      userIds[i] = row.userId;
      amounts[i] = row.amount;
    }
    await manager.query(
      `INSERT INTO revenue_split_rows (split_id, leaf_index, payee, role, user_id, amount)
       SELECT $1, * FROM unnest($2::int[], $3::text[], $4::text[], $5::uuid[], $6::bigint[]) AS r (leaf_index, payee, role, user_id, amount)
       ORDER BY user_id`, // walks the user index in order instead of jumping around it 10,000 times
      [splitId, pgIntegerArray(leafIndexes), pgTextArray(payees), pgTextArray(roles), pgTextArray(userIds), pgIntegerArray(amounts)],
    );
  }

  findByOrder(orderId: string): Promise<SplitEntity | null> {
    return this.splits.findOne({ where: { orderId } });
  }

  /** The order's split as the caller's transaction sees it (one it wrote itself included). */
  findByOrderInTransaction(manager: EntityManager, orderId: string): Promise<SplitEntity | null> {
    return manager.getRepository(SplitEntity).findOne({ where: { orderId } });
  }

  findById(id: string): Promise<SplitEntity | null> {
    return this.splits.findOne({ where: { id } });
  }

  findByIds(ids: readonly string[]): Promise<SplitEntity[]> {
    return ids.length === 0 ? Promise.resolve([]) : this.splits.find({ where: { id: In([...ids]) } });
  }

  /** Every row of a split in leaf order: what its Merkle tree is built from. */
  async rowsOf(splitId: string): Promise<SplitRowRecord[]> {
    const rows: { leaf_index: number; payee: string; role: SplitRole; user_id: string | null; amount: string }[] = await this.splits.query(
      `SELECT leaf_index, payee, role, user_id, amount::text FROM revenue_split_rows WHERE split_id = $1 ORDER BY leaf_index`,
      [splitId],
    );
    return rows.map((row) => ({ leafIndex: row.leaf_index, payee: row.payee, role: row.role, userId: row.user_id, amount: BigInt(row.amount) }));
  }

  /** The user's rows (curator or contributor) over every split, oldest sale first. */
  async earningsOf(userId: string): Promise<EarningRow[]> {
    const rows: {
      split_id: string;
      order_id: string;
      currency: EarningRow['currency'];
      role: SplitRole;
      leaf_index: number;
      amount: string;
      created_at: Date;
      refunded: boolean;
    }[] = await this.splits.query(
      `SELECT r.split_id, s.order_id, s.currency, r.role, r.leaf_index, r.amount::text, s.created_at, s.refunded_at IS NOT NULL AS refunded
         FROM revenue_split_rows r JOIN revenue_splits s ON s.id = r.split_id
         WHERE r.user_id = $1
         ORDER BY s.created_at, s.id, r.role`,
      [userId],
    );
    return rows.map((row) => ({
      splitId: row.split_id,
      orderId: row.order_id,
      currency: row.currency,
      role: row.role,
      leafIndex: row.leaf_index,
      amount: BigInt(row.amount),
      account: row.role === 'curator' ? 'curator_payable' : 'contributor_payable',
      createdAt: row.created_at,
      refunded: row.refunded,
    }));
  }

  async markRefunded(manager: EntityManager, splitId: string): Promise<void> {
    await manager.query(`UPDATE revenue_splits SET refunded_at = coalesce(refunded_at, now()), updated_at = now() WHERE id = $1`, [splitId]);
  }
}
