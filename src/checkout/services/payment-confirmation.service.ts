import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { AuthUser } from '../../auth/auth-user.js';
import { CheckoutErrorCode, CheckoutException } from '../checkout.exception.js';
import type { OrderResponse } from '../dto/order.response.js';
import type { Order } from '../entities/order.entity.js';
import type { PaymentMethod } from '../payment-methods/payment-method.js';
import { PaymentMethodRegistry } from '../payment-methods/payment-method.registry.js';
import { type FileConflict, LicensedFileRepository } from '../repositories/licensed-file.repository.js';
import { OrderRepository } from '../repositories/order.repository.js';
import { PaymentRepository } from '../repositories/payment.repository.js';
import { PaymentRequestRepository } from '../repositories/payment-request.repository.js';
import { CartPaymentService } from './cart-payment.service.js';
import { OrderFilesService } from './order-files.service.js';
import { OrderPresenterService } from './order-presenter.service.js';
import { type SaleInputs, type Settlement, OrderSettlementService } from './order-settlement.service.js';
import { OrderService } from './order.service.js';
import type { Plain } from '../../common/plain.js';

interface Rejection {
  code: CheckoutErrorCode;
  reason: string;
}

/** What one look found: every new payment it recorded (and what it did), and why the other candidates are not payments of the order. */
export interface PaymentLook {
  settlements: Settlement[];
  rejections: Rejection[];
}

/**
 * Looking for an order's payments, for methods whose payments the marketplace finds itself (PaymentPolling): every
 * candidate not recorded yet is checked by the method's handler, and each real payment is settled in a transaction
 * of its own, so a second payment, an overpayment or a short one is recorded (and refunded) like the first.
 */
@Injectable()
export class PaymentConfirmationService {
  constructor(
    private readonly orderService: OrderService,
    private readonly orders: OrderRepository,
    private readonly requests: PaymentRequestRepository,
    private readonly payments: PaymentRepository,
    private readonly licensedFiles: LicensedFileRepository,
    private readonly orderFiles: OrderFilesService,
    private readonly methods: PaymentMethodRegistry,
    private readonly settlement: OrderSettlementService,
    private readonly presenter: OrderPresenterService,
    private readonly cartPayments: CartPaymentService,
    @InjectDataSource() private readonly dataSource: DataSource,
  ) {}

  /**
   * A holder's `confirm-<method>` route: looks for the order's payments now (the watcher does so in the background)
   * and answers the order once paid, or why it is not.
   */
  async confirmForHolder(user: AuthUser, orderId: string, method: PaymentMethod, hint?: string): Promise<Plain<OrderResponse>> {
    const order = await this.orderService.visible(user, orderId);
    if (order.paymentMethod !== method) {
      throw new CheckoutException(CheckoutErrorCode.WRONG_PAYMENT_METHOD, `Order ${orderId} is paid by ${order.paymentMethod}, not ${method}`);
    }
    const { settlements, rejections } = await this.lookFor(order, hint);
    const now = (await this.orders.findById(orderId)) ?? order;
    if (now.status === 'paid' || now.status === 'fulfilled') return this.presenter.present(now);
    const returned = settlements.filter((settled) => settled.outcome === 'returned').at(-1);
    if (returned?.code) throw new CheckoutException(returned.code, `Order ${orderId} was not paid: ${returned.reason}`);
    if (now.status === 'refunded' || now.status === 'cancelled') {
      const conflict = await this.lostToConflict(now);
      const code = !conflict
        ? CheckoutErrorCode.ORDER_NOT_PAYABLE
        : conflict.kind === 'exclusive'
          ? CheckoutErrorCode.EXCLUSIVE_SOLD
          : CheckoutErrorCode.EXCLUSIVE_UNAVAILABLE;
      throw new CheckoutException(code, `Order ${orderId} is ${now.status}: ${now.statusReason ?? 'no reason given'}`);
    }
    const last = rejections.at(-1);
    if (last) throw new CheckoutException(last.code, `No valid payment for order ${orderId}: ${rejections.map((entry) => entry.reason).join('; ')}`);
    throw new CheckoutException(
      CheckoutErrorCode.PAYMENT_NOT_FOUND,
      hint ? `Transaction ${hint} was not found` : `No transaction pays order ${orderId} yet: pay its payment request, then confirm again`,
    );
  }

  /**
   * Finds the order's payments not recorded yet and settles each (the watcher job and the confirm routes). `hint`
   * (what a wallet returned) narrows the search to that one candidate.
   */
  async lookFor(order: Order, hint?: string): Promise<PaymentLook> {
    // An order of a cart checkout is paid by the checkout's one payment: looking for it looks for that.
    if (order.checkoutId) return this.cartPayments.lookFor(order.checkoutId, hint);
    const { polling } = this.methods.for(order.paymentMethod);
    if (!polling) {
      throw new CheckoutException(
        CheckoutErrorCode.WRONG_PAYMENT_METHOD,
        `Order ${order.id} is paid by ${order.paymentMethod}; its provider confirms it`,
      );
    }
    const request = await this.requests.findForOrder(order.id);
    if (!request) throw new CheckoutException(CheckoutErrorCode.ORDER_NOT_PAYABLE, `Order ${order.id} has no payment request`);
    const look: PaymentLook = { settlements: [], rejections: [] };
    // Read once a payment is found (watchers poll), before the payment's transaction.
    let inputs: SaleInputs | undefined;
    for (const reference of await polling.candidates(order, request, hint)) {
      const recorded = await this.payments.findByReference(this.dataSource.manager, reference);
      if (recorded) {
        if (recorded.orderId !== order.id) {
          look.rejections.push({
            code: CheckoutErrorCode.PAYMENT_ALREADY_USED,
            reason: `transaction ${reference} already paid order ${recorded.orderId}; one payment pays one order`,
          });
        }
        continue;
      }
      const check = await polling.validate(order, request, reference);
      if ('rejected' in check) {
        look.rejections.push({ code: check.rejected, reason: check.reason });
        continue;
      }
      inputs ??= await this.settlement.prepare(order);
      const sale = inputs;
      const settled = await this.settlement.transaction((manager) => this.settlement.settlePayment(manager, order.id, check.payment, sale));
      if (settled.outcome === 'rejected') look.rejections.push({ code: settled.code, reason: settled.reason });
      else look.settlements.push(settled);
    }
    if (look.settlements.length === 0 && look.rejections.length > 0) {
      await this.settlement.notePaymentErrorNow(order.id, look.rejections.map((entry) => entry.reason).join('; '));
    }
    return look;
  }

  /**
   * Another order's claim on the order's files, when it never paid (so it was refunded for losing to it): an
   * exclusive licence sold to another buyer, or, for an exclusive order, an ordinary sale of the same files.
   */
  private async lostToConflict(order: Order): Promise<FileConflict | null> {
    if (order.paidAt !== null) return null;
    const { files } = await this.orderFiles.filesOf(order);
    return this.licensedFiles.conflict(
      files.map((file) => file.sha256),
      order.exclusive,
      order.id,
    );
  }
}
