import { Module } from '@nestjs/common';
import { AppConfig } from '../config/app-config.js';
import { StripeGateway } from './stripe-gateway.port.js';
import { StripeSdkGateway, UnconfiguredStripeGateway } from './stripe-sdk.gateway.js';

/** Card payments and Connect payouts need both Stripe secrets; one without the other is a configuration mistake worth stopping for. */
export function stripeGatewayFor(config: AppConfig): StripeGateway {
  const { STRIPE_SECRET_KEY: secretKey, STRIPE_WEBHOOK_SECRET: webhookSecret, STRIPE_API_URL: apiUrl } = config;
  if (!secretKey && !webhookSecret) return new UnconfiguredStripeGateway();
  if (!secretKey || !webhookSecret)
    throw new Error('STRIPE_SECRET_KEY and STRIPE_WEBHOOK_SECRET go together: set both to take card payments, or neither');
  return new StripeSdkGateway({ secretKey, webhookSecret, apiUrl });
}

/**
 * The Stripe gateway (port + SDK adapter), shared by checkout (Checkout Sessions, refunds, webhooks) and revenue
 * (Connect transfers); its own module because checkout imports revenue.
 */
@Module({
  providers: [{ provide: StripeGateway, inject: [AppConfig], useFactory: stripeGatewayFor }],
  exports: [StripeGateway],
})
export class StripeModule {}
