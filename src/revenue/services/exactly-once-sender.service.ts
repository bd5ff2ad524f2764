import { randomUUID } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { type Address, address } from '@solana/kit';
import { DataSource, EntityManager } from 'typeorm';
import { type LedgerReceipt, SolanaLedger } from '../../chain/solana-ledger.port.js';
import { LEASE_SECONDS, whileLeased } from '../../common/renewed-lease.js';
import { type ChainOutboxTable, ChainOutboxRepository, type OutboxConfirmation } from '../repositories/chain-outbox.repository.js';

export type SendOutcome = 'confirmed' | 'already-confirmed' | 'busy';

/**
 * Sends the transaction of an outbox row (a sale's split memo, a payout batch) AT MOST ONCE, and eventually, the way
 * the provenance anchors do (src/provenance/services/anchor-recorder.service.ts):
 * 1. each row has a fresh reference address, committed with the row and never changed, carried by its transaction;
 * 2. before every send the reference is looked up on the ledger; a treasury-paid transaction found there is adopted
 *    (after checking that its memo is this row's) instead of sending again;
 * 3. a lookup that finds nothing proves nothing while an earlier send may still land, so a send happens only when
 *    the last one started at least `ledger.landingWindowSeconds` ago; the send time is committed before sending;
 * 4. one sender at a time per row, on any instance: a short lease on the row, renewed while the sender lives (the job
 *    claim alone would not stop the admin route and a job from overlapping), which only its holder can use: a sender
 *    whose lease ran out (and may have been taken) does not mark the row as sending, so it never sends.
 * The row's effects (`onConfirmed`: ledger entries, payout states) commit in one transaction with its confirmation,
 * so a crash between "sent" and "booked" is recovered by step 2 and never books twice.
 */
@Injectable()
export class ExactlyOnceSenderService {
  private readonly logger = new Logger(ExactlyOnceSenderService.name);

  constructor(
    private readonly outbox: ChainOutboxRepository,
    private readonly ledger: SolanaLedger,
    @InjectDataSource() private readonly dataSource: DataSource,
  ) {}

  async send(
    table: ChainOutboxTable,
    id: string,
    transmit: (reference: Address, memo: string) => Promise<LedgerReceipt>,
    onConfirmed: (manager: EntityManager, confirmation: OutboxConfirmation) => Promise<void>,
  ): Promise<SendOutcome> {
    const token = randomUUID();
    const row = await this.outbox.lease(table, id, token, LEASE_SECONDS);
    if (!row) return (await this.outbox.isConfirmed(table, id)) ? 'already-confirmed' : 'busy';
    const lease = {
      what: `${table} ${id}`,
      renew: () => this.outbox.renewLease(table, id, token, LEASE_SECONDS),
      release: () => this.outbox.release(table, id, token),
    };
    return whileLeased(lease, this.logger, async (): Promise<SendOutcome> => {
      try {
        const reference = address(row.reference);
        let receipt = await this.ledger.findByReference(reference);
        if (receipt) {
          const memo = await this.ledger.findMemo(receipt.signature);
          if (memo !== row.memo)
            throw new Error(`transaction ${receipt.signature} carries the reference of ${table} ${id} but records ${JSON.stringify(memo)}`);
          this.logger.log(`adopting ${receipt.signature}, landed by an earlier attempt, for ${table} ${id}`);
        } else {
          if (await this.outbox.sentWithin(table, id, this.ledger.landingWindowSeconds)) {
            throw new Error('the previous transaction may still land; looking it up again later');
          }
          if (!(await this.outbox.markSending(table, id, token))) {
            throw new Error('the lease on this row ran out before sending; another worker may hold it now');
          }
          receipt = await transmit(reference, row.memo);
        }
        const confirmation = { cluster: this.ledger.cluster, signature: receipt.signature, slot: receipt.slot };
        await this.dataSource.transaction(async (manager) => {
          if (await this.outbox.markConfirmed(manager, table, id, confirmation)) await onConfirmed(manager, confirmation);
        });
        return 'confirmed';
      } catch (error) {
        await this.outbox.recordFailure(table, id, error instanceof Error ? error.message : String(error));
        throw error;
      }
    });
  }
}
