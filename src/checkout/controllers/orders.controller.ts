import { Body, Controller, Get, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { AuthUser } from '../../auth/auth-user.js';
import { Auth, CurrentUser } from '../../auth/decorators/auth.decorator.js';
import { Role } from '../../auth/role.js';
import { TrainingContentEntryResponse } from '../dto/training-content.response.js';
import { ApiErrorResponse } from '../../common/errors/api-error-response.decorator.js';
import { QuoteErrorCode, QuoteException } from '../../quotes/quote.exception.js';
import { CheckoutErrorCode, CheckoutException } from '../checkout.exception.js';
import { CreateOrderDto } from '../dto/create-order.dto.js';
import { CertificateResponse, DownloadsResponse } from '../dto/fulfilment.response.js';
import { ListOrdersQuery } from '../dto/list-my-orders.query.js';
import { OrderPageResponse, OrderResponse } from '../dto/order.response.js';
import { ReceiptResponse } from '../dto/receipt.response.js';
import { CHECKOUT_ERRORS, EXAMPLE_IDS } from './checkout-error-examples.js';
import { OrderReceiptService } from '../services/order-receipt.service.js';
import { FulfilmentService } from '../services/fulfilment.service.js';
import { OrderService } from '../services/order.service.js';
import type { Plain } from '../../common/plain.js';

const { order: ORDER_ID, dataset: DATASET_ID, quote: QUOTE_ID } = EXAMPLE_IDS;
const { noOrganisation } = CHECKOUT_ERRORS;
const NoOrder = () =>
  ApiErrorResponse('No such order among yours', new CheckoutException(CheckoutErrorCode.ORDER_NOT_FOUND, `No order ${ORDER_ID} among yours`));
const NotPaid = () =>
  ApiErrorResponse(
    'The order is not paid',
    new CheckoutException(CheckoutErrorCode.ORDER_NOT_PAID, `Order ${ORDER_ID} is pending, not paid: pay it first`),
  );
const revoked = new CheckoutException(
  CheckoutErrorCode.ENTITLEMENT_REVOKED,
  `Order ${ORDER_ID} was refunded (duplicate purchase); its licence is revoked`,
);

@ApiTags('orders')
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
  @ApiErrorResponse('organisationId names no organisation of yours', noOrganisation)
  list(@CurrentUser() user: AuthUser, @Query() query: ListOrdersQuery): Promise<Plain<OrderPageResponse>> {
    return this.orders.page(user, query);
  }

  @Post()
  @ApiOperation({ summary: 'Orders a dataset version (or a quoted slice) and answers how to pay it: a Stripe Checkout URL or a Solana Pay request' })
  @Auth(Role.BUYER, Role.ADMIN)
  @ApiCreatedResponse({ type: OrderResponse, description: 'Pay at stripe.checkoutUrl, or pay solanaPay.url with a wallet' })
  @ApiErrorResponse('You are a plain member of the organisation: only its owners and admins order for it', CHECKOUT_ERRORS.cannotBuyForOrganisation)
  @ApiErrorResponse(
    'The dataset (version) is not for sale, or no such organisation or quote among yours',
    new CheckoutException(CheckoutErrorCode.DATASET_NOT_FOR_SALE, `Dataset ${DATASET_ID} (its latest version) is not for sale`),
    noOrganisation,
    CHECKOUT_ERRORS.noQuote,
  )
  @ApiErrorResponse(
    'You already hold a pending or paid order of this version (send allowRepeat: true to buy it again; details name the order), the exclusive licence is sold or cannot be, or the quote was used or its prices changed',
    CHECKOUT_ERRORS.alreadyOrdered,
    CHECKOUT_ERRORS.exclusiveSold,
    new CheckoutException(
      CheckoutErrorCode.EXCLUSIVE_UNAVAILABLE,
      `Version 1 of dataset ${DATASET_ID} holds files already sold under a non-exclusive licence, so its exclusive licence can no longer be sold`,
    ),
    new CheckoutException(CheckoutErrorCode.QUOTE_USED, `Quote ${QUOTE_ID} already placed an order: ask for a new quote`),
    new QuoteException(QuoteErrorCode.STALE, `The prices of dataset ${DATASET_ID} changed since quote ${QUOTE_ID}: ask for a new one`),
  )
  @ApiErrorResponse('The quote expired', CHECKOUT_ERRORS.quoteExpired)
  @ApiErrorResponse(
    'This marketplace does not take that payment method now (see GET /v1/payment-methods), or the quote is of another dataset or version',
    CHECKOUT_ERRORS.methodUnavailable,
    CHECKOUT_ERRORS.quoteMismatch,
  )
  @ApiErrorResponse('Card: Stripe did not open the Checkout Session; nothing is stored, try again', CHECKOUT_ERRORS.stripeUnavailable)
  create(@CurrentUser() user: AuthUser, @Body() dto: CreateOrderDto): Promise<Plain<OrderResponse>> {
    return this.orders.create(user, dto);
  }

  @Get(':id')
  @ApiOperation({ summary: 'One of your orders: status, amounts, payments, refunds and how to pay it while pending' })
  @Auth()
  @ApiOkResponse({ type: OrderResponse })
  @NoOrder()
  get(@CurrentUser() user: AuthUser, @Param('id', new ParseUUIDPipe()) id: string): Promise<Plain<OrderResponse>> {
    return this.orders.get(user, id);
  }

  @Get(':id/downloads')
  @ApiOperation({ summary: "A paid order's files, each with a signed, expiring download URL" })
  @Auth()
  @ApiOkResponse({ type: DownloadsResponse, description: 'One signed, expiring URL per file' })
  @NoOrder()
  @ApiErrorResponse(
    "The order is not paid, or every seat of the organisation's licence is taken",
    new CheckoutException(CheckoutErrorCode.ORDER_NOT_PAID, `Order ${ORDER_ID} is pending, not paid: pay it first`),
    new CheckoutException(
      CheckoutErrorCode.SEATS_TAKEN,
      `The licence of order ${ORDER_ID} allows 2 seat(s), all taken by other members of the organisation; a seat frees up when its holder leaves`,
    ),
  )
  @ApiErrorResponse(
    'Refunded, revoked, the licence term has ended, or every file bought was withdrawn',
    revoked,
    new CheckoutException(
      CheckoutErrorCode.LICENCE_EXPIRED,
      `The licence of order ${ORDER_ID} ended on 2026-11-30T00:00:00.000Z; order the dataset again to download it`,
    ),
    new CheckoutException(
      CheckoutErrorCode.FILES_WITHDRAWN,
      `Every file of order ${ORDER_ID} was withdrawn by its contributor, and its licence (Commercial AI training) ends the right to withdrawn files`,
    ),
  )
  downloads(@CurrentUser() user: AuthUser, @Param('id', new ParseUUIDPipe()) id: string): Promise<Plain<DownloadsResponse>> {
    return this.fulfilment.downloads(user, id);
  }

  @Get(':id/receipt')
  @Auth()
  @ApiOperation({ summary: "A paid order's receipt: amounts, method, payment reference, tax note and refunds with their transactions" })
  @ApiOkResponse({ type: ReceiptResponse })
  @NoOrder()
  @ApiErrorResponse(
    'The order is not paid',
    new CheckoutException(CheckoutErrorCode.ORDER_NOT_PAID, `Order ${ORDER_ID} is pending: a receipt is issued once it is paid`),
  )
  receipt(@CurrentUser() user: AuthUser, @Param('id', new ParseUUIDPipe()) id: string): Promise<Plain<ReceiptResponse>> {
    return this.receipts.receipt(user, id);
  }

  @Get(':id/certificate')
  @ApiOperation({ summary: "A paid order's licence certificate, signed by the platform key" })
  @Auth()
  @ApiOkResponse({ type: CertificateResponse, description: 'The licence certificate, signed by the platform key' })
  @NoOrder()
  @NotPaid()
  @ApiErrorResponse('Refunded: the licence is revoked', revoked)
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
  @ApiErrorResponse(
    'No such order among yours, or its version is gone',
    new CheckoutException(CheckoutErrorCode.ORDER_NOT_FOUND, `No order ${ORDER_ID} among yours`),
    new CheckoutException(CheckoutErrorCode.DATASET_NOT_FOR_SALE, `Version 1 of dataset ${DATASET_ID} is gone`),
  )
  @NotPaid()
  @ApiErrorResponse('Refunded: the licence is revoked', revoked)
  trainingContent(@CurrentUser() user: AuthUser, @Param('id', new ParseUUIDPipe()) id: string): Promise<Plain<TrainingContentEntryResponse>> {
    return this.fulfilment.trainingContent(user, id);
  }
}
