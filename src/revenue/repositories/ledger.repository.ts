import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import type { SplitCurrency } from '../../provenance/split-leaf.js';
import { pgIntegerArray, pgTextArray } from '../split-pg-arrays.js';

export type LedgerAccount = 'buyer_payments' | 'platform_revenue' | 'curator_payable' | 'contributor_payable' | 'treasury' | 'payouts' | 'refunds';
export type PayableAccount = Extract<LedgerAccount, 'curator_payable' | 'contributor_payable'>;

/** One posting: `amount` (signed minor units) changes the balance of `account` (of `ownerId` for payables) in `currency`. */
export interface LedgerLine {
  account: LedgerAccount;
  ownerId: string | null;
  currency: SplitCurrency;
  amount: bigint;
}

export interface LedgerEntry {
  id: string;
  kind: 'sale' | 'refund' | 'payout';
  orderId?: string;
  payoutId?: string;
  description: string;
  lines: LedgerLine[];
}

export interface PayableBalance {
  ownerId: string;
  account: PayableAccount;
  currency: SplitCurrency;
  balance: bigint;
}

/** Checked here and again by the database's triggers: at least two lines, summing to zero in every currency. */
export function assertBalanced(entry: LedgerEntry): void {
  const sums = new Map<string, bigint>();
  for (const line of entry.lines) {
    if (line.amount === 0n) throw new Error(`ledger entry ${entry.id} has a zero line for ${line.account}`);
    sums.set(line.currency, (sums.get(line.currency) ?? 0n) + line.amount);
  }
  if (entry.lines.length < 2 || [...sums.values()].some((sum) => sum !== 0n)) {
    throw new Error(`ledger entry ${entry.id} (${entry.kind}) is not balanced`);
  }
}

/**
 * The double-entry ledger: append-only entries of signed lines. Balances are sums of lines, never stored. Sign
 * convention: a line is the change of its account's balance; money owed to payees shows as positive payables,
 * money that came in from buyers as a negative `buyer_payments`, money that went out as positive `payouts`/`refunds`.
 */
@Injectable()
export class LedgerRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /**
   * Posts entries with all their lines in one statement (the lines' statement trigger checks every entry at once).
   * An entry whose order/kind or payout already has one is skipped with its lines: answers the ids posted.
   */
  async post(manager: EntityManager, entries: readonly LedgerEntry[]): Promise<Set<string>> {
    entries.forEach(assertBalanced);
    if (entries.length === 0) return new Set();
    // Column arrays in one pass (a sale entry has 10,000 lines), sent as array literals (split-pg-arrays.ts).
    const entryIds: string[] = [];
    const indexes: number[] = [];
    const accounts: string[] = [];
    const owners: (string | null)[] = [];
    const currencies: string[] = [];
    const amounts: bigint[] = [];
    for (const entry of entries) {
      entry.lines.forEach((line, index) => {
        entryIds.push(entry.id);
        indexes.push(index);
        accounts.push(line.account);
        owners.push(line.ownerId);
        currencies.push(line.currency);
        amounts.push(line.amount);
      });
    }
    // The lines' trigger runs after the whole statement, so it sees the entries inserted beside them.
    const inserted: { id: string }[] = await manager.query(
      `WITH entries AS (
         INSERT INTO revenue_ledger_entries (id, kind, order_id, payout_id, description)
         SELECT * FROM unnest($1::uuid[], $2::text[], $3::uuid[], $4::uuid[], $5::text[])
         ON CONFLICT DO NOTHING
         RETURNING id),
       lines AS (
         INSERT INTO revenue_ledger_lines (entry_id, line, account, owner_id, currency, amount)
         SELECT l.* FROM unnest($6::uuid[], $7::int[], $8::text[], $9::uuid[], $10::text[], $11::bigint[]) AS l (entry_id, line, account, owner_id, currency, amount)
         WHERE l.entry_id IN (SELECT id FROM entries))
       SELECT id FROM entries`,
      [
        entries.map((e) => e.id),
        entries.map((e) => e.kind),
        entries.map((e) => e.orderId ?? null),
        entries.map((e) => e.payoutId ?? null),
        entries.map((e) => e.description),
        pgTextArray(entryIds),
        pgIntegerArray(indexes),
        pgTextArray(accounts),
        pgTextArray(owners),
        pgTextArray(currencies),
        pgIntegerArray(amounts),
      ],
    );
    return new Set(inserted.map((row) => row.id));
  }

  /**
   * Reverses the order's sale entry: every line negated, the buyer's payment going to `refunds` instead of coming
   * back out of `buyer_payments`. Answers false when there is no sale entry or the refund was already posted.
   */
  async reverseSale(manager: EntityManager, orderId: string, refundEntryId: string, description: string): Promise<boolean> {
    const inserted: unknown[] = await manager.query(
      `INSERT INTO revenue_ledger_entries (id, kind, order_id, description)
       SELECT $2, 'refund', $1, $3 WHERE EXISTS (SELECT 1 FROM revenue_ledger_entries WHERE order_id = $1 AND kind = 'sale')
       ON CONFLICT DO NOTHING
       RETURNING id`,
      [orderId, refundEntryId, description],
    );
    if (inserted.length === 0) return false;
    await manager.query(
      `INSERT INTO revenue_ledger_lines (entry_id, line, account, owner_id, currency, amount)
       SELECT $2, l.line, CASE WHEN l.account = 'buyer_payments' THEN 'refunds' ELSE l.account END, l.owner_id, l.currency, -l.amount
       FROM revenue_ledger_lines l JOIN revenue_ledger_entries e ON e.id = l.entry_id
       WHERE e.order_id = $1 AND e.kind = 'sale'`,
      [orderId, refundEntryId],
    );
    return true;
  }

  /**
   * Positive payable balances, per owner, account and currency, that have no payout open (sending or pending), as
   * `manager` sees them (a planning transaction, or the data source's own manager for a read outside any).
   */
  async payableWithoutOpenPayout(manager: EntityManager): Promise<PayableBalance[]> {
    const rows: { owner_id: string; account: PayableAccount; currency: SplitCurrency; balance: string }[] = await manager.query(
      `SELECT l.owner_id, l.account, l.currency, sum(l.amount)::text AS balance
       FROM revenue_ledger_lines l
       WHERE l.account IN ('curator_payable', 'contributor_payable')
         AND NOT EXISTS (SELECT 1 FROM revenue_payouts p
                         WHERE p.payee_id = l.owner_id AND p.account = l.account AND p.currency = l.currency AND p.status <> 'paid')
       GROUP BY l.owner_id, l.account, l.currency
       HAVING sum(l.amount) > 0
       ORDER BY l.owner_id, l.account, l.currency`,
    );
    return rows.map((row) => ({ ownerId: row.owner_id, account: row.account, currency: row.currency, balance: BigInt(row.balance) }));
  }

  /** Every account's balance per owner and currency (sums of lines), for checks and the admin console. */
  async balances(): Promise<{ account: LedgerAccount; ownerId: string | null; currency: SplitCurrency; balance: bigint }[]> {
    const rows: { account: LedgerAccount; owner_id: string | null; currency: SplitCurrency; balance: string }[] = await this.dataSource.query(
      `SELECT account, owner_id, currency, sum(amount)::text AS balance FROM revenue_ledger_lines GROUP BY account, owner_id, currency ORDER BY 1, 2, 3`,
    );
    return rows.map((row) => ({ account: row.account, ownerId: row.owner_id, currency: row.currency, balance: BigInt(row.balance) }));
  }
}
