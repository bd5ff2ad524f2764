import { Injectable } from '@nestjs/common';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import { DataSource, EntityManager, In, Repository } from 'typeorm';
import type { SplitCurrency } from '../../provenance/split-leaf.js';
import { PayoutMethodEntity } from '../entities/payout-method.entity.js';
import type { TransferPart } from '../payout-allocation.js';
import type { PayableAccount } from './ledger.repository.js';

export type PayoutStatus = 'sending' | 'pending' | 'paid';

export interface PayoutRow {
  id: string;
  runId: string;
  batchId: string | null;
  payeeId: string;
  account: PayableAccount;
  /** The payable's currency and the amount taken from it. */
  currency: SplitCurrency;
  amount: bigint;
  method: 'usdc' | 'stripe';
  destination: string;
  /** What is sent: USD earnings paid as USDC at par (1 cent = 10,000 base units). */
  payCurrency: SplitCurrency;
  payAmount: bigint;
  status: PayoutStatus;
  reason: string | null;
  txSignature: string | null;
}

export interface NewPayoutBatch {
  id: string;
  runId: string;
  memo: string;
  reference: string;
  /** The address lookup table holding the batch's token accounts; null for a batch sent without one. */
  lookupTable: string | null;
}

interface RawPayout {
  id: string;
  run_id: string;
  batch_id: string | null;
  payee_id: string;
  account: PayableAccount;
  currency: SplitCurrency;
  amount: string;
  method: 'usdc' | 'stripe';
  destination: string;
  pay_currency: SplitCurrency;
  pay_amount: string;
  status: PayoutStatus;
  reason: string | null;
  tx_signature: string | null;
}

const COLUMNS = `id, run_id, batch_id, payee_id, account, currency, amount::text, method, destination, pay_currency, pay_amount::text, status, reason, tx_signature`;

function toPayout(row: RawPayout): PayoutRow {
  return {
    id: row.id,
    runId: row.run_id,
    batchId: row.batch_id,
    payeeId: row.payee_id,
    account: row.account,
    currency: row.currency,
    amount: BigInt(row.amount),
    method: row.method,
    destination: row.destination,
    payCurrency: row.pay_currency,
    payAmount: BigInt(row.pay_amount),
    status: row.status,
    reason: row.reason,
    txSignature: row.tx_signature,
  };
}

@Injectable()
export class PayoutRepository {
  constructor(
    @InjectRepository(PayoutMethodEntity) private readonly methods: Repository<PayoutMethodEntity>,
    @InjectDataSource() private readonly dataSource: DataSource,
  ) {}

  async saveMethod(method: Pick<PayoutMethodEntity, 'userId' | 'kind' | 'wallet' | 'account' | 'updatedAt'>): Promise<void> {
    await this.methods.upsert(method, ['userId']);
  }

  findMethod(userId: string): Promise<PayoutMethodEntity | null> {
    return this.methods.findOne({ where: { userId } });
  }

  async methodsOf(userIds: readonly string[]): Promise<Map<string, PayoutMethodEntity>> {
    if (userIds.length === 0) return new Map();
    const rows = await this.methods.find({ where: { userId: In([...new Set(userIds)]) } });
    return new Map(rows.map((row) => [row.userId, row]));
  }

  /**
   * Inserts the run's batches and payouts. The unique index on open payouts (one per payee, account and currency)
   * makes a concurrent run's duplicate fail the whole transaction rather than pay twice.
   */
  async insertPlan(manager: EntityManager, batches: readonly NewPayoutBatch[], payouts: readonly Omit<PayoutRow, 'txSignature'>[]): Promise<void> {
    if (batches.length > 0) {
      await manager.query(
        `INSERT INTO revenue_payout_batches (id, run_id, memo, reference, lookup_table)
         SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::text[], $5::text[])`,
        [
          batches.map((b) => b.id),
          batches.map((b) => b.runId),
          batches.map((b) => b.memo),
          batches.map((b) => b.reference),
          batches.map((b) => b.lookupTable),
        ],
      );
    }
    if (payouts.length === 0) return;
    const column = <K extends Exclude<keyof PayoutRow, 'txSignature'>>(key: K) =>
      payouts.map((p) => (typeof p[key] === 'bigint' ? String(p[key]) : p[key]));
    await manager.query(
      `INSERT INTO revenue_payouts (id, run_id, batch_id, payee_id, account, currency, amount, method, destination, pay_currency, pay_amount, status, reason)
       SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::uuid[], $5::text[], $6::text[], $7::bigint[], $8::text[], $9::text[], $10::text[],
                            $11::bigint[], $12::text[], $13::text[])`,
      [
        column('id'),
        column('runId'),
        column('batchId'),
        column('payeeId'),
        column('account'),
        column('currency'),
        column('amount'),
        column('method'),
        column('destination'),
        column('payCurrency'),
        column('payAmount'),
        column('status'),
        column('reason'),
      ],
    );
  }

  async ofBatch(batchId: string): Promise<PayoutRow[]> {
    const rows: RawPayout[] = await this.dataSource.query(`SELECT ${COLUMNS} FROM revenue_payouts WHERE batch_id = $1 ORDER BY id`, [batchId]);
    return rows.map(toPayout);
  }

  /** The lookup table recorded for each wallet that has one. */
  async lookupTablesOf(wallets: readonly string[]): Promise<Map<string, string>> {
    if (wallets.length === 0) return new Map();
    const rows: { wallet: string; lookup_table: string }[] = await this.dataSource.query(
      `SELECT wallet, lookup_table FROM revenue_payout_lookup_entries WHERE wallet = ANY($1::text[])`,
      [wallets],
    );
    return new Map(rows.map((row) => [row.wallet, row.lookup_table]));
  }

  /** Records the table holding each wallet's token account; a wallet recorded already (a concurrent run) keeps its table. */
  async recordLookupTable(table: string, wallets: readonly string[]): Promise<void> {
    await this.dataSource.query(
      `INSERT INTO revenue_payout_lookup_entries (wallet, lookup_table) SELECT unnest($1::text[]), $2 ON CONFLICT (wallet) DO NOTHING`,
      [wallets, table],
    );
  }

  async batchLookupTable(batchId: string): Promise<string | null> {
    const rows: { lookup_table: string | null }[] = await this.dataSource.query(`SELECT lookup_table FROM revenue_payout_batches WHERE id = $1`, [
      batchId,
    ]);
    return rows[0]?.lookup_table ?? null;
  }

  /** Stripe payouts not booked yet (this run's and any an earlier run left behind), oldest first. */
  async stripePayoutsToSend(): Promise<PayoutRow[]> {
    const rows: RawPayout[] = await this.dataSource.query(
      `SELECT ${COLUMNS} FROM revenue_payouts WHERE method = 'stripe' AND status = 'sending' ORDER BY created_at, id`,
    );
    return rows.map(toPayout);
  }

  /** Stripe payouts recorded while Stripe was not configured become sendable once it is; answers how many. */
  async releasePendingStripePayouts(): Promise<number> {
    const rows: { id: string }[] = await this.dataSource.query(
      `WITH released AS (
         UPDATE revenue_payouts SET status = 'sending', reason = NULL WHERE method = 'stripe' AND status = 'pending' RETURNING id)
       SELECT id FROM released`,
    );
    return rows.length;
  }

  /** sending -> paid for one payout, in the caller's transaction; null when it was already booked (by another sender). */
  async markPaid(manager: EntityManager, payoutId: string, reference: string): Promise<PayoutRow | null> {
    const rows: RawPayout[] = await manager.query(
      `WITH paid AS (
         UPDATE revenue_payouts SET status = 'paid', tx_signature = $2, paid_at = now()
         WHERE id = $1 AND status = 'sending'
         RETURNING ${COLUMNS})
       SELECT * FROM paid`,
      [payoutId, reference],
    );
    return rows[0] ? toPayout(rows[0]) : null;
  }

  /**
   * The Stripe transfers a payout is sent as: the parts given on its first send, fixed from then on (a retry gets
   * the stored ones back, so it sends the same transfers whatever the payee's earnings did in between).
   */
  async fixTransferParts(payoutId: string, parts: readonly TransferPart[]): Promise<TransferPart[]> {
    const json = JSON.stringify(parts.map((part) => ({ orderId: part.orderId, amount: part.amount.toString() })));
    const rows: { parts: { orderId: string | null; amount: string }[] }[] = await this.dataSource.query(
      `WITH fixed AS (
         UPDATE revenue_payouts SET transfer_parts = coalesce(transfer_parts, $2::jsonb) WHERE id = $1 RETURNING transfer_parts AS parts)
       SELECT parts FROM fixed`,
      [payoutId, json],
    );
    return rows[0].parts.map((part) => ({ orderId: part.orderId, amount: BigInt(part.amount) }));
  }

  /** What the payee's payouts made before this one took from the same payable (account and currency). */
  async takenBefore(payoutId: string): Promise<bigint> {
    const rows: { total: string }[] = await this.dataSource.query(
      `SELECT coalesce(sum(p.amount), 0)::text AS total
         FROM revenue_payouts me
         JOIN revenue_payouts p ON p.payee_id = me.payee_id AND p.account = me.account AND p.currency = me.currency
        WHERE me.id = $1 AND (p.created_at, p.id) < (me.created_at, me.id)`,
      [payoutId],
    );
    return BigInt(rows[0].total);
  }

  /** sending -> paid for every payout of the batch, in the caller's transaction; answers the payouts it changed. */
  async markBatchPaid(manager: EntityManager, batchId: string, signature: string): Promise<PayoutRow[]> {
    const rows: RawPayout[] = await manager.query(
      `WITH paid AS (
         UPDATE revenue_payouts SET status = 'paid', tx_signature = $2, paid_at = now()
         WHERE batch_id = $1 AND status = 'sending'
         RETURNING ${COLUMNS})
       SELECT * FROM paid`,
      [batchId, signature],
    );
    return rows.map(toPayout);
  }

  async ofRun(runId: string): Promise<PayoutRow[]> {
    const rows: RawPayout[] = await this.dataSource.query(
      `SELECT ${COLUMNS} FROM revenue_payouts WHERE run_id = $1 ORDER BY payee_id, account, currency`,
      [runId],
    );
    return rows.map(toPayout);
  }

  /** Batches not confirmed yet, oldest first: this run's and any an earlier run left behind. */
  async pendingBatchIds(): Promise<string[]> {
    const rows: { id: string }[] = await this.dataSource.query(
      `SELECT id FROM revenue_payout_batches WHERE status = 'pending' ORDER BY created_at, id`,
    );
    return rows.map((row) => row.id);
  }

  /** What the user has been paid, per payable account and currency of the earnings it settled. */
  async paidTotals(userId: string): Promise<Map<string, bigint>> {
    const rows: { account: string; currency: string; total: string }[] = await this.dataSource.query(
      `SELECT account, currency, sum(amount)::text AS total FROM revenue_payouts WHERE payee_id = $1 AND status = 'paid' GROUP BY account, currency`,
      [userId],
    );
    return new Map(rows.map((row) => [`${row.account}|${row.currency}`, BigInt(row.total)]));
  }
}
