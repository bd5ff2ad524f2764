import { Body, Controller, Delete, Get, HttpCode, HttpStatus, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { AuthUser } from '../../auth/auth-user.js';
import { Auth, CurrentUser } from '../../auth/decorators/auth.decorator.js';
import { Role } from '../../auth/role.js';
import { ApiErrorResponse } from '../../common/errors/api-error-response.decorator.js';
import { NotificationsErrorCode, NotificationsException } from '../notifications.exception.js';
import type { Plain } from '../../common/plain.js';
import { CreateWebhookDto, ListDeliveriesQuery, WebhookCreatedResponse, WebhookDeliveryResponse, WebhookResponse } from '../dto/webhook.dto.js';
import { MAX_WEBHOOKS_PER_USER, WebhookEndpointService } from '../services/webhook-endpoint.service.js';

const NoEndpoint = () =>
  ApiErrorResponse(
    'No such endpoint of yours',
    new NotificationsException(NotificationsErrorCode.WEBHOOK_NOT_FOUND, 'No webhook endpoint 4d3c2b1a-0f9e-4d8c-b7a6-5e4d3c2b1a0f of yours'),
  );

@ApiTags('webhooks')
@Auth(Role.BUYER, Role.ADMIN)
@Controller('v1/me/webhooks')
export class WebhooksController {
  constructor(private readonly webhooks: WebhookEndpointService) {}

  @Post()
  @ApiOperation({
    summary: 'Registers a webhook endpoint for signed events about your orders (the signing secret is shown in this answer only)',
  })
  @ApiCreatedResponse({ type: WebhookCreatedResponse })
  @ApiErrorResponse(
    'You are not an owner or admin of the organisation named',
    new NotificationsException(
      NotificationsErrorCode.ORGANISATION_NOT_MANAGED,
      'You are not an owner or admin of organisation 5c9e9f1f-061b-4dd1-b044-98b316cbfa00',
    ),
  )
  @ApiErrorResponse(
    'You have as many endpoints as one account may have',
    new NotificationsException(
      NotificationsErrorCode.WEBHOOK_LIMIT_REACHED,
      `You have ${MAX_WEBHOOKS_PER_USER} webhook endpoints, the most one account may have; delete one first`,
    ),
  )
  @ApiErrorResponse(
    'Not https, or a private or reserved network address',
    new NotificationsException(NotificationsErrorCode.WEBHOOK_URL_REFUSED, 'The webhook URL must use https'),
  )
  create(@CurrentUser() user: AuthUser, @Body() dto: CreateWebhookDto): Promise<Plain<WebhookCreatedResponse>> {
    return this.webhooks.create(user, dto);
  }

  @Get()
  @ApiOperation({ summary: 'Your webhook endpoints (never their secrets)' })
  @ApiOkResponse({ type: [WebhookResponse] })
  list(@CurrentUser() user: AuthUser): Promise<Plain<WebhookResponse>[]> {
    return this.webhooks.list(user);
  }

  @Post(':id/enable')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({
    summary: 'Enables one of your endpoints again after it was disabled for failing: the deliveries it held go out now',
  })
  @ApiOkResponse({ type: WebhookResponse })
  @NoEndpoint()
  enable(@CurrentUser() user: AuthUser, @Param('id', new ParseUUIDPipe()) id: string): Promise<Plain<WebhookResponse>> {
    return this.webhooks.enable(user, id);
  }

  @Post(':id/rotate-secret')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({
    summary: "Replaces an endpoint's signing secret (shown in this answer only); every delivery from now on is signed with it",
  })
  @ApiOkResponse({ type: WebhookCreatedResponse })
  @NoEndpoint()
  rotateSecret(@CurrentUser() user: AuthUser, @Param('id', new ParseUUIDPipe()) id: string): Promise<Plain<WebhookCreatedResponse>> {
    return this.webhooks.rotateSecret(user, id);
  }

  @Delete(':id')
  @ApiOperation({ summary: 'Deletes one of your webhook endpoints and its delivery log' })
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiNoContentResponse({ description: 'Deleted' })
  @NoEndpoint()
  remove(@CurrentUser() user: AuthUser, @Param('id', new ParseUUIDPipe()) id: string): Promise<void> {
    return this.webhooks.remove(user, id);
  }

  @Get(':id/deliveries')
  @ApiOperation({ summary: "An endpoint's recent deliveries, newest first, with every attempt and the next one due" })
  @ApiOkResponse({ type: [WebhookDeliveryResponse] })
  @NoEndpoint()
  deliveries(
    @CurrentUser() user: AuthUser,
    @Param('id', new ParseUUIDPipe()) id: string,
    @Query() query: ListDeliveriesQuery,
  ): Promise<Plain<WebhookDeliveryResponse>[]> {
    return this.webhooks.deliveriesOf(user, id, query.limit);
  }
}
