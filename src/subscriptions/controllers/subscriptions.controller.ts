import { Body, Controller, Get, HttpCode, HttpStatus, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiCreatedResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import type { AuthUser } from '../../auth/auth-user.js';
import { Auth, CurrentUser } from '../../auth/decorators/auth.decorator.js';
import { Role } from '../../auth/role.js';
import { ErrorBody } from '../../common/errors/error-body.js';
import type { Plain } from '../../common/plain.js';
import { CreateSubscriptionDto } from '../dto/create-subscription.dto.js';
import { SubscriptionResponse } from '../dto/subscription.response.js';
import { SubscriptionsService } from '../services/subscriptions.service.js';

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
  @ApiBadRequestResponse({
    type: ErrorBody,
    description: 'An invalid area (DATASET_INVALID_AREA), an unknown modality or method, a cap out of range',
  })
  @ApiNotFoundResponse({ type: ErrorBody, description: 'SUBSCRIPTION_DATASET_NOT_LISTED: no such dataset for sale' })
  @ApiUnprocessableEntityResponse({
    type: ErrorBody,
    description: 'SUBSCRIPTION_NOT_SLICEABLE (the dataset is sold whole only), CHECKOUT_PAYMENT_METHOD_UNAVAILABLE',
  })
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
  @ApiNotFoundResponse({ type: ErrorBody, description: 'No such subscription among yours' })
  get(@CurrentUser() user: AuthUser, @Param('id', new ParseUUIDPipe()) id: string): Promise<Plain<SubscriptionResponse>> {
    return this.subscriptions.get(user, id);
  }

  @Post(':id/cancel')
  @HttpCode(HttpStatus.OK)
  @Auth(Role.BUYER, Role.ADMIN)
  @ApiOperation({ summary: 'Cancel an area subscription: no further month is billed (idempotent; placed invoices stay payable)' })
  @ApiOkResponse({ type: SubscriptionResponse })
  @ApiNotFoundResponse({ type: ErrorBody, description: 'No such subscription among yours' })
  cancel(@CurrentUser() user: AuthUser, @Param('id', new ParseUUIDPipe()) id: string): Promise<Plain<SubscriptionResponse>> {
    return this.subscriptions.cancel(user, id);
  }
}
