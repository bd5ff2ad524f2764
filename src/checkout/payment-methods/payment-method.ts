import type { CheckoutErrorCode } from '../checkout.exception.js';
import type { OrderResponse } from '../dto/order.response.js';
import type { OrderPaymentRequest } from '../entities/order-payment-request.entity.js';
import type { Order } from '../entities/order.entity.js';
import type { Plain } from '../../common/plain.js';

/**
 * The payment methods this marketplace takes. Each has a folder beside this file with its handler, registered in
 * payment-method.registry.ts, and a row of the `payment_methods` table (its migration) naming its currency.
 */
export const PAYMENT_METHODS = ['card', 'solana'] as const;
export type PaymentMethod = (typeof PAYMENT_METHODS)[number];
export type PaymentCurrency = 'USD' | 'USDC';

/** One order as the provider's request names it (a Stripe line item, a part of the Solana Pay message). */
export interface PayableLine {
  datasetTitle: string;
  version: number;
  licenceName: string;
  amountMinor: number;
}

/**
 * What a handler reads of a new order to open its payment request (the order is not stored yet): one line. A cart
 * checkout's one request for several orders is opened the same way: `id` and `checkoutId` are then the checkout's,
 * the amounts its sums, and `lines` its orders.
 */
export interface PayableOrder {
  id: string;
  /** Set (to `id`) when this is a cart checkout's request; null for one order. */
  checkoutId: string | null;
  lines: PayableLine[];
  priceUsdCents: number;
  /** In the method's minor units (amountFor). */
  amountMinor: number;
  buyerEmail: string | null;
  expiresAt: Date;
}

/** The provider's side of an order's payment, stored in `order_payment_requests` with the order. */
export interface PaymentRequest {
  /**
   * The provider's key of this request (a Stripe Checkout Session id, a Solana Pay reference address): unique per
   * method, so one provider request can never pay two orders.
   */
  providerReference: string;
  /** The rest of what the method keeps (URLs, recipient, mint), read back only by the same handler (parseDetails). */
  details: Record<string, string>;
}

/** A payment the provider reports or the handler found for an order. */
export interface IncomingPayment {
  method: PaymentMethod;
  /** The provider's reference of the money movement (Stripe payment intent, Solana transaction signature): recorded once. */
  reference: string;
  /** What arrived, in minor units of `currency`. */
  amountMinor: number;
  currency: PaymentCurrency;
  /** Who paid, as the method names them (the wallet a USDC payment came from): where a refund of it goes; null when unknown. */
  payer: string | null;
  /**
   * Set on one order's share of a cart checkout's one payment (`reference` is then `<provider reference>#<line>`):
   * the provider's reference of the whole payment, which refunds of the share go against.
   */
  providerReference?: string;
}

/** One look at a candidate: a payment of the order (whatever its amount), or why it is not one. */
export type CandidateCheck = { payment: IncomingPayment } | { rejected: CheckoutErrorCode; reason: string };

/** The method-specific part of the order response (the API's `stripe` / `solanaPay` objects). */
export type PaymentInstructions = Pick<Plain<OrderResponse>, 'stripe' | 'solanaPay'>;

/** A charge as a refund needs it. */
export interface RefundableCharge {
  /** The provider's reference of the charge (Stripe payment intent, Solana signature). */
  reference: string;
  payer: string | null;
  amountMinor: number;
}

/** One refund of the outbox (`order_refunds`) as its handler sends it. */
export interface RefundToSend {
  id: string;
  orderId: string;
  amountMinor: number;
  /** From newRefundKey: the provider's idempotency key, or the reference the refund carries; fixed with the row. */
  idempotencyKey: string;
  charge: RefundableCharge;
}

/**
 * Methods whose payments the marketplace looks for itself (a transfer on a ledger), rather than being told by a
 * signed webhook. The watcher job and `confirm-*` routes use it.
 */
export interface PaymentPolling {
  /** Seconds after the order is placed before the first look. */
  readonly firstLookDelaySeconds: number;
  /** References of what may pay the order, oldest first: `hint` (e.g. the signature a wallet returned) alone when given. */
  candidates(order: Order, request: OrderPaymentRequest, hint?: string): Promise<string[]>;
  /** Checks one candidate against the order's request. */
  validate(order: Order, request: OrderPaymentRequest, reference: string): Promise<CandidateCheck>;
}

/**
 * One payment method, everything about it that is not the same for all: opening a payment request, describing it
 * in the order response, finding and checking payments (polling methods), and sending refunds exactly once (the
 * refund outbox calls findRefund before every send and sendRefund only when it finds nothing). Order services talk
 * to this port through PaymentMethodRegistry; none of them branches on the method.
 */
export abstract class PaymentMethodHandler {
  abstract readonly method: PaymentMethod;
  abstract readonly currency: PaymentCurrency;
  /** Null when the provider reports payments itself (Stripe's webhook). */
  abstract readonly polling: PaymentPolling | null;
  /**
   * After a refund send that failed or was interrupted, how long that refund may still land without the provider
   * showing it (a Solana blockhash lifetime; 0 where the idempotency key makes a resend safe).
   */
  abstract readonly refundLandingSeconds: number;

  /**
   * Whether this marketplace takes the method now (card: Stripe is configured). Orders with an unavailable method are
   * refused before anything is stored, and GET /v1/payment-methods tells the pages which methods to offer.
   */
  abstract get available(): boolean;

  /** The method as a buyer reads it, e.g. "Card (Stripe Checkout)". */
  abstract readonly label: string;

  /** The price in this method's minor units, exactly. */
  abstract amountFor(priceUsdCents: number): number;

  /** An amount in this method's minor units as people read it, e.g. "19.99 USDC". */
  abstract formatAmount(amountMinor: number): string;

  /** Opens the provider's side of the payment; called before the order is stored (nothing is kept if it fails). */
  abstract createRequest(order: PayableOrder): Promise<PaymentRequest>;

  /** How to pay the order, for the order response (only while it matters: e.g. a transfer request while payable). */
  abstract describe(order: Order, request: OrderPaymentRequest): Promise<PaymentInstructions>;

  /** Why this charge cannot be refunded automatically (it is then held for an admin); null when it can. */
  abstract refundBlocker(charge: RefundableCharge): string | null;

  /** The idempotency key or reference of a new refund, committed with its outbox row before anything is sent. */
  abstract newRefundKey(refundId: string): string;

  /** The provider's reference of this refund when it was already made (by an earlier attempt); null when not. */
  abstract findRefund(refund: RefundToSend): Promise<string | null>;

  /** Sends the refund; answers the provider's reference of it. */
  abstract sendRefund(refund: RefundToSend): Promise<string>;
}
