import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { ConsentGrantSetService, type VersionGrantSet } from '../../consent/services/consent-grant-set.service.js';
import { isUniqueViolation } from '../../database/pg-errors.js';
import { JobsService } from '../../queue/jobs.service.js';
import { type PreparedSale, RevenueService } from '../../revenue/services/revenue.service.js';
import { CheckoutErrorCode, CheckoutException } from '../checkout.exception.js';
import { refundQueue } from '../checkout.jobs.js';
import type { Order } from '../entities/order.entity.js';
import type { OrderSlice } from '../entities/order-slice.entity.js';
import { OrderEventHooks } from '../order-event-hooks.js';
import { deliveredWeights } from '../order-slice.js';
import { OrderFilesService } from './order-files.service.js';
import type { RefundPortion } from '../entities/order-refund.entity.js';
import { type Payment, chargeReference } from '../entities/payment.entity.js';
import { type CertificateSlice, type LicenceCertificate, PlatformSigner, sliceFilesDigest } from '../licence-certificate.js';
import { type OrderDecision, type OrderEvent, nextOrderState } from '../order-state-machine.js';
import type { IncomingPayment } from '../payment-methods/payment-method.js';
import { PaymentMethodRegistry } from '../payment-methods/payment-method.registry.js';
import { EntitlementRepository } from '../repositories/entitlement.repository.js';
import { type FileConflict, LicensedFileRepository } from '../repositories/licensed-file.repository.js';
import { OrderRepository } from '../repositories/order.repository.js';
import { PaymentRepository } from '../repositories/payment.repository.js';
import { RefundRepository } from '../repositories/refund.repository.js';

/** What settling a payment of an order needs from other modules, read before its transaction opens (it must not wait on a second connection). */
export interface SaleInputs {
  revenue: PreparedSale;
  /**
   * Content hashes of the files the order buys (the version's, or a slice's): what an exclusive sale reserves, and
   * what any sale checks is not reserved.
   */
  fileHashes: string[];
  /** What a slice order buys, named on its certificate; null for the whole version. */
  slice: SoldSlice | null;
  /** The grant set that cleared the version, which its certificate carries; null when the log holds no publication of it. */
  consent: VersionGrantSet | null;
  /**
   * Why a cart checkout's line can no longer be delivered (its dataset was taken down or unlisted, or another version
   * replaced it since checkout): its share of the payment is then refunded instead of paying it. Absent otherwise.
   */
  unavailable?: string;
}

/** A slice as its certificate names it (issue 13). */
export interface SoldSlice {
  slice: OrderSlice;
  /** The slice's files in leaf order: the leaves they verify against the version's Merkle root with. */
  files: { leafIndex: number; path: string; sha256: string; sizeBytes: number }[];
}

export type Settlement =
  /** This payment paid the order and the buyer is entitled (what it paid above the price is being refunded). */
  | { outcome: 'paid'; order: Order }
  /** Nothing changed: this payment was already recorded for this order. */
  | { outcome: 'unchanged'; order: Order }
  /**
   * The payment was recorded and is being sent back whole: it does not pay the order (short; the exclusive licence
   * went to another buyer; the order was cancelled, refunded or already paid). `code` is the error a buyer
   * confirming it gets; null for a second payment of a paid order (the order itself is fine).
   */
  | { outcome: 'returned'; order: Order; code: CheckoutErrorCode | null; reason: string }
  /** Not a payment of this order (another method or currency, or it paid another order): not recorded. */
  | { outcome: 'rejected'; order: Order; code: CheckoutErrorCode; reason: string };

const MAX_ATTEMPTS = 3;

/** Enough attempts to ride out a provider outage of weeks at the job queue's longest backoff: a refund is sent until done. */
export const REFUND_SEND_MAX_ATTEMPTS = 10_000;

function addMonths(date: Date, months: number): Date {
  const result = new Date(date);
  result.setUTCMonth(result.getUTCMonth() + months);
  return result;
}

/**
 * Applies the order state machine: every change of an order's status happens here, in one transaction that holds
 * the order's row lock and writes with it the payments, the entitlement, the exclusive file reservation, the
 * revenue split, and the refund outbox rows (with their jobs). Nothing here waits on the network.
 */
@Injectable()
export class OrderSettlementService {
  constructor(
    private readonly orders: OrderRepository,
    private readonly payments: PaymentRepository,
    private readonly refunds: RefundRepository,
    private readonly entitlements: EntitlementRepository,
    private readonly licensedFiles: LicensedFileRepository,
    private readonly methods: PaymentMethodRegistry,
    private readonly orderFiles: OrderFilesService,
    private readonly jobs: JobsService,
    private readonly signer: PlatformSigner,
    private readonly revenue: RevenueService,
    private readonly grantSets: ConsentGrantSetService,
    private readonly orderHooks: OrderEventHooks,
    @InjectDataSource() private readonly dataSource: DataSource,
  ) {}

  /**
   * Runs `work` in a transaction, and again when a unique constraint decided against it: a concurrent transaction
   * recorded the same payment or refund first, and the rerun reads what it wrote.
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
  async lock(manager: EntityManager, orderId: string): Promise<Order> {
    const order = await this.orders.lockForUpdate(manager, orderId);
    if (!order) throw new CheckoutException(CheckoutErrorCode.ORDER_NOT_FOUND, `No order ${orderId}`);
    return order;
  }

  /**
   * Reads what settling a payment of the order needs (the revenue split's inputs, the files' hashes), before the
   * transaction. A slice's split goes to the contributors of its files only, by what they delivered in its unit.
   */
  async prepare(order: Pick<Order, 'id' | 'datasetId' | 'version'>): Promise<SaleInputs> {
    const { files, slice } = await this.orderFiles.filesOf(order);
    const revenue = await this.revenue.prepareSale(
      order.datasetId,
      order.version,
      slice ? { unit: slice.unit, delivered: deliveredWeights(files, slice.unit) } : undefined,
    );
    const consent = await this.grantSets.ofVersion(order.datasetId, order.version);
    return {
      revenue,
      fileHashes: files.map((file) => file.sha256),
      slice: slice && {
        slice,
        files: files.map(({ leafIndex, path, sha256, sizeBytes }) => ({ leafIndex, path, sha256, sizeBytes })),
      },
      consent,
    };
  }

  /**
   * Records a payment of the order, inside the caller's transaction, and decides what it does. Every payment that
   * reached the marketplace for the order is recorded once (by its reference), whatever its amount: one that pays
   * the order entitles the buyer (and what it paid above the price goes back); any other goes back whole.
   */
  async settlePayment(manager: EntityManager, orderId: string, payment: IncomingPayment, inputs: SaleInputs): Promise<Settlement> {
    const order = await this.lock(manager, orderId);
    if (payment.method !== order.paymentMethod || payment.currency !== order.currency) {
      const reason = `the order is paid by ${order.paymentMethod} in ${order.currency}, not by ${payment.method} in ${payment.currency}`;
      return { outcome: 'rejected', order, code: CheckoutErrorCode.PAYMENT_INVALID, reason };
    }
    const recorded = await this.payments.findByReference(manager, payment.reference);
    if (recorded) {
      if (recorded.orderId === order.id) return { outcome: 'unchanged', order };
      const reason = `payment ${payment.reference} already paid order ${recorded.orderId}; one payment pays one order`;
      return { outcome: 'rejected', order, code: CheckoutErrorCode.PAYMENT_ALREADY_USED, reason };
    }

    const charge = await this.recordCharge(manager, order.id, payment);
    const amount = (minor: number) => this.methods.for(order.paymentMethod).formatAmount(minor);
    if (payment.amountMinor < order.amountMinor) {
      const reason = `short payment: ${amount(payment.amountMinor)} arrived, less than the ${amount(order.amountMinor)} this order costs; it is being refunded`;
      return this.returnWhole(manager, order, charge, nextOrderState(order.status, 'payment-short'), CheckoutErrorCode.PAYMENT_INVALID, reason);
    }
    if (inputs.unavailable !== undefined) {
      const reason = `${inputs.unavailable}; its ${amount(payment.amountMinor)} share of the payment is being refunded`;
      return this.returnWhole(manager, order, charge, nextOrderState(order.status, 'payment-conflict'), CheckoutErrorCode.LINE_UNAVAILABLE, reason);
    }

    let decision = nextOrderState(order.status, 'payment-confirmed');
    // Only a payment that would entitle the buyer needs the files: locked for the rest of this transaction.
    const conflict =
      decision.allowed && decision.grant ? await this.licensedFiles.lockForSale(manager, inputs.fileHashes, order.exclusive, order.id) : null;
    if (conflict) decision = nextOrderState(order.status, 'payment-conflict');
    if (!decision.allowed || !decision.grant) {
      const { code, reason } = this.whyReturned(order, conflict);
      return this.returnWhole(manager, order, charge, decision, code, reason);
    }

    const now = new Date();
    const late = order.status === 'expired';
    await this.orders.update(manager, order.id, {
      status: decision.to,
      paymentReference: payment.reference,
      lastPaymentError: null,
      paidAt: now,
      closedAt: null,
      statusReason: late ? 'paid after the order had expired; the late payment was honoured' : null,
    });
    if (order.exclusive) await this.licensedFiles.reserve(manager, inputs.fileHashes, order.id);
    else await this.licensedFiles.recordOrdinarySale(manager, inputs.fileHashes, order.id);
    // The certificate names the provider's payment (a cart checkout's one transfer or payment intent), which anyone can look up.
    await this.grant(manager, { ...order, paymentReference: payment.providerReference ?? payment.reference }, now, inputs);
    const { datasetId, version, buyerId } = order;
    await this.revenue.recordSale(
      manager,
      {
        orderId: order.id,
        datasetId,
        version,
        buyerId,
        currency: order.currency,
        gross: BigInt(order.amountMinor),
        paymentReference: payment.reference,
      },
      inputs.revenue,
    );
    const excess = payment.amountMinor - order.amountMinor;
    if (excess > 0) {
      const reason = `overpayment: ${amount(payment.amountMinor)} arrived for an order of ${amount(order.amountMinor)}; the ${amount(excess)} above the price is being refunded`;
      await this.queueRefund(manager, charge, 'excess', excess, reason);
    }
    const paid: Order = { ...order, status: decision.to, paidAt: now, paymentReference: payment.reference };
    await this.orderHooks.emit(manager, 'order.paid', paid, now);
    return { outcome: 'paid', order: paid };
  }

  /**
   * A payment that cannot pay what it was meant for (a cart checkout's payment short of the sum): recorded on the
   * order, in the caller's transaction, and sent back whole; the order stays payable as after any short payment.
   */
  async returnShort(manager: EntityManager, orderId: string, payment: IncomingPayment, reason: string): Promise<Settlement> {
    const order = await this.lock(manager, orderId);
    const charge = await this.recordCharge(manager, order.id, payment);
    return this.returnWhole(manager, order, charge, nextOrderState(order.status, 'payment-short'), CheckoutErrorCode.PAYMENT_INVALID, reason);
  }

  /** Stripe's async payment failed for good: a pending order is cancelled. */
  async failPayment(manager: EntityManager, orderId: string, reason: string): Promise<Order> {
    return (await this.move(manager, orderId, 'payment-failed', { statusReason: reason, closedAt: new Date() })).order;
  }

  /** The order's time is up: a pending order expires, in the caller's transaction (the expiry sweep's). */
  async expire(manager: EntityManager, orderId: string, reason: string): Promise<Order> {
    return (await this.move(manager, orderId, 'expire', { statusReason: reason, closedAt: new Date() })).order;
  }

  /** The buyer was handed the files: paid -> fulfilled. Refuses when the order is not (or no longer) paid. */
  async delivered(orderId: string): Promise<Order> {
    return this.transaction(async (manager) => {
      const fulfilledAt = new Date();
      const moved = await this.move(manager, orderId, 'delivered', { fulfilledAt });
      if (moved.changed) await this.orderHooks.emit(manager, 'order.fulfilled', moved.order, fulfilledAt);
      return moved.order;
    });
  }

  /**
   * An admin refunds the order: the licence is revoked and its files released now, and the rest of the paying
   * charge goes into the refund outbox, in one transaction. Idempotent: a refunded order changes nothing.
   */
  requestRefund(orderId: string, reason: string): Promise<Order> {
    return this.transaction(async (manager) => {
      const { order, changed } = await this.move(
        manager,
        orderId,
        'refund-requested',
        { statusReason: reason, closedAt: new Date() },
        CheckoutErrorCode.NOT_REFUNDABLE,
      );
      if (!changed) return order;
      await this.entitlements.revokeForOrder(manager, orderId, reason);
      await this.licensedFiles.release(manager, orderId);
      await this.revenue.recordRefund(manager, { orderId, reference: `refund-requested:${orderId}` });
      const charge = order.paymentReference === null ? null : await this.payments.findByReference(manager, order.paymentReference);
      if (!charge) throw new CheckoutException(CheckoutErrorCode.NOT_REFUNDABLE, `Order ${orderId} has no recorded charge to refund`);
      const rest = charge.amountMinor - (await this.refunds.decidedOf(manager, charge.id));
      if (rest > 0) await this.queueRefund(manager, charge, 'rest', rest, reason);
      return order;
    });
  }

  /**
   * The provider reports a charge refunded outside the marketplace (Stripe's dashboard): the money has already
   * moved, so the refund is recorded, and when it was the charge that paid the order, the order is refunded with it.
   * A charge the marketplace is refunding itself (an outbox row exists) is left to that row's sender.
   */
  async refundedExternally(manager: EntityManager, charge: Payment, refundReference: string): Promise<'refunded' | 'recorded' | 'unchanged'> {
    const order = await this.lock(manager, charge.orderId);
    if (await this.refunds.existsForCharge(manager, charge.id)) return 'unchanged';
    const left = charge.amountMinor - (await this.payments.refundedOf(manager, charge.id));
    if (left <= 0) return 'unchanged';
    let outcome: 'refunded' | 'recorded' = 'recorded';
    const decision = nextOrderState(order.status, 'refunded-externally');
    if (order.paymentReference === charge.externalReference && decision.allowed && decision.changed) {
      const reason = 'refunded through the payment provider';
      await this.orders.update(manager, order.id, { status: decision.to, statusReason: reason, closedAt: new Date() });
      await this.entitlements.revokeForOrder(manager, order.id, reason);
      await this.licensedFiles.release(manager, order.id);
      await this.revenue.recordRefund(manager, { orderId: order.id, reference: refundReference });
      outcome = 'refunded';
    }
    await this.payments.insert(manager, {
      id: randomUUID(),
      orderId: order.id,
      kind: 'refund',
      method: charge.method,
      amountMinor: left,
      currency: charge.currency,
      externalReference: refundReference,
      providerReference: null,
      payer: null,
      refundOf: charge.id,
      createdAt: new Date(),
    });
    return outcome;
  }

  /** Keeps why the last payment found did not pay the order, for GET /v1/orders/:id, in the caller's transaction. */
  async notePaymentError(manager: EntityManager, orderId: string, reason: string): Promise<void> {
    await this.orders.update(manager, orderId, { lastPaymentError: reason.slice(0, 1000) });
  }

  /** notePaymentError in a transaction of its own. */
  async notePaymentErrorNow(orderId: string, reason: string): Promise<void> {
    await this.dataSource.transaction((manager) => this.notePaymentError(manager, orderId, reason));
  }

  /** Records a charge of the order: every payment that reached the marketplace for it, once (its reference is unique). */
  private async recordCharge(manager: EntityManager, orderId: string, payment: IncomingPayment): Promise<Payment> {
    const charge: Payment = {
      id: randomUUID(),
      orderId,
      kind: 'charge',
      method: payment.method,
      amountMinor: payment.amountMinor,
      currency: payment.currency,
      externalReference: payment.reference,
      providerReference: payment.providerReference ?? null,
      payer: payment.payer,
      refundOf: null,
      createdAt: new Date(),
    };
    await this.payments.insert(manager, charge);
    return charge;
  }

  /** Why a payment that does not pay the order goes back, and what a buyer confirming it is told. */
  private whyReturned(order: Order, conflict: FileConflict | null): { code: CheckoutErrorCode | null; reason: string } {
    if (conflict?.kind === 'exclusive') {
      return {
        code: CheckoutErrorCode.EXCLUSIVE_SOLD,
        reason: 'the exclusive licence for these files was sold to another buyer whose payment arrived first; this payment is being refunded',
      };
    }
    if (conflict?.kind === 'sold') {
      return {
        code: CheckoutErrorCode.EXCLUSIVE_UNAVAILABLE,
        reason:
          'some of these files were already sold under a non-exclusive licence, so the exclusive licence can no longer be granted; this payment is being refunded',
      };
    }
    if (order.status === 'paid' || order.status === 'fulfilled') {
      return { code: null, reason: 'a second payment for an order already paid; it is being refunded' };
    }
    return { code: CheckoutErrorCode.ORDER_NOT_PAYABLE, reason: `the order was ${order.status} before this payment arrived; it is being refunded` };
  }

  /** The payment goes back whole; the order moves as `decision` says (e.g. to refunded when it lost the exclusive race). */
  private async returnWhole(
    manager: EntityManager,
    order: Order,
    charge: Payment,
    decision: OrderDecision,
    code: CheckoutErrorCode | null,
    reason: string,
  ): Promise<Settlement> {
    let after = order;
    if (decision.allowed && decision.changed) {
      const now = new Date();
      await this.orders.update(manager, order.id, { status: decision.to, statusReason: reason, closedAt: now, lastPaymentError: reason });
      after = { ...order, status: decision.to, statusReason: reason, closedAt: now };
    } else {
      await this.notePaymentError(manager, order.id, reason);
    }
    await this.queueRefund(manager, charge, 'rest', charge.amountMinor, reason);
    return { outcome: 'returned', order: { ...after, lastPaymentError: reason }, code, reason };
  }

  /**
   * Puts a refund in the outbox with the decision that makes it, and queues the job that sends it; a refund its
   * method cannot send automatically is held for an admin instead.
   */
  private async queueRefund(manager: EntityManager, charge: Payment, portion: RefundPortion, amountMinor: number, reason: string): Promise<void> {
    const handler = this.methods.for(charge.method);
    const id = randomUUID();
    const heldReason = handler.refundBlocker({ reference: chargeReference(charge), payer: charge.payer, amountMinor: charge.amountMinor });
    const now = new Date();
    await this.refunds.insert(manager, {
      id,
      orderId: charge.orderId,
      chargeId: charge.id,
      portion,
      method: charge.method,
      amountMinor,
      currency: charge.currency,
      reason: reason.slice(0, 1000),
      status: heldReason ? 'held' : 'pending',
      heldReason,
      idempotencyKey: handler.newRefundKey(id),
      refundPaymentId: null,
      attempts: 0,
      lastError: null,
      lastSentAt: null,
      leaseUntil: null,
      leaseToken: null,
      createdAt: now,
      updatedAt: now,
    });
    if (heldReason) return;
    await this.jobs.send(manager, refundQueue, { orderId: charge.orderId }, { key: `checkout.refund:${id}`, attempts: REFUND_SEND_MAX_ATTEMPTS });
  }

  private async move(
    manager: EntityManager,
    orderId: string,
    event: OrderEvent,
    patch: Partial<Pick<Order, 'statusReason' | 'closedAt' | 'fulfilledAt'>>,
    refusal: CheckoutErrorCode = CheckoutErrorCode.ORDER_NOT_PAID,
  ): Promise<{ order: Order; changed: boolean }> {
    const order = await this.lock(manager, orderId);
    const decision = nextOrderState(order.status, event);
    if (!decision.allowed) throw new CheckoutException(refusal, `Order ${orderId} is ${order.status}: ${decision.reason}`);
    if (!decision.changed) return { order, changed: false };
    await this.orders.update(manager, orderId, { ...patch, status: decision.to });
    return { order: { ...order, ...patch, status: decision.to }, changed: true };
  }

  private async grant(manager: EntityManager, order: Order, now: Date, { slice: sold, consent }: SaleInputs): Promise<void> {
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
      // Only slice orders carry the key, so a whole version's certificate keeps its exact earlier form.
      ...(sold && { slice: certificateSlice(sold) }),
      ...(consent && { consent }),
    };
    const signed = this.signer.signCertificate(certificate);
    await this.entitlements.insert(manager, {
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
    });
  }
}

/** A slice as its certificate names it: the quote's area, window and sensors, and exactly its files. */
function certificateSlice({ slice, files }: SoldSlice): CertificateSlice {
  const window =
    slice.windowFrom || slice.windowTo ? { from: slice.windowFrom?.toISOString() ?? null, to: slice.windowTo?.toISOString() ?? null } : null;
  return {
    quoteId: slice.quoteId,
    area: slice.area,
    window,
    modalities: slice.modalities,
    unit: slice.unit,
    captures: slice.captureCount,
    lengthM: slice.lengthM,
    durationMs: slice.durationMs,
    sizeBytes: slice.sizeBytes,
    leaves: files.map((file) => file.leafIndex),
    filesSha256: sliceFilesDigest(files),
  };
}
