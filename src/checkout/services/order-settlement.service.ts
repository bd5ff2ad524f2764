import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { isUniqueViolation } from '../../database/pg-errors.js';
import { JobsService } from '../../jobs/jobs.service.js';
import { type PreparedSale, RevenueService } from '../../revenue/services/revenue.service.js';
import { CheckoutErrorCode, CheckoutException } from '../checkout.exception.js';
import { refundQueue } from '../checkout.jobs.js';
import type { OrderEntity, PaymentCurrency, PaymentMethod } from '../entities/order.entity.js';
import { type LicenceCertificate, PlatformSigner } from '../licence-certificate.js';
import { type OrderEvent, nextOrderState } from '../order-state-machine.js';
import { EntitlementRepository } from '../repositories/entitlement.repository.js';
import { OrderRepository } from '../repositories/order.repository.js';
import { PaymentRepository } from '../repositories/payment.repository.js';

/** A payment found for an order: a paid Checkout Session or a validated Solana transfer. */
export interface IncomingPayment {
  method: PaymentMethod;
  /** Stripe payment intent id or Solana transaction signature. */
  reference: string;
  /** What arrived, in minor units of `currency`. */
  amountMinor: number;
  currency: PaymentCurrency;
  /** Solana: the wallet the USDC came from (where a refund goes). */
  payerAddress?: string;
  /** Card: checkout.session.completed names the payment intent even before it is paid. */
  stripePaymentIntent?: string;
}

export type Settlement =
  /** The order is paid now and the buyer entitled. */
  | { outcome: 'paid'; order: OrderEntity }
  /** Nothing changed: this payment was already recorded, or the order had already moved on. */
  | { outcome: 'unchanged'; order: OrderEntity }
  /** The payment was recorded and is being sent back (exclusive licence sold meanwhile, or order cancelled). */
  | { outcome: 'refunding'; order: OrderEntity; reason: string }
  /** The payment does not pay this order and was not recorded. */
  | { outcome: 'rejected'; order: OrderEntity; code: CheckoutErrorCode; reason: string };

const MAX_ATTEMPTS = 3;

function addMonths(date: Date, months: number): Date {
  const result = new Date(date);
  result.setUTCMonth(result.getUTCMonth() + months);
  return result;
}

/**
 * Applies the order state machine: every change of an order's status happens here, in one transaction that holds
 * the order's row lock and writes the payments, entitlement and follow-up jobs with it.
 */
@Injectable()
export class OrderSettlementService {
  constructor(
    private readonly orders: OrderRepository,
    private readonly payments: PaymentRepository,
    private readonly entitlements: EntitlementRepository,
    private readonly jobs: JobsService,
    private readonly signer: PlatformSigner,
    private readonly revenue: RevenueService,
    @InjectDataSource() private readonly dataSource: DataSource,
  ) {}

  /**
   * Runs `work` in a transaction, and again when a unique constraint decided against it: a concurrent transaction
   * recorded the same payment or sold the same exclusive version first, and the rerun reads what it wrote.
   */
  async transaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt += 1) {
      try {
        return await this.dataSource.transaction(work);
      } catch (error) {
        if (!isUniqueViolation(error) || attempt >= MAX_ATTEMPTS) throw error;
      }
    }
  }

  /** Locks the order, or answers ORDER_NOT_FOUND. */
  async lock(orderId: string, manager: EntityManager): Promise<OrderEntity> {
    const order = await this.orders.lockForUpdate(orderId, manager);
    if (!order) throw new CheckoutException(CheckoutErrorCode.ORDER_NOT_FOUND, `No order ${orderId}`);
    return order;
  }

  /**
   * Applies a payment to the order inside the caller's transaction. `prepared` is RevenueService.prepareSale of the
   * order's version, read before the transaction opened: a paid order's revenue split is recorded in it.
   */
  async settlePayment(orderId: string, payment: IncomingPayment, manager: EntityManager, prepared: PreparedSale): Promise<Settlement> {
    const order = await this.lock(orderId, manager);
    const mismatch = this.amountMismatch(order, payment);
    if (mismatch) return { outcome: 'rejected', order, code: CheckoutErrorCode.PAYMENT_INVALID, reason: mismatch };

    const recorded = await this.payments.findByReference(payment.reference, manager);
    if (recorded && recorded.orderId !== order.id) {
      return {
        outcome: 'rejected',
        order,
        code: CheckoutErrorCode.PAYMENT_ALREADY_USED,
        reason: `payment ${payment.reference} already paid order ${recorded.orderId}; one payment pays one order`,
      };
    }
    if (recorded) return { outcome: 'unchanged', order };

    let event: OrderEvent = 'payment-confirmed';
    let reason = 'the order was cancelled before this payment arrived; it is being refunded';
    if (order.exclusive && ['pending', 'expired'].includes(order.status)) {
      const sale = await this.orders.findExclusiveSale(order.datasetId, order.version, order.id, manager);
      if (sale) {
        event = 'payment-conflict';
        reason = 'the exclusive licence for this version was sold to another buyer whose payment arrived first; this payment is being refunded';
      }
    }
    const decision = nextOrderState(order.status, event);
    if (!decision.allowed || !decision.changed) return { outcome: 'unchanged', order };

    await this.payments.insert(
      {
        id: randomUUID(),
        orderId: order.id,
        kind: 'charge',
        method: payment.method,
        amountMinor: payment.amountMinor,
        currency: payment.currency,
        externalReference: payment.reference,
        createdAt: new Date(),
      },
      manager,
    );
    const now = new Date();
    const paymentFacts = {
      paymentReference: payment.reference,
      payerAddress: payment.payerAddress ?? null,
      ...(payment.stripePaymentIntent && { stripePaymentIntent: payment.stripePaymentIntent }),
      lastPaymentError: null,
    };
    if (decision.grant) {
      const late = order.status === 'expired';
      await this.orders.update(
        order.id,
        {
          ...paymentFacts,
          status: decision.to,
          paidAt: now,
          closedAt: null,
          statusReason: late ? 'paid after the order had expired; the late payment was honoured' : null,
        },
        manager,
      );
      await this.grant({ ...order, paymentReference: payment.reference }, now, manager);
      const { datasetId, version, buyerId } = order;
      const sale = {
        orderId: order.id,
        datasetId,
        version,
        buyerId,
        currency: payment.currency,
        gross: BigInt(payment.amountMinor),
        paymentReference: payment.reference,
      };
      await this.revenue.recordSale(manager, sale, prepared);
      return { outcome: 'paid', order: { ...order, status: decision.to, paidAt: now } };
    }
    await this.orders.update(order.id, { ...paymentFacts, status: decision.to, statusReason: reason, closedAt: now }, manager);
    await this.jobs.send(manager, refundQueue, { orderId: order.id }, { key: `checkout.refund:${order.id}` });
    return { outcome: 'refunding', order: { ...order, status: decision.to, statusReason: reason }, reason };
  }

  /** Stripe's async payment failed for good: a pending order is cancelled. */
  async failPayment(orderId: string, reason: string, manager: EntityManager): Promise<OrderEntity> {
    return this.move(orderId, 'payment-failed', { statusReason: reason, closedAt: new Date() }, manager);
  }

  /** The order's time is up: a pending order expires, in the caller's transaction (the expiry sweep's). */
  expire(manager: EntityManager, orderId: string, reason: string): Promise<OrderEntity> {
    return this.move(orderId, 'expire', { statusReason: reason, closedAt: new Date() }, manager);
  }

  /** The buyer was handed the files: paid -> fulfilled. Refuses when the order is not (or no longer) paid. */
  delivered(orderId: string): Promise<OrderEntity> {
    return this.transaction((manager) => this.move(orderId, 'delivered', { fulfilledAt: new Date() }, manager));
  }

  /** An admin refunds the order: the licence is revoked now and a job sends the money back. Idempotent. */
  requestRefund(orderId: string, reason: string): Promise<OrderEntity> {
    return this.transaction(async (manager) => {
      const order = await this.move(
        orderId,
        'refund-requested',
        { statusReason: reason, closedAt: new Date() },
        manager,
        CheckoutErrorCode.NOT_REFUNDABLE,
      );
      await this.entitlements.revokeForOrder(orderId, reason, manager);
      await this.revenue.recordRefund(manager, { orderId, reference: `refund-requested:${orderId}` });
      await this.jobs.send(manager, refundQueue, { orderId }, { key: `checkout.refund:${orderId}` });
      return order;
    });
  }

  /** Stripe reports the charge refunded (e.g. from its dashboard): revoke and record; the money has already moved. */
  async refundedExternally(orderId: string, refundReference: string, manager: EntityManager): Promise<'refunded' | 'unchanged'> {
    const order = await this.lock(orderId, manager);
    const decision = nextOrderState(order.status, 'refunded-externally');
    if (!decision.allowed || !decision.changed) return 'unchanged';
    const reason = 'refunded through Stripe';
    await this.orders.update(orderId, { status: decision.to, statusReason: reason, closedAt: new Date() }, manager);
    await this.entitlements.revokeForOrder(orderId, reason, manager);
    await this.revenue.recordRefund(manager, { orderId, reference: refundReference });
    const charge = await this.payments.findForOrder(orderId, 'charge', manager);
    await this.payments.insert(
      {
        id: randomUUID(),
        orderId,
        kind: 'refund',
        method: order.paymentMethod,
        amountMinor: charge?.amountMinor ?? order.amountMinor,
        currency: order.currency,
        externalReference: refundReference,
        createdAt: new Date(),
      },
      manager,
    );
    return 'refunded';
  }

  /** Keeps why the last payment found did not pay the order, for GET /v1/orders/:id. */
  async notePaymentError(orderId: string, reason: string, manager?: EntityManager): Promise<void> {
    const write = (m: EntityManager) => this.orders.update(orderId, { lastPaymentError: reason.slice(0, 1000) }, m);
    await (manager ? write(manager) : this.dataSource.transaction(write));
  }

  private amountMismatch(order: OrderEntity, payment: IncomingPayment): string | null {
    if (payment.method !== order.paymentMethod || payment.currency !== order.currency) {
      return `the order is paid by ${order.paymentMethod} in ${order.currency}, not by ${payment.method} in ${payment.currency}`;
    }
    // A card session charges exactly the order amount; a wallet may send more (validateTransfer accepts it), never less.
    const wrong = order.paymentMethod === 'card' ? payment.amountMinor !== order.amountMinor : payment.amountMinor < order.amountMinor;
    return wrong ? `received ${payment.amountMinor} ${payment.currency} minor units, the order costs ${order.amountMinor}` : null;
  }

  private async move(
    orderId: string,
    event: OrderEvent,
    patch: Partial<Pick<OrderEntity, 'statusReason' | 'closedAt' | 'fulfilledAt'>>,
    manager: EntityManager,
    refusal: CheckoutErrorCode = CheckoutErrorCode.ORDER_NOT_PAID,
  ): Promise<OrderEntity> {
    const order = await this.lock(orderId, manager);
    const decision = nextOrderState(order.status, event);
    if (!decision.allowed) throw new CheckoutException(refusal, `Order ${orderId} is ${order.status}: ${decision.reason}`);
    if (!decision.changed) return order;
    await this.orders.update(orderId, { ...patch, status: decision.to }, manager);
    return { ...order, ...patch, status: decision.to };
  }

  private async grant(order: OrderEntity, now: Date, manager: EntityManager): Promise<void> {
    const termMonths = order.licence.terms.termMonths;
    const validUntil = termMonths === null ? null : addMonths(now, termMonths);
    const certificate: LicenceCertificate = {
      type: 'dataset-licence-certificate',
      formatVersion: 1,
      orderId: order.id,
      issuedAt: now.toISOString(),
      buyer: { id: order.buyerId, email: order.buyerEmail, walletAddress: order.buyerWallet },
      // Only organisation orders carry the key, so a user's certificate keeps its exact earlier form.
      ...(order.organisationId && { organisation: { id: order.organisationId, name: order.organisationName ?? '' } }),
      dataset: { id: order.datasetId, version: order.version, title: order.datasetTitle, merkleRoot: order.merkleRoot },
      licence: { slug: order.licence.slug, name: order.licence.name, terms: order.licence.terms, validUntil: validUntil?.toISOString() ?? null },
      price: { amount: String(order.amountMinor), currency: order.currency, priceUsdCents: order.priceUsdCents },
      payment: { method: order.paymentMethod, reference: order.paymentReference ?? '' },
    };
    const signed = this.signer.signCertificate(certificate);
    await this.entitlements.insert(
      {
        id: randomUUID(),
        orderId: order.id,
        buyerId: order.buyerId,
        organisationId: order.organisationId,
        datasetId: order.datasetId,
        version: order.version,
        grantedAt: now,
        expiresAt: validUntil,
        revokedAt: null,
        revokeReason: null,
        certificate: signed.payload,
        certificateSignature: signed.signature,
        certificatePublicKey: signed.publicKey,
      },
      manager,
    );
  }
}
