import { Injectable } from '@nestjs/common';
import { isUUID } from 'class-validator';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import { CartCheckoutRepository } from '../../repositories/cart-checkout.repository.js';
import { type CheckoutSaleInputs, CartPaymentService } from '../../services/cart-payment.service.js';
import { StripeGateway, type StripeSessionFacts, type StripeWebhookEvent } from '../../../stripe/stripe-gateway.port.js';
import type { Payment } from '../../entities/payment.entity.js';
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

/** The cart checkout a session's metadata names, when it is a card checkout; for a paying event, what settling needs. */
interface SessionCheckout {
  checkoutId: string;
  ownSession: boolean;
  orderIds: string[];
  inputs: CheckoutSaleInputs | null;
}

/** Read before the event's transaction, which must not wait on a second connection (order and request rows only grow). */
interface EventContext {
  order: SessionOrder | null;
  /** For a paying event of a known order: what settling its payment needs. */
  inputs: SaleInputs | null;
  checkout?: SessionCheckout;
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
    private readonly checkouts: CartCheckoutRepository,
    private readonly cartPayments: CartPaymentService,
    @InjectDataSource() private readonly dataSource: DataSource,
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
    if ('session' in event && event.session.checkoutId && isUUID(event.session.checkoutId)) {
      return { order: null, inputs: null, ...(await this.checkoutContext(event, event.session.checkoutId)) };
    }
    // Metadata is free text: a session another integration of the same Stripe account opened may name anything.
    if (!('session' in event) || !event.session.orderId || !isUUID(event.session.orderId)) return { order: null, inputs: null };
    const request = await this.requests.findForOrder(event.session.orderId);
    if (request?.method !== 'card') return { order: null, inputs: null };
    const order = { orderId: request.orderId, ownSession: request.providerReference === event.session.id };
    const entity = PAYING_EVENTS.has(event.type) ? await this.orders.findById(order.orderId) : null;
    return { order, inputs: entity ? await this.settlement.prepare(entity) : null };
  }

  /** A cart checkout's session: its orders, and for a paying event what settling each of them needs. */
  private async checkoutContext(
    event: StripeWebhookEvent & { session: StripeSessionFacts },
    checkoutId: string,
  ): Promise<{ checkout?: SessionCheckout }> {
    const checkout = await this.checkouts.findById(checkoutId);
    if (checkout?.paymentMethod !== 'card') return {};
    const orders = await this.orders.listOfCheckout(this.dataSource.manager, checkoutId);
    return {
      checkout: {
        checkoutId,
        ownSession: checkout.providerReference === event.session.id,
        orderIds: orders.map((order) => order.id),
        inputs: PAYING_EVENTS.has(event.type) ? await this.cartPayments.prepare(orders) : null,
      },
    };
  }

  private async apply(manager: EntityManager, event: StripeWebhookEvent, context: EventContext): Promise<Applied> {
    if (context.checkout) return this.applyToCheckout(manager, event, context.checkout);
    const { order, inputs } = context;
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
        if (paid?.kind !== 'charge' && charge.paymentIntent) {
          const shares = await this.payments.findShares(manager, charge.paymentIntent);
          if (shares.length > 0) return this.sharesRefundedExternally(manager, shares, charge.refundId ?? `refund-of:${charge.id}`);
        }
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

  /**
   * A cart checkout's payment intent refunded in full at Stripe: every order's share of it is refunded with it (each
   * recorded as `<refund id>#<line>`, as its charge is `<payment intent>#<line>`).
   */
  private async sharesRefundedExternally(manager: EntityManager, shares: readonly Payment[], refundReference: string): Promise<Applied> {
    const outcomes: string[] = [];
    for (const share of shares) {
      const line = share.externalReference.slice(share.externalReference.lastIndexOf('#'));
      outcomes.push(await this.settlement.refundedExternally(manager, share, `${refundReference}${line}`));
    }
    return { orderId: shares[0].orderId, outcome: `checkout shares: ${outcomes.join(', ')}` };
  }

  /** A cart checkout's session: paid, every order of it is settled by its share; failed, every pending order is cancelled. */
  private async applyToCheckout(manager: EntityManager, event: StripeWebhookEvent, checkout: SessionCheckout): Promise<Applied> {
    const [orderId] = checkout.orderIds;
    if (!('session' in event)) return { orderId: null, outcome: `ignored ${event.type}` };
    const { session } = event;
    if (event.type === 'checkout.session.async_payment_failed') {
      if (!checkout.ownSession) return { orderId: null, outcome: `ignored: no checkout opened session ${session.id}` };
      for (const id of checkout.orderIds) await this.settlement.failPayment(manager, id, 'the payment failed at Stripe');
      return { orderId, outcome: `checkout ${checkout.checkoutId}: async payment failed` };
    }
    if (event.type === 'checkout.session.completed' && session.paymentStatus !== 'paid') {
      return { orderId, outcome: `awaiting payment (payment_status ${session.paymentStatus})` };
    }
    const reject = async (reason: string): Promise<Applied> => {
      for (const id of checkout.orderIds) await this.settlement.notePaymentError(manager, id, reason);
      return { orderId, outcome: `rejected: ${reason}` };
    };
    if (!checkout.inputs) return reject(`session ${session.id} does not belong to a checkout of this marketplace`);
    if (session.currency !== 'usd') return reject(`the session was paid in ${session.currency ?? 'no currency'}, not usd`);
    if (session.amountTotal === null) return reject('the session has no amount');
    const settled = await this.cartPayments.settle(
      manager,
      checkout.checkoutId,
      { method: 'card', reference: session.paymentIntent ?? session.id, amountMinor: session.amountTotal, currency: 'USD', payer: null },
      checkout.inputs,
    );
    const rejected = settled.find((each) => each.outcome === 'rejected');
    if (rejected) return reject(rejected.reason);
    return { orderId, outcome: `checkout ${checkout.checkoutId}: ${settled.map((each) => each.outcome).join(', ')}` };
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
