import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { PaymentMethodResponse } from '../dto/payment-method.response.js';
import { OrderService } from '../services/order.service.js';
import type { Plain } from '../../common/plain.js';

@ApiTags('orders')
@Controller('v1/payment-methods')
export class PaymentMethodsController {
  constructor(private readonly orders: OrderService) {}

  @Get()
  @ApiOperation({ summary: 'The payment methods and whether this marketplace takes each now (the pages offer only those it takes)' })
  @ApiOkResponse({ type: [PaymentMethodResponse] })
  list(): Plain<PaymentMethodResponse>[] {
    return this.orders.paymentMethods();
  }
}
