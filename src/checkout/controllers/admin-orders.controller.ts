import { Body, Controller, HttpCode, HttpStatus, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import { ApiOkResponse, ApiTags, ApiOperation } from '@nestjs/swagger';
import { Auth } from '../../auth/decorators/auth.decorator.js';
import { Role } from '../../auth/role.js';
import { ApiErrorResponse } from '../../common/errors/api-error-response.decorator.js';
import { CheckoutErrorCode, CheckoutException } from '../checkout.exception.js';
import { RefundOrderDto } from '../dto/create-order.dto.js';
import { OrderResponse } from '../dto/order.response.js';
import { RefundService } from '../services/refund.service.js';
import type { Plain } from '../../common/plain.js';

@ApiTags('orders')
@Auth(Role.ADMIN)
@Controller('v1/admin/orders')
export class AdminOrdersController {
  constructor(private readonly refunds: RefundService) {}

  @Post(':id/refund')
  @ApiOperation({ summary: 'Refunds a paid order in full and revokes its licence (admins)' })
  @HttpCode(HttpStatus.OK)
  @ApiOkResponse({ type: OrderResponse, description: 'Refunded: licence revoked, money sent back (payments lists the refund once sent)' })
  @ApiErrorResponse('No such order', new CheckoutException(CheckoutErrorCode.ORDER_NOT_FOUND, 'No order 847b3022-058b-4ffa-8af2-845aacb2f649'))
  @ApiErrorResponse(
    'Never paid: nothing to refund',
    new CheckoutException(CheckoutErrorCode.NOT_REFUNDABLE, 'Order 847b3022-058b-4ffa-8af2-845aacb2f649 has no recorded charge to refund'),
  )
  refund(@Param('id', new ParseUUIDPipe()) id: string, @Body() dto: RefundOrderDto): Promise<Plain<OrderResponse>> {
    return this.refunds.refund(id, dto.reason);
  }
}
