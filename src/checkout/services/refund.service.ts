import { randomUUID } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Address } from '@solana/kit';
import { DataSource } from 'typeorm';
import { SolanaLedger } from '../../chain/solana-ledger.port.js';
import { CheckoutErrorCode, CheckoutException } from '../checkout.exception.js';
import type { OrderResponse } from '../dto/order.response.js';
import type { PaymentEntity } from '../entities/payment.entity.js';
import { OrderRepository } from '../repositories/order.repository.js';
import { PaymentRepository } from '../repositories/payment.repository.js';
import { StripeGateway } from '../../stripe/stripe-gateway.port.js';
import { OrderPresenterService } from './order-presenter.service.js';
import { OrderSettlementService } from './order-settlement.service.js';
import { sendUsdcRefund } from './treasury-refunds.js';

/** Refunds: the decision (licence revoked at once) and the money going back (Stripe refund or USDC transfer). */
@Injectable()
export class RefundService {
  private readonly logger = new Logger(RefundService.name);

  constructor(
    private readonly settlement: OrderSettlementService,
    private readonly orders: OrderRepository,
    private readonly payments: PaymentRepository,
    private readonly stripe: StripeGateway,
    private readonly ledger: SolanaLedger,
    private readonly presenter: OrderPresenterService,
    @InjectDataSource() private readonly dataSource: DataSource,
  ) {}

  /** An admin refund: idempotent; a second call finds the order refunded and changes nothing. */
  async refund(orderId: string, reason: string): Promise<OrderResponse> {
    await this.settlement.requestRefund(orderId, reason);
    try {
      await this.send(orderId);
    } catch (error) {
      // The checkout.refund job queued with the decision retries it.
      this.logger.warn(`refund of order ${orderId} not sent yet: ${error instanceof Error ? error.message : String(error)}`);
    }
    const order = await this.orders.findById(orderId);
    if (!order) throw new CheckoutException(CheckoutErrorCode.ORDER_NOT_FOUND, `No order ${orderId}`);
    return this.presenter.present(order);
  }

  /**
   * Sends a refunded order's money back once and records it. The order's row lock is held across the transfer, so
   * the job and a direct call never both send; the refund row commits with it.
   */
  async send(orderId: string): Promise<PaymentEntity | null> {
    return this.dataSource.transaction(async (manager) => {
      const order = await this.settlement.lock(orderId, manager);
      if (order.status !== 'refunded') return null;
      const done = await this.payments.findForOrder(orderId, 'refund', manager);
      if (done) return done;
      const charge = await this.payments.findForOrder(orderId, 'charge', manager);
      if (!charge) return null;
      let reference: string;
      if (order.paymentMethod === 'card') {
        reference = await this.stripe.refund({ orderId, paymentIntentId: charge.externalReference, amountCents: charge.amountMinor });
      } else {
        if (!order.payerAddress) throw new CheckoutException(CheckoutErrorCode.REFUND_FAILED, `Order ${orderId} has no payer address to refund`);
        try {
          reference = await sendUsdcRefund(this.ledger, order.payerAddress as Address, BigInt(charge.amountMinor), orderId);
        } catch (error) {
          throw new CheckoutException(
            CheckoutErrorCode.REFUND_FAILED,
            `USDC refund of order ${orderId} failed: ${error instanceof Error ? error.message : String(error)}`,
          );
        }
      }
      const refund: PaymentEntity = {
        id: randomUUID(),
        orderId,
        kind: 'refund',
        method: order.paymentMethod,
        amountMinor: charge.amountMinor,
        currency: charge.currency,
        externalReference: reference,
        createdAt: new Date(),
      };
      await this.payments.insert(refund, manager);
      return refund;
    });
  }
}
