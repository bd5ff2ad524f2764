import { Body, Controller, Delete, Get, HttpCode, HttpStatus, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import {
  ApiCreatedResponse,
  ApiNoContentResponse,
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
import { CreateWebhookDto, ListDeliveriesQuery, WebhookCreatedResponse, WebhookDeliveryResponse, WebhookResponse } from '../dto/webhook.dto.js';
import { WebhookEndpointService } from '../services/webhook-endpoint.service.js';

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
  @ApiUnprocessableEntityResponse({ type: ErrorBody, description: 'Not https, or a private or reserved network address' })
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
  @ApiNotFoundResponse({ type: ErrorBody })
  enable(@CurrentUser() user: AuthUser, @Param('id', new ParseUUIDPipe()) id: string): Promise<Plain<WebhookResponse>> {
    return this.webhooks.enable(user, id);
  }

  @Post(':id/rotate-secret')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({
    summary: "Replaces an endpoint's signing secret (shown in this answer only); every delivery from now on is signed with it",
  })
  @ApiOkResponse({ type: WebhookCreatedResponse })
  @ApiNotFoundResponse({ type: ErrorBody })
  rotateSecret(@CurrentUser() user: AuthUser, @Param('id', new ParseUUIDPipe()) id: string): Promise<Plain<WebhookCreatedResponse>> {
    return this.webhooks.rotateSecret(user, id);
  }

  @Delete(':id')
  @ApiOperation({ summary: 'Deletes one of your webhook endpoints and its delivery log' })
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiNoContentResponse({ description: 'Deleted' })
  @ApiNotFoundResponse({ type: ErrorBody })
  remove(@CurrentUser() user: AuthUser, @Param('id', new ParseUUIDPipe()) id: string): Promise<void> {
    return this.webhooks.remove(user, id);
  }

  @Get(':id/deliveries')
  @ApiOperation({ summary: "An endpoint's recent deliveries, newest first, with every attempt and the next one due" })
  @ApiOkResponse({ type: [WebhookDeliveryResponse] })
  @ApiNotFoundResponse({ type: ErrorBody })
  deliveries(
    @CurrentUser() user: AuthUser,
    @Param('id', new ParseUUIDPipe()) id: string,
    @Query() query: ListDeliveriesQuery,
  ): Promise<Plain<WebhookDeliveryResponse>[]> {
    return this.webhooks.deliveriesOf(user, id, query.limit);
  }
}
