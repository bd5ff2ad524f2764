import { Body, Controller, HttpCode, HttpStatus, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import { ApiOkResponse, ApiTags, ApiOperation } from '@nestjs/swagger';
import type { AuthUser } from '../../../auth/auth-user.js';
import { Auth, CurrentUser } from '../../../auth/decorators/auth.decorator.js';
import { ApiErrorResponse } from '../../../common/errors/api-error-response.decorator.js';
import { CheckoutErrorCode, CheckoutException } from '../../checkout.exception.js';
import { OrderResponse } from '../../dto/order.response.js';
import { PaymentConfirmationService } from '../../services/payment-confirmation.service.js';
import { ConfirmSolanaDto } from './confirm-solana.dto.js';
import type { Plain } from '../../../common/plain.js';

const ORDER_ID = '847b3022-058b-4ffa-8af2-845aacb2f649';

@ApiTags('orders')
@ApiErrorResponse('No such order among yours', new CheckoutException(CheckoutErrorCode.ORDER_NOT_FOUND, `No order ${ORDER_ID} among yours`))
@Controller('v1/orders')
export class SolanaPayController {
  constructor(private readonly confirmations: PaymentConfirmationService) {}

  @Post(':id/confirm-solana')
  @ApiOperation({ summary: 'Looks for the USDC payment of an order on-chain now and confirms it (a watcher does the same)' })
  @Auth()
  @HttpCode(HttpStatus.OK)
  @ApiOkResponse({
    type: OrderResponse,
    description: 'The order, paid (every payment found is recorded: a second one or an overpayment is refunded)',
  })
  @ApiErrorResponse(
    'No payment found yet, payment already used by another order, licence sold meanwhile, or the order is not paid by USDC',
    new CheckoutException(
      CheckoutErrorCode.PAYMENT_NOT_FOUND,
      `No transaction pays order ${ORDER_ID} yet: pay its payment request, then confirm again`,
    ),
    new CheckoutException(
      CheckoutErrorCode.PAYMENT_ALREADY_USED,
      `No valid payment for order ${ORDER_ID}: transaction 5VERv8NMvzbJMEkV8xnrLkEaWRtSz9CosKDYjCJjBRnbJLgp8uirBgmQpjKhoR4tjF3ZpRzrFmBV6UjKdiSZkQUW already paid order 1b2c3d4e-5f6a-4b7c-8d9e-0f1a2b3c4d5e; one payment pays one order`,
    ),
    new CheckoutException(CheckoutErrorCode.EXCLUSIVE_SOLD, `Order ${ORDER_ID} is refunded: the exclusive licence was sold to another buyer first`),
    new CheckoutException(CheckoutErrorCode.WRONG_PAYMENT_METHOD, `Order ${ORDER_ID} is paid by card, not solana`),
  )
  @ApiErrorResponse(
    'The payment found does not pay the order (a short one is refunded); the message says why',
    new CheckoutException(
      CheckoutErrorCode.PAYMENT_INVALID,
      `No valid payment for order ${ORDER_ID}: transaction 5VERv8NMvzbJMEkV8xnrLkEaWRtSz9CosKDYjCJjBRnbJLgp8uirBgmQpjKhoR4tjF3ZpRzrFmBV6UjKdiSZkQUW: no USDC reached the marketplace treasury`,
    ),
  )
  confirm(@CurrentUser() user: AuthUser, @Param('id', new ParseUUIDPipe()) id: string, @Body() dto: ConfirmSolanaDto): Promise<Plain<OrderResponse>> {
    return this.confirmations.confirmForHolder(user, id, 'solana', dto.signature);
  }
}
