import { Controller, Headers, HttpCode, HttpStatus, Post } from '@nestjs/common';
import { ApiBadRequestResponse, ApiHeader, ApiOkResponse, ApiTags, ApiOperation } from '@nestjs/swagger';
import { ErrorBody } from '../../../common/errors/error-body.js';
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
  @ApiBadRequestResponse({ type: ErrorBody, description: 'Missing or wrong signature; nothing processed' })
  receive(@RawBody() rawBody: Buffer | undefined, @Headers('stripe-signature') signature: string | undefined): Promise<StripeWebhookResponse> {
    return this.webhooks.handle(rawBody, signature);
  }
}
