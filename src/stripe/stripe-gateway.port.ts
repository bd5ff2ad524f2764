export interface CheckoutSessionRequest {
  orderId: string;
  amountCents: number;
  productName: string;
  description: string;
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
 * something carries an idempotency key derived from the order, so a retried request never charges or refunds twice.
 */
export abstract class StripeGateway {
  /** False when STRIPE_SECRET_KEY is unset: card payments answer CHECKOUT_CARD_NOT_CONFIGURED. */
  abstract readonly configured: boolean;

  abstract createCheckoutSession(request: CheckoutSessionRequest): Promise<CreatedCheckoutSession>;

  /** Refunds the payment intent; answers the refund id. */
  abstract refund(request: StripeRefundRequest): Promise<string>;

  /**
   * Sends a Connect transfer (currency usd); answers the transfer id. Idempotent by payout id: a retry with the same
   * payout answers the first transfer (Stripe keeps idempotency keys at least 24 hours; findTransfer covers later).
   */
  abstract createTransfer(request: StripeTransferRequest): Promise<string>;

  /** The id of the transfer made for this payout (metadata.payout_id) in `transferGroup`, or null when there is none. */
  abstract findTransfer(payoutId: string, transferGroup: string): Promise<string | null>;

  /** Verifies the Stripe-Signature header over the exact body bytes, then reads the event. Throws CHECKOUT_WEBHOOK_SIGNATURE_INVALID. */
  abstract verifyEvent(rawBody: Buffer | undefined, signatureHeader: string | undefined): StripeWebhookEvent;
}
