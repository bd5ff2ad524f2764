/** One line item of a Checkout Session: an order's dataset version and licence at its price. */
export interface CheckoutSessionLineItem {
  amountCents: number;
  productName: string;
  description: string;
}

/** A session pays one order (`orderId`) or a cart checkout's orders together (`checkoutId`, a line item each). */
export interface CheckoutSessionRequest {
  orderId: string | null;
  checkoutId: string | null;
  lineItems: CheckoutSessionLineItem[];
  customerEmail: string | null;
  successUrl: string;
  cancelUrl: string;
  /** When Stripe closes the session (it accepts 30 minutes to 24 hours from now). */
  expiresAt: Date;
}

export interface CreatedCheckoutSession {
  id: string;
  url: string;
}

export interface StripeRefundRequest {
  orderId: string;
  paymentIntentId: string;
  amountCents: number;
  /** Sent as the Idempotency-Key and kept in the refund's metadata.refund_key, so the refund can be found again. */
  idempotencyKey: string;
}

/** A refund of a payment intent, as refunds.list answers it, reduced to what is read here. */
export interface StripeRefundFacts {
  id: string;
  amountCents: number;
  /** pending, requires_action, succeeded, failed or canceled. */
  status: string;
  /** metadata.refund_key (the idempotency key it was sent with), when the marketplace sent it. */
  refundKey: string | null;
  /** metadata.order_id, when the marketplace sent it. */
  orderId: string | null;
}

/** A Stripe Connect transfer from the platform balance to a connected account (a contributor's payout). */
export interface StripeTransferRequest {
  /** The payout id: in the idempotency key and metadata.payout_id, to find the transfer again. */
  payoutId: string;
  /** The sale this transfer pays (its transfer_group, in the idempotency key and metadata.order_id); null: none. */
  orderId: string | null;
  amountCents: bigint;
  /** The connected account id, acct_... */
  destination: string;
  /** Stripe's transfer_group: the order id, as on the sale's PaymentIntent (the payout run's group without a sale). */
  transferGroup: string;
}

/** A Checkout Session as the webhook events carry it, reduced to what checkout reads. */
export interface StripeSessionFacts {
  id: string;
  orderId: string | null;
  /** metadata.checkout_id: the cart checkout the session pays (its orders together). */
  checkoutId: string | null;
  paymentStatus: string;
  amountTotal: number | null;
  currency: string | null;
  paymentIntent: string | null;
}

/** The Stripe events checkout acts on; every other type is `ignored`. */
export type StripeWebhookEvent =
  | {
      id: string;
      type: 'checkout.session.completed' | 'checkout.session.async_payment_succeeded' | 'checkout.session.async_payment_failed';
      session: StripeSessionFacts;
    }
  | {
      id: string;
      type: 'charge.refunded';
      charge: { id: string; paymentIntent: string | null; refunded: boolean; amountRefunded: number; currency: string; refundId: string | null };
    }
  | { id: string; type: 'ignored'; stripeType: string };

/**
 * Stripe, as checkout and revenue need it: Checkout Sessions, refunds, webhook verification and Connect transfers. Every call that creates
 * something carries an idempotency key (the order's for a session, the caller's for a refund, the payout's for a transfer), so a
 * retried request never charges or refunds twice. Failures throw StripeException (src/stripe owns its errors).
 */
export abstract class StripeGateway {
  /** False when STRIPE_SECRET_KEY is unset: every call throws STRIPE_NOT_CONFIGURED. */
  abstract readonly configured: boolean;

  abstract createCheckoutSession(request: CheckoutSessionRequest): Promise<CreatedCheckoutSession>;

  /** Refunds the payment intent; answers the refund id. A retry with the same idempotency key answers the same refund. */
  abstract refund(request: StripeRefundRequest): Promise<string>;

  /** Every refund of the payment intent, newest first (Stripe keeps idempotency keys for 24 hours; this finds refunds later). */
  abstract listRefunds(paymentIntentId: string): Promise<StripeRefundFacts[]>;

  /**
   * Sends a Connect transfer (currency usd); answers the transfer id. Idempotent by payout id: a retry with the same
   * payout answers the first transfer (Stripe keeps idempotency keys at least 24 hours; findTransfer covers later).
   */
  abstract createTransfer(request: StripeTransferRequest): Promise<string>;

  /** The id of the transfer made for this payout (metadata.payout_id) in `transferGroup`, or null when there is none. */
  abstract findTransfer(payoutId: string, transferGroup: string): Promise<string | null>;

  /** Verifies the Stripe-Signature header over the exact body bytes, then reads the event. Throws STRIPE_SIGNATURE_INVALID. */
  abstract verifyEvent(rawBody: Buffer | undefined, signatureHeader: string | undefined): StripeWebhookEvent;
}
