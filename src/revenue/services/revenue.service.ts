import { randomBytes, randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { getAddressDecoder } from '@solana/kit';
import type { EntityManager } from 'typeorm';
import { UserDirectoryService } from '../../auth/services/user-directory.service.js';
import { CatalogSalesService } from '../../catalog/services/catalog-sales.service.js';
import { SolanaLedger } from '../../chain/solana-ledger.port.js';
import { AppConfig } from '../../config/app-config.js';
import { JobsService } from '../../queue/jobs.service.js';
import { toHex } from '../../provenance/merkle-tree.js';
import { formatMemoRecord } from '../../provenance/memo-record.js';
import type { SaleBasis } from '../entities/split.entity.js';
import { LedgerRepository, type LedgerLine } from '../repositories/ledger.repository.js';
import { SplitRepository } from '../repositories/split.repository.js';
import { RevenueErrorCode, RevenueException } from '../revenue.exception.js';
import { recordSplitQueue } from '../revenue.jobs.js';
import { computeSplit } from '../split-calculator.js';
import { type SplitParty, orderSplitLeaves, splitMerkleRoot } from '../split-tree.js';

/** Everything a sale's split needs that lives outside the payment transaction, read before it opens. */
export interface PreparedSale {
  datasetId: string;
  version: number;
  platformFeeBps: number;
  curatorId: string;
  curatorBps: number;
  contributors: { userId: string; weight: bigint }[];
  /** The leaf payee of each user: their sign-in wallet (base58), else their user id. */
  payees: Record<string, string>;
  /** The platform row's payee: the treasury wallet. */
  platformPayee: string;
  /** A slice sale's weights (null: the version's frozen ones), recorded with the split. */
  basis: SaleBasis | null;
}

export interface SaleFacts {
  orderId: string;
  datasetId: string;
  version: number;
  buyerId: string;
  currency: 'USD' | 'USDC';
  /** What the buyer paid, in minor units (cents, USDC base units). */
  gross: bigint;
  /** Stripe payment intent or Solana signature. */
  paymentReference: string;
}

/**
 * The hooks checkout calls when money moves. Call sequence, so that checkout's transaction never waits on a second
 * connection (a transaction holds one pooled connection; the catalog and the user directory read on their own):
 *
 *   const prepared = await revenue.prepareSale(order.datasetId, order.version);   // before the transaction
 *   await dataSource.transaction(async (manager) => {
 *     ...record the payment...
 *     await revenue.recordSale(manager, { orderId, datasetId, version, buyerId, currency, gross, paymentReference }, prepared);
 *   });
 *
 *   // refund (inside the transaction that records the refund; nothing to read before):
 *   await revenue.recordRefund(manager, { orderId, reference: refundReference });
 *
 * Both are idempotent per order, write only through `manager`, and leave the on-chain work to a job queued in the
 * same transaction (the split row is its outbox), so they commit or roll back with the payment.
 */
@Injectable()
export class RevenueService {
  constructor(
    private readonly catalog: CatalogSalesService,
    private readonly users: UserDirectoryService,
    private readonly splits: SplitRepository,
    private readonly ledgerBook: LedgerRepository,
    private readonly jobs: JobsService,
    private readonly chain: SolanaLedger,
    private readonly config: AppConfig,
  ) {}

  /**
   * Reads the version's frozen split inputs and the payees' wallets. REVENUE_SALE_NOT_SPLITTABLE when the version does
   * not exist. A slice sale (issue 13) passes `delivered`: what each contributor's files in the slice measure in the
   * unit the slice was priced by (metres, milliseconds or bytes); only they share the contributors' part, in those
   * proportions, and the version's curator share still applies.
   */
  async prepareSale(
    datasetId: string,
    version: number,
    slice?: { unit: SaleBasis['unit']; delivered: readonly { contributorId: string; weight: bigint }[] },
  ): Promise<PreparedSale> {
    const delivered = slice?.delivered;
    const inputs = await this.catalog.splitInputs(datasetId, version);
    if (!inputs)
      throw new RevenueException(RevenueErrorCode.SALE_NOT_SPLITTABLE, `No published version ${version} of dataset ${datasetId} to split a sale of`);
    const contributors = delivered
      ? [...delivered].sort((a, b) => (a.contributorId < b.contributorId ? -1 : a.contributorId > b.contributorId ? 1 : 0))
      : inputs.contributors.map((c) => ({ contributorId: c.contributorId, weight: BigInt(c.weight) }));
    const ids = [inputs.curatorId, ...contributors.map((c) => c.contributorId)];
    const wallets = await this.users.walletsOf(ids);
    return {
      datasetId,
      version,
      platformFeeBps: this.config.PLATFORM_FEE_BPS,
      curatorId: inputs.curatorId,
      curatorBps: inputs.splitPolicy?.curatorBps ?? 0,
      contributors: contributors.map((c) => ({ userId: c.contributorId, weight: c.weight })),
      payees: Object.fromEntries(ids.map((id) => [id, wallets.get(id) ?? id])),
      platformPayee: this.chain.treasuryAddress,
      basis: slice
        ? { kind: 'slice', unit: slice.unit, delivered: Object.fromEntries(contributors.map((c) => [c.contributorId, c.weight.toString()])) }
        : null,
    };
  }

  /**
   * Splits the sale, writes its rows and Merkle root, posts the balanced sale entry and queues the on-chain record,
   * all through `manager`. Idempotent per order: a second call answers the first split.
   */
  async recordSale(manager: EntityManager, sale: SaleFacts, prepared: PreparedSale): Promise<{ splitId: string }> {
    if (prepared.datasetId !== sale.datasetId || prepared.version !== sale.version) {
      throw new RevenueException(
        RevenueErrorCode.SALE_MISMATCH,
        `Prepared for ${prepared.datasetId} v${prepared.version}, not the sold ${sale.datasetId} v${sale.version}`,
      );
    }
    const existing = await this.splits.findByOrderInTransaction(manager, sale.orderId);
    if (existing) return { splitId: existing.id };

    const splitId = randomUUID();
    const shares = computeSplit({
      gross: sale.gross,
      platformFeeBps: prepared.platformFeeBps,
      curatorBps: prepared.curatorBps,
      contributors: prepared.contributors.map((c) => ({ id: c.userId, weight: c.weight })),
    });
    const parties: SplitParty[] = [{ role: 'platform', payee: prepared.platformPayee, userId: null, amount: shares.platform }];
    if (prepared.curatorBps > 0 || prepared.contributors.length === 0) {
      parties.push({ role: 'curator', payee: prepared.payees[prepared.curatorId], userId: prepared.curatorId, amount: shares.curator });
    }
    for (const { id, amount } of shares.contributors) parties.push({ role: 'contributor', payee: prepared.payees[id], userId: id, amount });

    const lines: LedgerLine[] = [{ account: 'buyer_payments', ownerId: null, currency: sale.currency, amount: -sale.gross }];
    for (const party of parties) {
      if (party.amount === 0n) continue;
      const account = party.role === 'platform' ? 'platform_revenue' : party.role === 'curator' ? 'curator_payable' : 'contributor_payable';
      lines.push({ account, ownerId: party.userId, currency: sale.currency, amount: party.amount });
    }
    // The sale entry goes first, and the split's leaves and Merkle root (about 30,000 hashes) are computed while the
    // database inserts its lines: one turn of the event loop hands the statement to the socket. A bad leaf field
    // throws here and the caller's transaction rolls the entry back. A second recordSale of the same order in a
    // concurrent transaction waits on the entry's unique index, then posts nothing and answers the first split.
    const posting = this.ledgerBook.post(manager, [
      { id: randomUUID(), kind: 'sale', orderId: sale.orderId, description: `sale ${sale.paymentReference}`, lines },
    ]);
    posting.catch(() => undefined); // awaited below; only keeps a failure from counting as unhandled meanwhile
    await new Promise<void>((resolve) => setImmediate(resolve));
    const { rows, leaves } = orderSplitLeaves(splitId, sale.currency, parties);
    const merkleRoot = toHex(splitMerkleRoot(leaves));
    await posting;

    const inserted = await this.splits.insertIfAbsent(manager, {
      id: splitId,
      orderId: sale.orderId,
      datasetId: sale.datasetId,
      version: sale.version,
      buyerId: sale.buyerId,
      currency: sale.currency,
      gross: sale.gross,
      paymentReference: sale.paymentReference,
      platformFeeBps: prepared.platformFeeBps,
      curatorBps: prepared.curatorBps,
      merkleRoot,
      memo: formatMemoRecord({ kind: 'split', splitId, root: merkleRoot }),
      reference: getAddressDecoder().decode(randomBytes(32)),
      basis: prepared.basis,
    });
    if (!inserted) {
      const first = await this.splits.findByOrderInTransaction(manager, sale.orderId);
      if (!first) throw new Error(`the split of order ${sale.orderId} was neither inserted nor found`);
      return { splitId: first.id };
    }
    await this.splits.insertRows(manager, splitId, rows);
    // A retry never comes before an earlier send can no longer land (the sender would only wait again).
    const minRetryDelaySeconds = this.chain.landingWindowSeconds;
    await this.jobs.send(manager, recordSplitQueue, { splitId }, { key: `revenue.record-split:${splitId}`, minRetryDelaySeconds });
    return { splitId };
  }

  /** Reverses the order's sale entry (balanced) and marks its split refunded. Idempotent; a no-op for an order never split. */
  async recordRefund(manager: EntityManager, refund: { orderId: string; reference: string }): Promise<void> {
    const split = await this.splits.findByOrderInTransaction(manager, refund.orderId);
    if (!split) return;
    await this.ledgerBook.reverseSale(manager, refund.orderId, randomUUID(), `refund ${refund.reference}`);
    await this.splits.markRefunded(manager, split.id);
  }
}
