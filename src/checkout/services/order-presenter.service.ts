import { Injectable } from '@nestjs/common';
import type { OrderResponse } from '../dto/order.response.js';
import type { OrderEntity } from '../entities/order.entity.js';
import { PaymentRepository } from '../repositories/payment.repository.js';
import { usdcBaseUnitsToDecimal } from '../usdc-amount.js';
import { SolanaPayService } from './solana-pay.service.js';

/** Builds the order response: the order, its payments, and how to pay it while it can be paid. */
@Injectable()
export class OrderPresenterService {
  constructor(
    private readonly payments: PaymentRepository,
    private readonly solanaPay: SolanaPayService,
  ) {}

  async present(order: OrderEntity): Promise<OrderResponse> {
    const payments = await this.payments.listForOrder(order.id);
    const response: OrderResponse = {
      id: order.id,
      status: order.status,
      statusReason: order.statusReason,
      buyerId: order.buyerId,
      organisationId: order.organisationId,
      organisationName: order.organisationName,
      datasetId: order.datasetId,
      version: order.version,
      datasetTitle: order.datasetTitle,
      paymentMethod: order.paymentMethod,
      priceUsdCents: order.priceUsdCents,
      amount: { minor: order.amountMinor, currency: order.currency },
      licence: { slug: order.licence.slug, name: order.licence.name, terms: order.licence.terms },
      exclusive: order.exclusive,
      expiresAt: order.expiresAt,
      createdAt: order.createdAt,
      paidAt: order.paidAt,
      fulfilledAt: order.fulfilledAt,
      lastPaymentError: order.lastPaymentError,
      payments: payments.map((payment) => ({
        kind: payment.kind,
        amount: { minor: payment.amountMinor, currency: payment.currency },
        reference: payment.externalReference,
        createdAt: payment.createdAt,
      })),
    };
    if (order.stripeSessionId && order.stripeCheckoutUrl) {
      response.stripe = { checkoutUrl: order.stripeCheckoutUrl, sessionId: order.stripeSessionId };
    }
    // Payment instructions matter only while the order can still be paid (a late payment on an expired order counts).
    const payable = order.status === 'pending' || order.status === 'expired';
    if (payable && order.solanaUrl && order.solanaReference && order.solanaRecipient && order.solanaMint) {
      response.solanaPay = {
        url: order.solanaUrl,
        reference: order.solanaReference,
        recipient: order.solanaRecipient,
        amount: usdcBaseUnitsToDecimal(BigInt(order.amountMinor)),
        splToken: order.solanaMint,
        qrCode: await this.solanaPay.qrCode(order.solanaUrl),
      };
    }
    return response;
  }
}
