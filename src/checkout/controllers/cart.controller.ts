import { Body, Controller, Delete, Get, HttpCode, HttpStatus, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { AuthUser } from '../../auth/auth-user.js';
import { Auth, CurrentUser } from '../../auth/decorators/auth.decorator.js';
import { Role } from '../../auth/role.js';
import { ApiErrorResponse } from '../../common/errors/api-error-response.decorator.js';
import { CheckoutErrorCode, CheckoutException } from '../checkout.exception.js';
import type { Plain } from '../../common/plain.js';
import { AddCartLineDto, CartCheckoutDto, CartCountResponse, CartResponse, CheckoutResponse } from '../dto/cart.dto.js';
import { ConfirmSolanaDto } from '../payment-methods/solana-pay/confirm-solana.dto.js';
import { CHECKOUT_ERRORS, EXAMPLE_IDS } from './checkout-error-examples.js';
import { CartService, MAX_CART_LINES } from '../services/cart.service.js';

const { checkout: CHECKOUT_ID, order: ORDER_ID, transaction: TRANSACTION } = EXAMPLE_IDS;
const { notForSale, alreadyOrdered, exclusiveSold, quoteExpired } = CHECKOUT_ERRORS;
const NoCheckout = () =>
  ApiErrorResponse(
    'No such checkout among yours',
    new CheckoutException(CheckoutErrorCode.CHECKOUT_NOT_FOUND, `No checkout ${CHECKOUT_ID} among yours`),
  );

@ApiTags('cart')
@Controller('v1/cart')
export class CartController {
  constructor(private readonly cart: CartService) {}

  @Get()
  @Auth(Role.BUYER, Role.ADMIN)
  @ApiOperation({ summary: 'Your cart: each line as it would be bought now (dataset, version, licence, slice, price) and why a line cannot be' })
  @ApiOkResponse({ type: CartResponse })
  view(@CurrentUser() user: AuthUser): Promise<Plain<CartResponse>> {
    return this.cart.view(user);
  }

  @Get('count')
  @Auth(Role.BUYER, Role.ADMIN)
  @ApiOperation({ summary: 'How many lines your cart holds (the header shows it)' })
  @ApiOkResponse({ type: CartCountResponse })
  count(@CurrentUser() user: AuthUser): Promise<Plain<CartCountResponse>> {
    return this.cart.count(user);
  }

  @Post('lines')
  @Auth(Role.BUYER, Role.ADMIN)
  @ApiOperation({ summary: 'Adds a whole dataset version, or a quoted slice, to your cart (checked for sale now)' })
  @ApiCreatedResponse({ type: CartResponse, description: 'The cart with the new line' })
  @ApiErrorResponse('Not for sale, or no such quote among yours', notForSale, CHECKOUT_ERRORS.noQuote)
  @ApiErrorResponse(
    'Already in the cart, already held (details name the order; add it again with allowRepeat: true to buy it again), or the exclusive licence is sold',
    new CheckoutException(CheckoutErrorCode.CART_LINE_EXISTS, 'Your cart already holds version 2 of "Munich dashcam drives, winter 2026"'),
    alreadyOrdered,
    exclusiveSold,
  )
  @ApiErrorResponse(
    'The cart is full, or the quote is of another dataset',
    new CheckoutException(CheckoutErrorCode.CART_FULL, `A cart holds at most ${MAX_CART_LINES} lines: check out or remove some first`),
    CHECKOUT_ERRORS.quoteMismatch,
  )
  @ApiErrorResponse('The quote expired', quoteExpired)
  add(@CurrentUser() user: AuthUser, @Body() dto: AddCartLineDto): Promise<Plain<CartResponse>> {
    return this.cart.add(user, dto);
  }

  @Delete('lines/:id')
  @Auth(Role.BUYER, Role.ADMIN)
  @ApiOperation({ summary: 'Removes a line from your cart' })
  @ApiOkResponse({ type: CartResponse, description: 'The cart without the line' })
  @ApiErrorResponse(
    'No such line in your cart',
    new CheckoutException(CheckoutErrorCode.CART_LINE_NOT_FOUND, 'No line 6f1d3b5a-7c9e-4b2d-8f0a-1c3e5a7b9d2f in your cart'),
  )
  remove(@CurrentUser() user: AuthUser, @Param('id', new ParseUUIDPipe()) id: string): Promise<Plain<CartResponse>> {
    return this.cart.remove(user, id);
  }

  @Post('checkout')
  @Auth(Role.BUYER, Role.ADMIN)
  @ApiOperation({ summary: 'Places one order per cart line and one payment for the sum (one Stripe Checkout Session, or one Solana Pay request)' })
  @ApiCreatedResponse({ type: CheckoutResponse, description: 'Pay at stripe.checkoutUrl, or pay solanaPay.url with a wallet' })
  @ApiErrorResponse('You are a plain member of the organisation: only its owners and admins order for it', CHECKOUT_ERRORS.cannotBuyForOrganisation)
  @ApiErrorResponse('A line is no longer for sale, or no such organisation among yours', notForSale, CHECKOUT_ERRORS.noOrganisation)
  @ApiErrorResponse(
    'A line is already held (and was not added with allowRepeat), its quote already used, or its exclusive licence sold',
    alreadyOrdered,
    new CheckoutException(CheckoutErrorCode.QUOTE_USED, 'A quote in your cart already placed an order: remove it and ask for a new quote'),
    exclusiveSold,
  )
  @ApiErrorResponse(
    'The cart is empty, or the payment method is not taken now',
    new CheckoutException(CheckoutErrorCode.CART_EMPTY, 'Your cart is empty: add datasets or slices first'),
    CHECKOUT_ERRORS.methodUnavailable,
  )
  @ApiErrorResponse("A line's quote expired: ask for a new one", quoteExpired)
  @ApiErrorResponse('Card: Stripe did not open the Checkout Session; nothing is stored, try again', CHECKOUT_ERRORS.stripeUnavailable)
  checkout(@CurrentUser() user: AuthUser, @Body() dto: CartCheckoutDto): Promise<Plain<CheckoutResponse>> {
    return this.cart.checkout(user, dto);
  }
}

@ApiTags('cart')
@NoCheckout()
@Controller('v1/checkouts')
export class CheckoutsController {
  constructor(private readonly cart: CartService) {}

  @Get(':id')
  @Auth()
  @ApiOperation({ summary: 'A cart checkout: every order paid together, and how to pay the sum while unpaid' })
  @ApiOkResponse({ type: CheckoutResponse })
  get(@CurrentUser() user: AuthUser, @Param('id', new ParseUUIDPipe()) id: string): Promise<Plain<CheckoutResponse>> {
    return this.cart.get(user, id);
  }

  @Post(':id/confirm-solana')
  @Auth()
  @HttpCode(HttpStatus.OK)
  @ApiOperation({ summary: "Looks for a USDC checkout's payment on-chain now and settles every order of it (a watcher does the same)" })
  @ApiOkResponse({ type: CheckoutResponse, description: 'The checkout, its orders paid (a line no longer available is refunded its share)' })
  @ApiErrorResponse(
    'No payment found yet, or the payment already paid something else',
    new CheckoutException(
      CheckoutErrorCode.PAYMENT_NOT_FOUND,
      `No transaction pays checkout ${CHECKOUT_ID} yet: pay its payment request, then confirm again`,
    ),
    new CheckoutException(
      CheckoutErrorCode.PAYMENT_ALREADY_USED,
      `No valid payment for checkout ${CHECKOUT_ID}: transaction ${TRANSACTION} already paid order ${ORDER_ID}; one payment pays one order`,
    ),
  )
  @ApiErrorResponse(
    'The payment found does not pay the checkout (a short one is refunded)',
    new CheckoutException(
      CheckoutErrorCode.PAYMENT_INVALID,
      `No valid payment for checkout ${CHECKOUT_ID}: transaction ${TRANSACTION}: no USDC reached the marketplace treasury`,
    ),
  )
  confirm(
    @CurrentUser() user: AuthUser,
    @Param('id', new ParseUUIDPipe()) id: string,
    @Body() dto: ConfirmSolanaDto,
  ): Promise<Plain<CheckoutResponse>> {
    return this.cart.confirm(user, id, dto.signature);
  }
}
