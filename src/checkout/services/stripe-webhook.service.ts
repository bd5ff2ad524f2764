import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { type PreparedSale, RevenueService } from '../../revenue/services/revenue.service.js';
import type { StripeWebhookResponse } from '../dto/fulfilment.response.js';
import { OrderRepository } from '../repositories/order.repository.js';
import { StripeEventRepository } from '../repositories/stripe-event.repository.js';
import { StripeGateway, type StripeSessionFacts, type StripeWebhookEvent } from '../../stripe/stripe-gateway.port.js';
import { OrderSettlementService } from './order-settlement.service.js';

interface Applied {
  orderId: string | null;
  outcome: string;
}

/**
 * Stripe's webhook: the signature is checked on the raw body, then the event is processed once. Its id is claimed
 * in the same transaction as its effect, so a redelivery (even a concurrent one) changes nothing, and the order
 * state machine makes late and out-of-order events harmless.
 */
@Injectable()
export class StripeWebhookService {
  constructor(
    private readonly stripe: StripeGateway,
    private readonly events: StripeEventRepository,
    private readonly orders: OrderRepository,
    private readonly settlement: OrderSettlementService,
    private readonly revenue: RevenueService,
  ) {}

  async handle(rawBody: Buffer | undefined, signature: string | undefined): Promise<StripeWebhookResponse> {
    const event = this.stripe.verifyEvent(rawBody, signature);
    const type = event.type === 'ignored' ? event.stripeType : event.type;
    // The revenue split's inputs are read before the transaction, which must not wait on a second connection.
    const prepared = await this.prepareSale(event);
    return this.settlement.transaction(async (manager) => {
      if (!(await this.events.claim(event.id, type, manager))) {
        const earlier = await this.events.findOutcome(event.id, manager);
        return { received: true, duplicate: true, outcome: earlier?.outcome ?? 'processed' };
      }
      const { orderId, outcome } = await this.apply(event, manager, prepared);
      await this.events.recordOutcome(event.id, orderId, outcome, manager);
      return { received: true, duplicate: false, outcome };
    });
  }

  /** RevenueService.prepareSale for the order a paying session names; null for other events and unknown orders. */
  private async prepareSale(event: StripeWebhookEvent): Promise<PreparedSale | null> {
    if (event.type !== 'checkout.session.completed' && event.type !== 'checkout.session.async_payment_succeeded') return null;
    const order = event.session.orderId ? await this.orders.findById(event.session.orderId) : null;
    return order ? this.revenue.prepareSale(order.datasetId, order.version) : null;
  }

  private async apply(event: StripeWebhookEvent, manager: EntityManager, prepared: PreparedSale | null): Promise<Applied> {
    switch (event.type) {
      case 'checkout.session.completed':
        // Delayed methods (bank debits) complete the session unpaid; async_payment_succeeded pays it later.
        if (event.session.paymentStatus !== 'paid') {
          return {
            orderId: await this.knownOrder(event.session, manager),
            outcome: `awaiting payment (payment_status ${event.session.paymentStatus})`,
          };
        }
        return this.pay(event.session, manager, prepared);
      case 'checkout.session.async_payment_succeeded':
        return this.pay(event.session, manager, prepared);
      case 'checkout.session.async_payment_failed': {
        const orderId = await this.knownOrder(event.session, manager);
        if (!orderId) return { orderId: null, outcome: `ignored: no order for session ${event.session.id}` };
        const order = await this.settlement.failPayment(orderId, 'the payment failed at Stripe', manager);
        return { orderId, outcome: order.status === 'cancelled' ? 'cancelled: async payment failed' : `unchanged (order is ${order.status})` };
      }
      case 'charge.refunded': {
        const { charge } = event;
        if (!charge.refunded) return { orderId: null, outcome: `ignored: partial refund of ${charge.amountRefunded}` };
        const order = charge.paymentIntent ? await this.orders.findByPaymentIntent(charge.paymentIntent, manager) : null;
        if (!order) return { orderId: null, outcome: `ignored: no order paid by ${charge.paymentIntent ?? charge.id}` };
        const result = await this.settlement.refundedExternally(order.id, charge.refundId ?? `refund-of:${charge.id}`, manager);
        return { orderId: order.id, outcome: result === 'refunded' ? 'refunded' : 'unchanged (already refunded or not paid)' };
      }
      case 'ignored':
        return { orderId: null, outcome: `ignored ${event.stripeType}` };
    }
  }

  /** The order a session was opened for, when it names one we opened it for. */
  private async knownOrder(session: StripeSessionFacts, manager: EntityManager): Promise<string | null> {
    if (!session.orderId) return null;
    const order = await this.orders.findById(session.orderId, manager);
    return order && order.stripeSessionId === session.id ? order.id : null;
  }

  private async pay(session: StripeSessionFacts, manager: EntityManager, prepared: PreparedSale | null): Promise<Applied> {
    const orderId = await this.knownOrder(session, manager);
    if (!orderId || !prepared) return { orderId: null, outcome: `rejected: session ${session.id} does not belong to an order of this marketplace` };
    const reject = async (reason: string): Promise<Applied> => {
      await this.settlement.notePaymentError(orderId, reason, manager);
      return { orderId, outcome: `rejected: ${reason}` };
    };
    if (session.currency !== 'usd') return reject(`the session was paid in ${session.currency ?? 'no currency'}, not usd`);
    if (session.amountTotal === null) return reject('the session has no amount');
    const settled = await this.settlement.settlePayment(
      orderId,
      {
        method: 'card',
        reference: session.paymentIntent ?? session.id,
        amountMinor: session.amountTotal,
        currency: 'USD',
        ...(session.paymentIntent && { stripePaymentIntent: session.paymentIntent }),
      },
      manager,
      prepared,
    );
    switch (settled.outcome) {
      case 'paid':
        return { orderId, outcome: 'paid' };
      case 'unchanged':
        return { orderId, outcome: `unchanged (order is ${settled.order.status})` };
      case 'refunding':
        return { orderId, outcome: `refunding: ${settled.reason}` };
      case 'rejected':
        return reject(settled.reason);
    }
  }
}
