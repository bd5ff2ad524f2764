import Stripe from 'stripe';
import {
  type CheckoutSessionRequest,
  type CreatedCheckoutSession,
  StripeGateway,
  type StripeRefundFacts,
  type StripeRefundRequest,
  type StripeSessionFacts,
  type StripeTransferRequest,
  type StripeWebhookEvent,
} from './stripe-gateway.port.js';
import { StripeErrorCode, StripeException } from './stripe.exception.js';

export interface StripeSettings {
  secretKey: string;
  webhookSecret: string;
  /** STRIPE_API_URL: another host for the SDK (stripe-mock, a test server); unset talks to api.stripe.com. */
  apiUrl?: string;
}

const MIN_SESSION_SECONDS = 31 * 60;
const MAX_SESSION_SECONDS = 23 * 3600;

function sessionFacts(session: Stripe.Checkout.Session): StripeSessionFacts {
  const paymentIntent = typeof session.payment_intent === 'string' ? session.payment_intent : (session.payment_intent?.id ?? null);
  return {
    id: session.id,
    checkoutId: session.metadata?.checkout_id ?? null,
    // A cart checkout's session names the checkout as its client reference, not an order.
    orderId: session.metadata?.order_id ?? (session.metadata?.checkout_id ? null : session.client_reference_id) ?? null,
    paymentStatus: session.payment_status,
    amountTotal: session.amount_total,
    currency: session.currency,
    paymentIntent,
  };
}

function unavailable(action: string, error: unknown): StripeException {
  const message = error instanceof Error ? error.message : String(error);
  return new StripeException(StripeErrorCode.UNAVAILABLE, `Stripe could not ${action}: ${message}`);
}

/** The real adapter over the stripe SDK. */
export class StripeSdkGateway extends StripeGateway {
  readonly configured = true;
  private readonly stripe: Stripe;

  constructor(private readonly settings: StripeSettings) {
    super();
    const url = settings.apiUrl ? new URL(settings.apiUrl) : null;
    this.stripe = new Stripe(settings.secretKey, {
      maxNetworkRetries: url ? 0 : 2,
      telemetry: false,
      ...(url && {
        host: url.hostname,
        port: Number(url.port || (url.protocol === 'https:' ? 443 : 80)),
        protocol: url.protocol === 'https:' ? 'https' : 'http',
      }),
    });
  }

  async createCheckoutSession(request: CheckoutSessionRequest): Promise<CreatedCheckoutSession> {
    const now = Math.floor(Date.now() / 1000);
    const expiresAt = Math.min(Math.max(Math.floor(request.expiresAt.getTime() / 1000), now + MIN_SESSION_SECONDS), now + MAX_SESSION_SECONDS);
    // One order keeps the session it always had; a cart checkout names itself instead and lists a line item per order.
    const { orderId, checkoutId } = request;
    const key = checkoutId ?? orderId ?? '';
    const metadata: Record<string, string> = checkoutId ? { checkout_id: checkoutId } : { order_id: orderId ?? '' };
    try {
      const session = await this.stripe.checkout.sessions.create(
        {
          mode: 'payment',
          line_items: request.lineItems.map((item) => ({
            quantity: 1,
            price_data: {
              currency: 'usd',
              unit_amount: item.amountCents,
              product_data: { name: item.productName, description: item.description },
            },
          })),
          metadata,
          client_reference_id: key,
          // Connect transfers that pay this sale's contributors carry the same group (PayoutService.sendStripePayout).
          payment_intent_data: { metadata, transfer_group: key },
          ...(request.customerEmail && { customer_email: request.customerEmail }),
          success_url: request.successUrl,
          cancel_url: request.cancelUrl,
          expires_at: expiresAt,
        },
        { idempotencyKey: `checkout-session:${key}` },
      );
      if (!session.url) throw new Error(`session ${session.id} has no URL`);
      return { id: session.id, url: session.url };
    } catch (error) {
      throw unavailable('open a Checkout Session', error);
    }
  }

  async refund(request: StripeRefundRequest): Promise<string> {
    try {
      const refund = await this.stripe.refunds.create(
        {
          payment_intent: request.paymentIntentId,
          amount: request.amountCents,
          metadata: { order_id: request.orderId, refund_key: request.idempotencyKey },
        },
        { idempotencyKey: request.idempotencyKey },
      );
      return refund.id;
    } catch (error) {
      throw unavailable('refund the payment', error);
    }
  }

  async listRefunds(paymentIntentId: string): Promise<StripeRefundFacts[]> {
    try {
      const refunds: StripeRefundFacts[] = [];
      for await (const refund of this.stripe.refunds.list({ payment_intent: paymentIntentId, limit: 100 })) {
        refunds.push({
          id: refund.id,
          amountCents: refund.amount,
          status: refund.status ?? 'pending',
          refundKey: refund.metadata?.refund_key ?? null,
          orderId: refund.metadata?.order_id ?? null,
        });
      }
      return refunds;
    } catch (error) {
      throw unavailable('list the refunds of the payment', error);
    }
  }

  async createTransfer(request: StripeTransferRequest): Promise<string> {
    try {
      const transfer = await this.stripe.transfers.create(
        {
          amount: Number(request.amountCents),
          currency: 'usd',
          destination: request.destination,
          transfer_group: request.transferGroup,
          metadata: { payout_id: request.payoutId, ...(request.orderId && { order_id: request.orderId }) },
        },
        { idempotencyKey: request.orderId ? `payout:${request.payoutId}:${request.orderId}` : `payout:${request.payoutId}` },
      );
      return transfer.id;
    } catch (error) {
      throw unavailable('send the payout transfer', error);
    }
  }

  async findTransfer(payoutId: string, transferGroup: string): Promise<string | null> {
    try {
      for await (const transfer of this.stripe.transfers.list({ transfer_group: transferGroup, limit: 100 })) {
        if (transfer.metadata.payout_id === payoutId && !transfer.reversed) return transfer.id;
      }
      return null;
    } catch (error) {
      throw unavailable('list payout transfers', error);
    }
  }

  verifyEvent(rawBody: Buffer | undefined, signatureHeader: string | undefined): StripeWebhookEvent {
    if (!rawBody?.length || !signatureHeader) {
      throw new StripeException(StripeErrorCode.SIGNATURE_INVALID, 'Stripe signature rejected: the Stripe-Signature header or the body is missing');
    }
    let event: Stripe.Event;
    try {
      event = this.stripe.webhooks.constructEvent(rawBody, signatureHeader, this.settings.webhookSecret);
    } catch (error) {
      throw new StripeException(
        StripeErrorCode.SIGNATURE_INVALID,
        `Stripe signature rejected: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
    switch (event.type) {
      case 'checkout.session.completed':
      case 'checkout.session.async_payment_succeeded':
      case 'checkout.session.async_payment_failed':
        return { id: event.id, type: event.type, session: sessionFacts(event.data.object) };
      case 'charge.refunded': {
        const charge = event.data.object;
        return {
          id: event.id,
          type: 'charge.refunded',
          charge: {
            id: charge.id,
            paymentIntent: typeof charge.payment_intent === 'string' ? charge.payment_intent : (charge.payment_intent?.id ?? null),
            refunded: charge.refunded,
            amountRefunded: charge.amount_refunded,
            currency: charge.currency,
            refundId: charge.refunds?.data[0]?.id ?? null,
          },
        };
      }
      default:
        return { id: event.id, type: 'ignored', stripeType: event.type };
    }
  }
}

/** Card payments without STRIPE_SECRET_KEY: every call says so. */
export class UnconfiguredStripeGateway extends StripeGateway {
  readonly configured = false;

  private refuse(): never {
    throw new StripeException(
      StripeErrorCode.NOT_CONFIGURED,
      'Card payments are not configured on this marketplace (STRIPE_SECRET_KEY and STRIPE_WEBHOOK_SECRET are unset); pay with USDC instead',
    );
  }

  createCheckoutSession(): Promise<CreatedCheckoutSession> {
    this.refuse();
  }

  refund(): Promise<string> {
    this.refuse();
  }

  listRefunds(): Promise<StripeRefundFacts[]> {
    this.refuse();
  }

  createTransfer(): Promise<string> {
    this.refuse();
  }

  findTransfer(): Promise<string | null> {
    this.refuse();
  }

  verifyEvent(): StripeWebhookEvent {
    this.refuse();
  }
}
