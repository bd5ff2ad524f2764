import { Injectable } from '@nestjs/common';
import { AppConfig } from '../../../config/app-config.js';
import { StripeGateway } from '../../../stripe/stripe-gateway.port.js';
import { StripeErrorCode, StripeException } from '../../../stripe/stripe.exception.js';
import { CheckoutErrorCode, CheckoutException } from '../../checkout.exception.js';
import type { OrderPaymentRequest } from '../../entities/order-payment-request.entity.js';
import { centsToDecimal } from '../../usdc-amount.js';
import {
  type PayableOrder,
  type PaymentInstructions,
  PaymentMethodHandler,
  type PaymentRequest,
  type RefundableCharge,
  type RefundToSend,
} from '../payment-method.js';

/** What a card order keeps beside its Checkout Session id. */
interface StripeCheckoutDetails {
  checkoutUrl: string;
}

function parseDetails(request: OrderPaymentRequest): StripeCheckoutDetails {
  // Stored JSON: read as unknown, since a row this handler did not write may lack the key.
  const { checkoutUrl }: Record<string, unknown> = request.details;
  if (typeof checkoutUrl !== 'string') throw new Error(`the Checkout Session of order ${request.orderId} has no checkout URL`);
  return { checkoutUrl };
}

/** Stripe's errors as checkout's API names them (its codes predate src/stripe owning its own). */
export function asCheckoutError(error: unknown): unknown {
  if (!(error instanceof StripeException)) return error;
  const code = {
    [StripeErrorCode.NOT_CONFIGURED]: CheckoutErrorCode.CARD_NOT_CONFIGURED,
    [StripeErrorCode.UNAVAILABLE]: CheckoutErrorCode.STRIPE_UNAVAILABLE,
    [StripeErrorCode.SIGNATURE_INVALID]: CheckoutErrorCode.WEBHOOK_SIGNATURE_INVALID,
  }[error.code];
  return new CheckoutException(code, error.message);
}

/** A Stripe payment intent id: what Stripe refunds. */
const PAYMENT_INTENT = /^pi_/;

/** Refunds that still count: not failed or cancelled. */
const LIVE_REFUND = (status: string) => status !== 'failed' && status !== 'canceled';

/**
 * Card payments through Stripe Checkout: a Checkout Session per order (its id unique among orders), paid when
 * Stripe's signed webhook says so (StripeWebhookService), refunded through the payment intent with the refund's
 * idempotency key.
 */
@Injectable()
export class StripeCheckoutHandler extends PaymentMethodHandler {
  readonly method = 'card';
  readonly currency = 'USD';
  /** Stripe tells the marketplace (checkout.session.* webhooks). */
  readonly polling = null;
  /** The idempotency key answers a resend with the first refund; listRefunds finds it after Stripe forgets the key. */
  readonly refundLandingSeconds = 0;
  readonly label = 'Card (Stripe Checkout)';

  constructor(
    private readonly stripe: StripeGateway,
    private readonly config: AppConfig,
  ) {
    super();
  }

  get available(): boolean {
    return this.stripe.configured;
  }

  amountFor(priceUsdCents: number): number {
    return priceUsdCents;
  }

  formatAmount(amountMinor: number): string {
    return `${centsToDecimal(amountMinor)} USD`;
  }

  async createRequest(order: PayableOrder): Promise<PaymentRequest> {
    try {
      // A cart checkout's buyer comes back to the cart page, which shows the checkout; an order's to its page.
      const page = order.checkoutId
        ? `${this.config.publicUrl}/cart?checkoutId=${order.checkoutId}&`
        : `${this.config.publicUrl}/orders/${order.id}?`;
      const session = await this.stripe.createCheckoutSession({
        orderId: order.checkoutId ? null : order.id,
        checkoutId: order.checkoutId,
        lineItems: order.lines.map((line) => ({
          amountCents: line.amountMinor,
          productName: `${line.datasetTitle} (version ${line.version})`,
          description: `Dataset licence: ${line.licenceName}`,
        })),
        customerEmail: order.buyerEmail,
        successUrl: `${page}checkout=success`,
        cancelUrl: `${page}checkout=cancelled`,
        expiresAt: order.expiresAt,
      });
      return { providerReference: session.id, details: { checkoutUrl: session.url } satisfies StripeCheckoutDetails };
    } catch (error) {
      throw asCheckoutError(error);
    }
  }

  describe(_order: unknown, request: OrderPaymentRequest): Promise<PaymentInstructions> {
    return Promise.resolve({ stripe: { checkoutUrl: parseDetails(request).checkoutUrl, sessionId: request.providerReference } });
  }

  refundBlocker(charge: RefundableCharge): string | null {
    return PAYMENT_INTENT.test(charge.reference) ? null : `the Checkout Session was paid without a payment intent to refund (${charge.reference})`;
  }

  newRefundKey(refundId: string): string {
    return `refund:${refundId}`;
  }

  /**
   * The refund sent with this key (metadata.refund_key), or, when the payment intent is already refunded in full
   * outside the marketplace (e.g. from Stripe's dashboard while this refund waited), the latest of those: sending
   * would fail or refund twice.
   */
  async findRefund(refund: RefundToSend): Promise<string | null> {
    let refunds;
    try {
      refunds = (await this.stripe.listRefunds(refund.charge.reference)).filter((found) => LIVE_REFUND(found.status));
    } catch (error) {
      throw asCheckoutError(error);
    }
    const ours = refunds.find((found) => found.refundKey === refund.idempotencyKey);
    if (ours) return ours.id;
    // Only refunds made outside the marketplace count here: one payment intent pays every order of a cart checkout, so
    // the marketplace's own refunds of its other orders' shares (each with its key) are not this charge's.
    const outside = refunds.filter((found) => found.refundKey === null);
    const returned = outside.reduce((sum, found) => sum + found.amountCents, 0);
    return returned >= refund.charge.amountMinor && outside.length > 0 ? outside[0].id : null;
  }

  async sendRefund(refund: RefundToSend): Promise<string> {
    try {
      return await this.stripe.refund({
        orderId: refund.orderId,
        paymentIntentId: refund.charge.reference,
        amountCents: refund.amountMinor,
        idempotencyKey: refund.idempotencyKey,
      });
    } catch (error) {
      throw asCheckoutError(error);
    }
  }
}
