import { Controller, Get, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { AuthUser } from '../../auth/auth-user.js';
import { Auth, CurrentUser } from '../../auth/decorators/auth.decorator.js';
import { ListMyOrdersQuery } from '../dto/list-my-orders.query.js';
import { OrderResponse } from '../dto/order.response.js';
import { OrderService } from '../services/order.service.js';
import type { Plain } from '../../common/plain.js';

@ApiTags('orders')
@Auth()
@Controller('v1/me')
export class MyOrdersController {
  constructor(private readonly orders: OrderService) {}

  @Get('orders')
  @ApiOperation({ summary: "Your orders and your organisations' orders, newest first" })
  @ApiOkResponse({ type: [OrderResponse] })
  list(@CurrentUser() user: AuthUser, @Query() query: ListMyOrdersQuery): Promise<Plain<OrderResponse>[]> {
    return this.orders.listMine(user, query.limit);
  }
}
