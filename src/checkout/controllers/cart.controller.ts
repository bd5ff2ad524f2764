import { Body, Controller, Delete, Get, HttpCode, HttpStatus, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import {
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiGoneResponse,
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
import { AddCartLineDto, CartCheckoutDto, CartCountResponse, CartResponse, CheckoutResponse } from '../dto/cart.dto.js';
import { ConfirmSolanaDto } from '../payment-methods/solana-pay/confirm-solana.dto.js';
import { CartService } from '../services/cart.service.js';

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
  @ApiNotFoundResponse({ type: ErrorBody, description: 'Not for sale, or no such quote among yours' })
  @ApiConflictResponse({ type: ErrorBody, description: 'Already in the cart, already held, or the exclusive licence is sold' })
  @ApiUnprocessableEntityResponse({ type: ErrorBody, description: 'The cart is full, or the quote is of another dataset' })
  @ApiGoneResponse({ type: ErrorBody, description: 'The quote expired' })
  add(@CurrentUser() user: AuthUser, @Body() dto: AddCartLineDto): Promise<Plain<CartResponse>> {
    return this.cart.add(user, dto);
  }

  @Delete('lines/:id')
  @Auth(Role.BUYER, Role.ADMIN)
  @ApiOperation({ summary: 'Removes a line from your cart' })
  @ApiOkResponse({ type: CartResponse, description: 'The cart without the line' })
  @ApiNotFoundResponse({ type: ErrorBody, description: 'No such line in your cart' })
  remove(@CurrentUser() user: AuthUser, @Param('id', new ParseUUIDPipe()) id: string): Promise<Plain<CartResponse>> {
    return this.cart.remove(user, id);
  }

  @Post('checkout')
  @Auth(Role.BUYER, Role.ADMIN)
  @ApiOperation({ summary: 'Places one order per cart line and one payment for the sum (one Stripe Checkout Session, or one Solana Pay request)' })
  @ApiCreatedResponse({ type: CheckoutResponse, description: 'Pay at stripe.checkoutUrl, or pay solanaPay.url with a wallet' })
  @ApiNotFoundResponse({ type: ErrorBody, description: 'A line is no longer for sale' })
  @ApiConflictResponse({ type: ErrorBody, description: 'A line is already held, its quote already used, or its exclusive licence sold' })
  @ApiUnprocessableEntityResponse({ type: ErrorBody, description: 'The cart is empty, or the payment method is not taken now' })
  @ApiGoneResponse({ type: ErrorBody, description: "A line's quote expired: ask for a new one" })
  checkout(@CurrentUser() user: AuthUser, @Body() dto: CartCheckoutDto): Promise<Plain<CheckoutResponse>> {
    return this.cart.checkout(user, dto);
  }
}

@ApiTags('cart')
@ApiNotFoundResponse({ type: ErrorBody, description: 'No such checkout among yours' })
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
  @ApiConflictResponse({ type: ErrorBody, description: 'No payment found yet, or the payment already paid something else' })
  @ApiUnprocessableEntityResponse({ type: ErrorBody, description: 'The payment found does not pay the checkout (a short one is refunded)' })
  confirm(
    @CurrentUser() user: AuthUser,
    @Param('id', new ParseUUIDPipe()) id: string,
    @Body() dto: ConfirmSolanaDto,
  ): Promise<Plain<CheckoutResponse>> {
    return this.cart.confirm(user, id, dto.signature);
  }
}
