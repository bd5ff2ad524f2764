import { randomUUID } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { LEASE_SECONDS, whileLeased } from '../../common/renewed-lease.js';
import type { OrderRefund } from '../entities/order-refund.entity.js';
import { chargeReference } from '../entities/payment.entity.js';
import type { RefundToSend } from '../payment-methods/payment-method.js';
import { PaymentMethodRegistry } from '../payment-methods/payment-method.registry.js';
import { PaymentRepository } from '../repositories/payment.repository.js';
import { RefundRepository } from '../repositories/refund.repository.js';

export type RefundSendOutcome = 'sent' | 'already-sent' | 'held' | 'busy';

/** Every refund left unsent is being sent by another sender right now (the job, another instance). */
export class RefundsBusyError extends Error {}

/**
 * Sends refunds from the outbox (`order_refunds`) EXACTLY ONCE, and never while a database transaction or row
 * lock is held (the decision committed before; the network call runs on its own):
 * 1. one sender at a time per refund, on any instance: a short lease on its row, renewed while the sender lives, held
 *    under a token, so a sender whose lease ran out (and may have been taken) never marks the row as sending;
 * 2. before every send, the method's handler looks the refund up by its idempotency key or reference
 *    (findRefund); one found was made by an earlier attempt and is adopted, not sent again;
 * 3. a lookup that finds nothing proves nothing while an earlier send may still land, so a send happens only when
 *    the last one started at least the handler's refundLandingSeconds ago; the send time commits before sending;
 * 4. the refund payment is recorded in a second, short transaction, conditional on the row still being pending.
 * A crash between sending and recording is recovered by step 2 on the next attempt (the job retries).
 */
@Injectable()
export class RefundSenderService {
  private readonly logger = new Logger(RefundSenderService.name);

  constructor(
    private readonly refunds: RefundRepository,
    private readonly payments: PaymentRepository,
    private readonly methods: PaymentMethodRegistry,
    @InjectDataSource() private readonly dataSource: DataSource,
  ) {}

  /**
   * Sends every pending refund of the order (the checkout.refund job); throws when one is not sent yet (it failed,
   * or another sender holds it and may fail), so the job retries.
   */
  async sendPendingOf(orderId: string): Promise<void> {
    const failures: string[] = [];
    let busy = 0;
    for (const id of await this.refunds.pendingOf(orderId)) {
      try {
        if ((await this.send(id)) === 'busy') {
          busy += 1;
          failures.push(`refund ${id}: another sender is on it`);
        }
      } catch (error) {
        failures.push(`refund ${id}: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
    if (failures.length > 0) throw busy === failures.length ? new RefundsBusyError(failures.join('; ')) : new Error(failures.join('; '));
  }

  async send(refundId: string): Promise<RefundSendOutcome> {
    const token = randomUUID();
    const row = await this.refunds.lease(refundId, token, LEASE_SECONDS);
    if (!row) {
      const status = (await this.refunds.findById(refundId))?.status;
      return status === 'sent' ? 'already-sent' : status === 'held' ? 'held' : 'busy';
    }
    const lease = {
      what: `refund ${refundId}`,
      renew: () => this.refunds.renewLease(refundId, token, LEASE_SECONDS),
      release: () => this.refunds.release(row.id, token),
    };
    return whileLeased(lease, this.logger, async (): Promise<RefundSendOutcome> => {
      try {
        const refund = await this.toSend(row);
        const handler = this.methods.for(row.method);
        let reference = await handler.findRefund(refund);
        if (reference) {
          this.logger.log(`adopting ${reference}, sent by an earlier attempt, for refund ${row.id} of order ${row.orderId}`);
        } else {
          if (await this.refunds.sentWithin(row.id, handler.refundLandingSeconds)) {
            throw new Error('the previous send may still land; looking it up again later');
          }
          if (!(await this.refunds.markSending(row.id, token))) {
            throw new Error('the lease on this refund ran out before sending; another sender may hold it now');
          }
          reference = await handler.sendRefund(refund);
        }
        await this.record(row, reference);
        return 'sent';
      } catch (error) {
        await this.refunds.recordFailure(row.id, error instanceof Error ? error.message : String(error));
        throw error;
      }
    });
  }

  private async toSend(row: OrderRefund): Promise<RefundToSend> {
    const charge = await this.payments.findById(row.chargeId);
    if (!charge) throw new Error(`refund ${row.id} names a charge ${row.chargeId} that does not exist`);
    return {
      id: row.id,
      orderId: row.orderId,
      amountMinor: row.amountMinor,
      idempotencyKey: row.idempotencyKey,
      charge: { reference: chargeReference(charge), payer: charge.payer, amountMinor: charge.amountMinor },
    };
  }

  /** The refund payment and pending -> sent, once: a second recorder finds the row no longer pending. */
  private async record(row: OrderRefund, reference: string): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      if (!(await this.refunds.lockPending(manager, row.id))) return;
      const paymentId = randomUUID();
      await this.payments.insert(manager, {
        id: paymentId,
        orderId: row.orderId,
        kind: 'refund',
        method: row.method,
        amountMinor: row.amountMinor,
        currency: row.currency,
        externalReference: reference,
        providerReference: null,
        payer: null,
        refundOf: row.chargeId,
        createdAt: new Date(),
      });
      await this.refunds.markSent(manager, row.id, paymentId);
    });
  }
}
