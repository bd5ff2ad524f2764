import { Body, Controller, HttpCode, HttpStatus, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import { ApiConflictResponse, ApiNotFoundResponse, ApiOkResponse, ApiTags, ApiUnprocessableEntityResponse, ApiOperation } from '@nestjs/swagger';
import type { AuthUser } from '../../../auth/auth-user.js';
import { Auth, CurrentUser } from '../../../auth/decorators/auth.decorator.js';
import { ErrorBody } from '../../../common/errors/error-body.js';
import { OrderResponse } from '../../dto/order.response.js';
import { PaymentConfirmationService } from '../../services/payment-confirmation.service.js';
import { ConfirmSolanaDto } from './confirm-solana.dto.js';
import type { Plain } from '../../../common/plain.js';

@ApiTags('orders')
@ApiNotFoundResponse({ type: ErrorBody, description: 'No such order among yours' })
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
  @ApiConflictResponse({ type: ErrorBody, description: 'No payment found yet, payment already used by another order, or licence sold meanwhile' })
  @ApiUnprocessableEntityResponse({
    type: ErrorBody,
    description: 'The payment found does not pay the order (a short one is refunded); the message says why',
  })
  confirm(@CurrentUser() user: AuthUser, @Param('id', new ParseUUIDPipe()) id: string, @Body() dto: ConfirmSolanaDto): Promise<Plain<OrderResponse>> {
    return this.confirmations.confirmForHolder(user, id, 'solana', dto.signature);
  }
}
