import { Body, Controller, Get, HttpCode, HttpStatus, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { AuthUser } from '../../auth/auth-user.js';
import { Auth, CurrentUser } from '../../auth/decorators/auth.decorator.js';
import { Role } from '../../auth/role.js';
import { SubscriptionErrorCode, SubscriptionException } from '../subscription.exception.js';
import { ApiErrorResponse } from '../../common/errors/api-error-response.decorator.js';
import { CatalogErrorCode, CatalogException } from '../../catalog/catalog.exception.js';
import { CheckoutErrorCode, CheckoutException } from '../../checkout/checkout.exception.js';
import type { Plain } from '../../common/plain.js';
import { CreateSubscriptionDto } from '../dto/create-subscription.dto.js';
import { SubscriptionResponse } from '../dto/subscription.response.js';
import { SubscriptionsService } from '../services/subscriptions.service.js';

const NOT_FOUND_EXAMPLE = new SubscriptionException(
  SubscriptionErrorCode.NOT_FOUND,
  'No subscription 5b2f7c1e-0d4a-4c8e-9f3b-7a6e2d1c0b9a among yours',
);

@ApiTags('subscriptions')
@Controller('v1/me/subscriptions')
export class SubscriptionsController {
  constructor(private readonly subscriptions: SubscriptionsService) {}

  @Post()
  @Auth(Role.BUYER, Role.ADMIN)
  @ApiOperation({
    summary: 'Subscribe to the new captures of an area x modalities, invoiced monthly up to a cap',
    description:
      "On the 1st of each month (UTC) the month before is billed: the captures of each listed dataset's current version in the area that are new to you (not for sale when you subscribed, not delivered, not on a payable invoice) are quoted per dataset exactly as POST /v1/quotes quotes, and placed as one checkout with a line per dataset, paid by your method. Over the cap nothing is billed and you are told; you are told of each invoice by the subscription.invoice webhook and by e-mail.",
  })
  @ApiCreatedResponse({ type: SubscriptionResponse })
  @ApiErrorResponse(
    'An invalid area, an unknown modality or method, a cap out of range',
    new CatalogException(CatalogErrorCode.INVALID_AREA, 'bbox must be minLon,minLat,maxLon,maxLat within -180..180 and -90..90, min before max'),
  )
  @ApiErrorResponse(
    'No such dataset for sale',
    new SubscriptionException(SubscriptionErrorCode.DATASET_NOT_LISTED, 'Dataset 067e188a-4a5c-4e2b-9b3f-2f6a0c1d9e11 is not listed for sale'),
  )
  @ApiErrorResponse(
    'The dataset is sold whole only, or the payment method is not taken now',
    new SubscriptionException(SubscriptionErrorCode.NOT_SLICEABLE, 'This dataset is sold whole only: it has no per-unit prices'),
    new CheckoutException(CheckoutErrorCode.PAYMENT_METHOD_UNAVAILABLE, 'Card payments are not configured here; pay with solana'),
  )
  create(@CurrentUser() user: AuthUser, @Body() dto: CreateSubscriptionDto): Promise<Plain<SubscriptionResponse>> {
    return this.subscriptions.create(user, dto);
  }

  @Get()
  @Auth(Role.BUYER, Role.ADMIN)
  @ApiOperation({ summary: 'Your area subscriptions, newest first, each with its monthly invoices' })
  @ApiOkResponse({ type: [SubscriptionResponse] })
  list(@CurrentUser() user: AuthUser): Promise<Plain<SubscriptionResponse>[]> {
    return this.subscriptions.list(user);
  }

  @Get(':id')
  @Auth(Role.BUYER, Role.ADMIN)
  @ApiOperation({ summary: 'One of your area subscriptions with its monthly invoices' })
  @ApiOkResponse({ type: SubscriptionResponse })
  @ApiErrorResponse('No such subscription among yours', NOT_FOUND_EXAMPLE)
  get(@CurrentUser() user: AuthUser, @Param('id', new ParseUUIDPipe()) id: string): Promise<Plain<SubscriptionResponse>> {
    return this.subscriptions.get(user, id);
  }

  @Post(':id/cancel')
  @HttpCode(HttpStatus.OK)
  @Auth(Role.BUYER, Role.ADMIN)
  @ApiOperation({ summary: 'Cancel an area subscription: no further month is billed (idempotent; placed invoices stay payable)' })
  @ApiOkResponse({ type: SubscriptionResponse })
  @ApiErrorResponse('No such subscription among yours', NOT_FOUND_EXAMPLE)
  cancel(@CurrentUser() user: AuthUser, @Param('id', new ParseUUIDPipe()) id: string): Promise<Plain<SubscriptionResponse>> {
    return this.subscriptions.cancel(user, id);
  }
}
