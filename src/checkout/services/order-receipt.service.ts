import { Injectable } from '@nestjs/common';
import type { AuthUser } from '../../auth/auth-user.js';
import type { Plain } from '../../common/plain.js';
import { CheckoutErrorCode, CheckoutException } from '../checkout.exception.js';
import type { ReceiptResponse } from '../dto/receipt.response.js';
import { PaymentMethodRegistry } from '../payment-methods/payment-method.registry.js';
import { OrderPresenterService } from './order-presenter.service.js';
import { OrderService } from './order.service.js';

export const TAX_NOTE = 'No VAT or sales tax was charged on this sale: the total is the full price.';

/** Receipts: a paid order's amounts, method, payment reference, and refunds with their transactions. */
@Injectable()
export class OrderReceiptService {
  constructor(
    private readonly orders: OrderService,
    private readonly presenter: OrderPresenterService,
    private readonly methods: PaymentMethodRegistry,
  ) {}

  /** The receipt of an order the user holds (admins: any); 409 until a payment paid it. */
  async receipt(user: AuthUser, orderId: string): Promise<Plain<ReceiptResponse>> {
    const order = await this.orders.visible(user, orderId);
    const presented = await this.presenter.present(order);
    const paying = presented.payments.find((payment) => payment.paidOrder);
    if (!order.paidAt || !paying) {
      throw new CheckoutException(CheckoutErrorCode.ORDER_NOT_PAID, `Order ${order.id} is ${order.status}: a receipt is issued once it is paid`);
    }
    const currency = order.currency;
    const money = (minor: number) => ({ minor, currency });
    const sum = (kind: 'charge' | 'refund') =>
      presented.payments.filter((payment) => payment.kind === kind).reduce((total, payment) => total + payment.amount.minor, 0);
    const refunded = sum('refund');
    return {
      number: `R-${order.id.slice(0, 8).toUpperCase()}`,
      orderId: order.id,
      status: order.status,
      paidAt: order.paidAt,
      orderedAt: order.createdAt,
      buyer: { email: order.buyerEmail, wallet: order.buyerWallet, organisationName: order.organisationName },
      lines: [
        {
          description: `${order.datasetTitle}, version ${order.version}${presented.slice ? ' (slice)' : ''}`,
          datasetId: order.datasetId,
          version: order.version,
          licenceName: order.licence.name,
          exclusive: order.exclusive,
          slice: presented.slice,
          amount: money(order.amountMinor),
        },
      ],
      tax: money(0),
      taxNote: TAX_NOTE,
      total: money(order.amountMinor),
      priceUsdCents: order.priceUsdCents,
      paymentMethod: order.paymentMethod,
      paymentMethodLabel: this.methods.for(order.paymentMethod).label,
      paymentReference: paying.reference,
      payments: presented.payments.map((payment) => ({
        kind: payment.kind,
        amount: payment.amount,
        reference: payment.reference,
        paidOrder: payment.paidOrder,
        at: payment.createdAt,
      })),
      refunds: presented.refunds.map((refund) => {
        const sent = presented.payments.find((payment) => payment.id === refund.paymentId);
        return {
          amount: refund.amount,
          status: refund.status,
          reason: refund.reason,
          reference: sent?.reference ?? null,
          at: sent?.createdAt ?? refund.createdAt,
        };
      }),
      refunded: money(refunded),
      netPaid: money(sum('charge') - refunded),
    };
  }
}
