import { Body, Controller, Get, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import {
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiGoneResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiUnprocessableEntityResponse,
  ApiTags,
} from '@nestjs/swagger';
import type { AuthUser } from '../../auth/auth-user.js';
import { Auth, CurrentUser } from '../../auth/decorators/auth.decorator.js';
import { Role } from '../../auth/role.js';
import { TrainingContentEntryResponse } from '../dto/training-content.response.js';
import { ErrorBody } from '../../common/errors/error-body.js';
import { CreateOrderDto } from '../dto/create-order.dto.js';
import { CertificateResponse, DownloadsResponse } from '../dto/fulfilment.response.js';
import { ListOrdersQuery } from '../dto/list-my-orders.query.js';
import { OrderPageResponse, OrderResponse } from '../dto/order.response.js';
import { ReceiptResponse } from '../dto/receipt.response.js';
import { OrderReceiptService } from '../services/order-receipt.service.js';
import { FulfilmentService } from '../services/fulfilment.service.js';
import { OrderService } from '../services/order.service.js';
import type { Plain } from '../../common/plain.js';

@ApiTags('orders')
@ApiNotFoundResponse({ type: ErrorBody, description: 'No such order among yours' })
@Controller('v1/orders')
export class OrdersController {
  constructor(
    private readonly orders: OrderService,
    private readonly fulfilment: FulfilmentService,
    private readonly receipts: OrderReceiptService,
  ) {}

  @Get()
  @Auth()
  @ApiOperation({ summary: "Your orders and your organisations' orders, a page at a time, newest first" })
  @ApiOkResponse({ type: OrderPageResponse })
  list(@CurrentUser() user: AuthUser, @Query() query: ListOrdersQuery): Promise<Plain<OrderPageResponse>> {
    return this.orders.page(user, query);
  }

  @Post()
  @ApiOperation({ summary: 'Orders a dataset version (or a quoted slice) and answers how to pay it: a Stripe Checkout URL or a Solana Pay request' })
  @Auth(Role.BUYER, Role.ADMIN)
  @ApiCreatedResponse({ type: OrderResponse, description: 'Pay at stripe.checkoutUrl, or pay solanaPay.url with a wallet' })
  @ApiConflictResponse({
    type: ErrorBody,
    description:
      'The exclusive licence is already sold, or you already hold a pending or paid order of this version (send allowRepeat: true to buy it again)',
  })
  @ApiUnprocessableEntityResponse({
    type: ErrorBody,
    description: 'This marketplace does not take that payment method now (see GET /v1/payment-methods)',
  })
  create(@CurrentUser() user: AuthUser, @Body() dto: CreateOrderDto): Promise<Plain<OrderResponse>> {
    return this.orders.create(user, dto);
  }

  @Get(':id')
  @ApiOperation({ summary: 'One of your orders: status, amounts, payments, refunds and how to pay it while pending' })
  @Auth()
  @ApiOkResponse({ type: OrderResponse })
  get(@CurrentUser() user: AuthUser, @Param('id', new ParseUUIDPipe()) id: string): Promise<Plain<OrderResponse>> {
    return this.orders.get(user, id);
  }

  @Get(':id/downloads')
  @ApiOperation({ summary: "A paid order's files, each with a signed, expiring download URL" })
  @Auth()
  @ApiOkResponse({ type: DownloadsResponse, description: 'One signed, expiring URL per file' })
  @ApiConflictResponse({ type: ErrorBody, description: 'The order is not paid' })
  @ApiGoneResponse({ type: ErrorBody, description: 'Refunded, revoked, or the licence term has ended' })
  downloads(@CurrentUser() user: AuthUser, @Param('id', new ParseUUIDPipe()) id: string): Promise<Plain<DownloadsResponse>> {
    return this.fulfilment.downloads(user, id);
  }

  @Get(':id/receipt')
  @Auth()
  @ApiOperation({ summary: "A paid order's receipt: amounts, method, payment reference, tax note and refunds with their transactions" })
  @ApiOkResponse({ type: ReceiptResponse })
  @ApiConflictResponse({ type: ErrorBody, description: 'The order is not paid' })
  receipt(@CurrentUser() user: AuthUser, @Param('id', new ParseUUIDPipe()) id: string): Promise<Plain<ReceiptResponse>> {
    return this.receipts.receipt(user, id);
  }

  @Get(':id/certificate')
  @ApiOperation({ summary: "A paid order's licence certificate, signed by the platform key" })
  @Auth()
  @ApiOkResponse({ type: CertificateResponse, description: 'The licence certificate, signed by the platform key' })
  @ApiConflictResponse({ type: ErrorBody, description: 'The order is not paid' })
  @ApiGoneResponse({ type: ErrorBody, description: 'Refunded: the licence is revoked' })
  certificate(@CurrentUser() user: AuthUser, @Param('id', new ParseUUIDPipe()) id: string): Promise<Plain<CertificateResponse>> {
    return this.fulfilment.certificate(user, id);
  }

  @Get(':id/training-content')
  @ApiOperation({ summary: "The order's 'licensed private dataset' entry for an EU AI Act training-content summary" })
  @Auth()
  @ApiOkResponse({
    type: TrainingContentEntryResponse,
    description:
      "The order's 'licensed private dataset' entry for an EU AI Act training-content summary: licensor, modalities, size range, collection period",
  })
  @ApiConflictResponse({ type: ErrorBody, description: 'The order is not paid' })
  @ApiGoneResponse({ type: ErrorBody, description: 'Refunded: the licence is revoked' })
  trainingContent(@CurrentUser() user: AuthUser, @Param('id', new ParseUUIDPipe()) id: string): Promise<Plain<TrainingContentEntryResponse>> {
    return this.fulfilment.trainingContent(user, id);
  }
}
