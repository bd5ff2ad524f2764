import type { PaymentMethodFolder } from '../payment-methods.js';
import { StripeCheckoutHandler } from './stripe-checkout.handler.js';
import { StripeEventEntity } from './stripe-event.entity.js';
import { StripeEventRepository } from './stripe-event.repository.js';
import { StripeWebhookController } from './stripe-webhook.controller.js';
import { StripeWebhookService } from './stripe-webhook.service.js';

/** Card payments: Stripe Checkout, confirmed by Stripe's signed webhook (POST /v1/webhooks/stripe). */
export const stripeCheckoutMethod: PaymentMethodFolder = {
  handler: StripeCheckoutHandler,
  controllers: [StripeWebhookController],
  providers: [StripeWebhookService, StripeEventRepository],
  entities: [StripeEventEntity],
};
