import { Controller, Headers, HttpCode, HttpStatus, Post } from '@nestjs/common';
import { ApiHeader, ApiOkResponse, ApiTags, ApiOperation } from '@nestjs/swagger';
import { ApiErrorResponse } from '../../../common/errors/api-error-response.decorator.js';
import { CheckoutErrorCode, CheckoutException } from '../../checkout.exception.js';
import { RawBody } from '../../../common/raw-body.decorator.js';
import { StripeWebhookResponse } from './stripe-webhook.response.js';
import { StripeWebhookService } from './stripe-webhook.service.js';

@ApiTags('webhooks')
@Controller('v1/webhooks/stripe')
export class StripeWebhookController {
  constructor(private readonly webhooks: StripeWebhookService) {}

  @Post()
  @ApiOperation({ summary: "Stripe's signed webhook (checkout completed, expired, refunds); verified on the raw body" })
  @HttpCode(HttpStatus.OK)
  @ApiHeader({ name: 'Stripe-Signature', required: true, description: "Stripe's signature of the exact body bytes" })
  @ApiOkResponse({ type: StripeWebhookResponse })
  @ApiErrorResponse(
    'Missing or wrong signature; nothing processed',
    new CheckoutException(
      CheckoutErrorCode.WEBHOOK_SIGNATURE_INVALID,
      'Stripe signature rejected: No signatures found matching the expected signature for payload. Are you passing the raw request body you received from Stripe?',
    ),
  )
  @ApiErrorResponse(
    'Card payments are not configured here (STRIPE_SECRET_KEY / STRIPE_WEBHOOK_SECRET unset)',
    new CheckoutException(
      CheckoutErrorCode.CARD_NOT_CONFIGURED,
      'Card payments are not configured on this marketplace (STRIPE_SECRET_KEY and STRIPE_WEBHOOK_SECRET are unset); pay with USDC instead',
    ),
  )
  receive(@RawBody() rawBody: Buffer | undefined, @Headers('stripe-signature') signature: string | undefined): Promise<StripeWebhookResponse> {
    return this.webhooks.handle(rawBody, signature);
  }
}
