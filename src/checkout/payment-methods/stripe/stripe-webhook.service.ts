import { Injectable } from '@nestjs/common';
import { isUUID } from 'class-validator';
import type { EntityManager } from 'typeorm';
import { StripeGateway, type StripeSessionFacts, type StripeWebhookEvent } from '../../../stripe/stripe-gateway.port.js';
import { OrderRepository } from '../../repositories/order.repository.js';
import { PaymentRepository } from '../../repositories/payment.repository.js';
import { PaymentRequestRepository } from '../../repositories/payment-request.repository.js';
import { OrderSettlementService, type SaleInputs } from '../../services/order-settlement.service.js';
import { asCheckoutError } from './stripe-checkout.handler.js';
import { StripeEventRepository } from './stripe-event.repository.js';
import type { StripeWebhookResponse } from './stripe-webhook.response.js';

interface Applied {
  orderId: string | null;
  outcome: string;
}

/** The card order a session's metadata names, and whether the session is the one stored for it. */
interface SessionOrder {
  orderId: string;
  ownSession: boolean;
}

/** Read before the event's transaction, which must not wait on a second connection (order and request rows only grow). */
interface EventContext {
  order: SessionOrder | null;
  /** For a paying event of a known order: what settling its payment needs. */
  inputs: SaleInputs | null;
}

const PAYING_EVENTS = new Set<StripeWebhookEvent['type']>(['checkout.session.completed', 'checkout.session.async_payment_succeeded']);

/**
 * Stripe's webhook: the signature is checked on the raw body, then the event is processed once. Its id is claimed
 * in the same transaction as its effect, so a redelivery (even a concurrent one) changes nothing, and the order
 * state machine makes late and out-of-order events harmless. Every paid session that names one of our card orders
 * is a charge of that order and is recorded (a second session's payment, too: it is refunded).
 */
@Injectable()
export class StripeWebhookService {
  constructor(
    private readonly stripe: StripeGateway,
    private readonly events: StripeEventRepository,
    private readonly orders: OrderRepository,
    private readonly requests: PaymentRequestRepository,
    private readonly payments: PaymentRepository,
    private readonly settlement: OrderSettlementService,
  ) {}

  async handle(rawBody: Buffer | undefined, signature: string | undefined): Promise<StripeWebhookResponse> {
    let event: StripeWebhookEvent;
    try {
      event = this.stripe.verifyEvent(rawBody, signature);
    } catch (error) {
      throw asCheckoutError(error);
    }
    const type = event.type === 'ignored' ? event.stripeType : event.type;
    const context = await this.context(event);
    return this.settlement.transaction(async (manager) => {
      if (!(await this.events.claim(manager, event.id, type))) {
        const earlier = await this.events.findOutcome(manager, event.id);
        return { received: true, duplicate: true, outcome: earlier?.outcome ?? 'processed' };
      }
      const { orderId, outcome } = await this.apply(manager, event, context);
      await this.events.recordOutcome(manager, event.id, orderId, outcome);
      return { received: true, duplicate: false, outcome };
    });
  }

  /**
   * The card order a session belongs to: the order its metadata names (sessions are only ever created with the
   * marketplace's key, so that order opened it), and for a paying event what settling its payment needs.
   */
  private async context(event: StripeWebhookEvent): Promise<EventContext> {
    // Metadata is free text: a session another integration of the same Stripe account opened may name anything.
    if (!('session' in event) || !event.session.orderId || !isUUID(event.session.orderId)) return { order: null, inputs: null };
    const request = await this.requests.findForOrder(event.session.orderId);
    if (request?.method !== 'card') return { order: null, inputs: null };
    const order = { orderId: request.orderId, ownSession: request.providerReference === event.session.id };
    const entity = PAYING_EVENTS.has(event.type) ? await this.orders.findById(order.orderId) : null;
    return { order, inputs: entity ? await this.settlement.prepare(entity) : null };
  }

  private async apply(manager: EntityManager, event: StripeWebhookEvent, { order, inputs }: EventContext): Promise<Applied> {
    switch (event.type) {
      case 'checkout.session.completed':
        // Delayed methods (bank debits) complete the session unpaid; async_payment_succeeded pays it later.
        if (event.session.paymentStatus !== 'paid') {
          return { orderId: order?.orderId ?? null, outcome: `awaiting payment (payment_status ${event.session.paymentStatus})` };
        }
        return this.pay(manager, event.session, order, inputs);
      case 'checkout.session.async_payment_succeeded':
        return this.pay(manager, event.session, order, inputs);
      case 'checkout.session.async_payment_failed': {
        // Only the order's own session cancels it: a second session failing leaves the order as it is.
        if (!order?.ownSession) return { orderId: null, outcome: `ignored: no order opened session ${event.session.id}` };
        const { orderId } = order;
        const { status } = await this.settlement.failPayment(manager, orderId, 'the payment failed at Stripe');
        return { orderId, outcome: status === 'cancelled' ? 'cancelled: async payment failed' : `unchanged (order is ${status})` };
      }
      case 'charge.refunded': {
        const { charge } = event;
        if (!charge.refunded) return { orderId: null, outcome: `ignored: partial refund of ${charge.amountRefunded}` };
        const paid = charge.paymentIntent ? await this.payments.findByReference(manager, charge.paymentIntent) : null;
        if (paid?.kind !== 'charge') return { orderId: null, outcome: `ignored: no order paid by ${charge.paymentIntent ?? charge.id}` };
        const result = await this.settlement.refundedExternally(manager, paid, charge.refundId ?? `refund-of:${charge.id}`);
        const outcomes = {
          refunded: 'refunded',
          recorded: 'recorded: a charge that did not pay the order was refunded at Stripe',
          unchanged: 'unchanged (already refunded, or being refunded by the marketplace)',
        };
        return { orderId: paid.orderId, outcome: outcomes[result] };
      }
      case 'ignored':
        return { orderId: null, outcome: `ignored ${event.stripeType}` };
    }
  }

  private async pay(manager: EntityManager, session: StripeSessionFacts, order: SessionOrder | null, inputs: SaleInputs | null): Promise<Applied> {
    if (!order || !inputs) return { orderId: null, outcome: `rejected: session ${session.id} does not belong to an order of this marketplace` };
    const { orderId } = order;
    const reject = async (reason: string): Promise<Applied> => {
      await this.settlement.notePaymentError(manager, orderId, reason);
      return { orderId, outcome: `rejected: ${reason}` };
    };
    if (session.currency !== 'usd') return reject(`the session was paid in ${session.currency ?? 'no currency'}, not usd`);
    if (session.amountTotal === null) return reject('the session has no amount');
    const settled = await this.settlement.settlePayment(
      manager,
      orderId,
      { method: 'card', reference: session.paymentIntent ?? session.id, amountMinor: session.amountTotal, currency: 'USD', payer: null },
      inputs,
    );
    switch (settled.outcome) {
      case 'paid':
        return { orderId, outcome: 'paid' };
      case 'unchanged':
        return { orderId, outcome: `unchanged (order is ${settled.order.status})` };
      case 'returned':
        return { orderId, outcome: `refunding: ${settled.reason}` };
      case 'rejected':
        return reject(settled.reason);
    }
  }
}
