import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { CatalogSalesService } from '../../catalog/services/catalog-sales.service.js';
import { CheckoutErrorCode, CheckoutException } from '../checkout.exception.js';
import type { CartCheckout } from '../entities/cart-checkout.entity.js';
import type { OrderPaymentRequest } from '../entities/order-payment-request.entity.js';
import type { Order } from '../entities/order.entity.js';
import type { IncomingPayment } from '../payment-methods/payment-method.js';
import { PaymentMethodRegistry } from '../payment-methods/payment-method.registry.js';
import { CartCheckoutRepository } from '../repositories/cart-checkout.repository.js';
import { OrderRepository } from '../repositories/order.repository.js';
import { PaymentRepository } from '../repositories/payment.repository.js';
import { type SaleInputs, type Settlement, OrderSettlementService } from './order-settlement.service.js';
import type { PaymentLook } from './payment-confirmation.service.js';

/** What settling a cart checkout's payment needs of each of its orders, read before the transaction. */
export type CheckoutSaleInputs = ReadonlyMap<string, SaleInputs>;

/**
 * A cart checkout's orders as its method's handler reads them: one order for the sum, with the checkout's id (its
 * memo and line items name the checkout) and its request. `status` is what matters to the handler's description.
 */
export function payableCheckout(checkout: CartCheckout, orders: readonly Order[]): { order: Order; request: OrderPaymentRequest } {
  const [first] = orders;
  const status = orders.some((order) => order.status === 'pending')
    ? 'pending'
    : orders.every((order) => order.status === 'expired')
      ? 'expired'
      : 'paid';
  return {
    order: { ...first, id: checkout.id, checkoutId: checkout.id, status, amountMinor: checkout.amountMinor, priceUsdCents: checkout.priceUsdCents },
    request: {
      orderId: checkout.id,
      method: checkout.paymentMethod,
      providerReference: checkout.providerReference,
      details: checkout.details,
      createdAt: checkout.createdAt,
    },
  };
}

/**
 * Settling a cart checkout's one payment: every order of it is paid by its own share (its own amount, recorded as a
 * charge `<reference>#<line>` that names the provider's payment), exactly as one order is paid on its own
 * (OrderSettlementService.settlePayment: entitlement, licence reservation, split). A line whose dataset was taken
 * down, unlisted or replaced since checkout is refunded its share through the refund outbox; what arrived above the
 * sum goes back with the first line's share; a payment short of the sum goes back whole. The checkout's row lock
 * makes two confirmations at once settle once.
 */
@Injectable()
export class CartPaymentService {
  constructor(
    private readonly checkouts: CartCheckoutRepository,
    private readonly orders: OrderRepository,
    private readonly payments: PaymentRepository,
    private readonly methods: PaymentMethodRegistry,
    private readonly settlement: OrderSettlementService,
    private readonly catalog: CatalogSalesService,
    @InjectDataSource() private readonly dataSource: DataSource,
  ) {}

  /** Finds the checkout's payments not recorded yet and settles each (polling methods: the watcher and confirm routes). */
  async lookFor(checkoutId: string, hint?: string): Promise<PaymentLook> {
    const checkout = await this.checkouts.findById(checkoutId);
    if (!checkout) throw new CheckoutException(CheckoutErrorCode.CHECKOUT_NOT_FOUND, `No checkout ${checkoutId}`);
    const { polling } = this.methods.for(checkout.paymentMethod);
    if (!polling) {
      throw new CheckoutException(
        CheckoutErrorCode.WRONG_PAYMENT_METHOD,
        `Checkout ${checkoutId} is paid by ${checkout.paymentMethod}; its provider confirms it`,
      );
    }
    const orders = await this.orders.listOfCheckout(this.dataSource.manager, checkoutId);
    const { order, request } = payableCheckout(checkout, orders);
    const look: PaymentLook = { settlements: [], rejections: [] };
    let inputs: CheckoutSaleInputs | undefined;
    for (const reference of await polling.candidates(order, request, hint)) {
      const used = await this.usedElsewhere(this.dataSource.manager, orders, reference);
      if (used !== false) {
        if (used) look.rejections.push({ code: CheckoutErrorCode.PAYMENT_ALREADY_USED, reason: used });
        continue;
      }
      const check = await polling.validate(order, request, reference);
      if ('rejected' in check) {
        look.rejections.push({ code: check.rejected, reason: check.reason });
        continue;
      }
      inputs ??= await this.prepare(orders);
      const sale = inputs;
      for (const settled of await this.settlement.transaction((manager) => this.settle(manager, checkoutId, check.payment, sale))) {
        if (settled.outcome === 'rejected') look.rejections.push({ code: settled.code, reason: settled.reason });
        else look.settlements.push(settled);
      }
    }
    if (look.settlements.length === 0 && look.rejections.length > 0) {
      const reason = look.rejections.map((entry) => entry.reason).join('; ');
      for (const each of orders) await this.settlement.notePaymentErrorNow(each.id, reason);
    }
    return look;
  }

  /** Each order's sale inputs, and for each line whether it can still be delivered. */
  async prepare(orders: readonly Order[]): Promise<CheckoutSaleInputs> {
    const inputs = new Map<string, SaleInputs>();
    for (const order of orders) {
      const unavailable = await this.unavailable(order);
      inputs.set(order.id, { ...(await this.settlement.prepare(order)), ...(unavailable !== null && { unavailable }) });
    }
    return inputs;
  }

  /**
   * Settles one payment of the checkout in the caller's transaction: one settlement per order it paid or refunded,
   * or one `rejected` when it is not a payment of this checkout.
   */
  async settle(manager: EntityManager, checkoutId: string, payment: IncomingPayment, inputs: CheckoutSaleInputs): Promise<Settlement[]> {
    const checkout = await this.checkouts.lockForUpdate(manager, checkoutId);
    if (!checkout) throw new CheckoutException(CheckoutErrorCode.CHECKOUT_NOT_FOUND, `No checkout ${checkoutId}`);
    const orders = await this.orders.listOfCheckout(manager, checkoutId);
    if (payment.method !== checkout.paymentMethod || payment.currency !== checkout.currency) {
      const reason = `the checkout is paid by ${checkout.paymentMethod} in ${checkout.currency}, not by ${payment.method} in ${payment.currency}`;
      return [{ outcome: 'rejected', order: orders[0], code: CheckoutErrorCode.PAYMENT_INVALID, reason }];
    }
    const used = await this.usedElsewhere(manager, orders, payment.reference);
    if (used) return [{ outcome: 'rejected', order: orders[0], code: CheckoutErrorCode.PAYMENT_ALREADY_USED, reason: used }];
    if (used === null) return orders.map((order) => ({ outcome: 'unchanged', order }));

    const share = (index: number, amountMinor: number): IncomingPayment => ({
      ...payment,
      reference: `${payment.reference}#${index + 1}`,
      providerReference: payment.reference,
      amountMinor,
    });
    const handler = this.methods.for(checkout.paymentMethod);
    if (payment.amountMinor < checkout.amountMinor) {
      const reason = `short payment: ${handler.formatAmount(payment.amountMinor)} arrived, less than the ${handler.formatAmount(checkout.amountMinor)} this checkout of ${orders.length} orders costs; it is being refunded`;
      const returned = await this.settlement.returnShort(manager, orders[0].id, share(0, payment.amountMinor), reason);
      for (const order of orders.slice(1)) await this.settlement.notePaymentError(manager, order.id, reason);
      return [returned];
    }
    // What arrived above the sum is the first line's overpayment, refunded as one order's is.
    const excess = payment.amountMinor - checkout.amountMinor;
    const settled: Settlement[] = [];
    for (const [index, order] of orders.entries()) {
      const sale = inputs.get(order.id);
      if (!sale) throw new Error(`no sale inputs for order ${order.id} of checkout ${checkoutId}`);
      settled.push(await this.settlement.settlePayment(manager, order.id, share(index, order.amountMinor + (index === 0 ? excess : 0)), sale));
    }
    return settled;
  }

  /**
   * Whether the provider's payment is already recorded: null when this checkout's orders recorded their shares of it
   * (nothing to do), why not when it paid something else, false when it is new.
   */
  private async usedElsewhere(manager: EntityManager, orders: readonly Order[], reference: string): Promise<string | null | false> {
    const single = await this.payments.findByReference(manager, reference);
    if (single) return `payment ${reference} already paid order ${single.orderId}; one payment pays one order`;
    const shares = await this.payments.findShares(manager, reference);
    if (shares.length === 0) return false;
    const ours = new Set(orders.map((order) => order.id));
    const foreign = shares.find((recorded) => !ours.has(recorded.orderId));
    return foreign ? `payment ${reference} already paid order ${foreign.orderId}; one payment pays one checkout` : null;
  }

  /** Why the order's line can no longer be delivered: its dataset taken down or unlisted, or its version replaced; null when it can. */
  private async unavailable(order: Order): Promise<string | null> {
    const listed = await this.catalog.findSaleable(order.datasetId);
    const what = `dataset "${order.datasetTitle}" (version ${order.version})`;
    if (!listed?.listed) return `${what} was taken down or unlisted after checkout`;
    if (listed.version !== order.version) return `${what} was replaced by version ${listed.version} after checkout`;
    return null;
  }
}
