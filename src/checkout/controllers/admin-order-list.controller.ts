import { Controller, Get, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Auth } from '../../auth/decorators/auth.decorator.js';
import { Role } from '../../auth/role.js';
import { AdminOrderListQuery, AdminOrderPage } from '../dto/admin-order-list.dto.js';
import { AdminOrderListService } from '../services/admin-order-list.service.js';
import type { Plain } from '../../common/plain.js';

@ApiTags('orders')
@Auth(Role.ADMIN)
@Controller('v1/admin/orders')
export class AdminOrderListController {
  constructor(private readonly orders: AdminOrderListService) {}

  @Get()
  @ApiOperation({ summary: 'Every order, newest first, filtered by status and payment method (the admin console refunds from here)' })
  @ApiOkResponse({ type: AdminOrderPage })
  list(@Query() query: AdminOrderListQuery): Promise<Plain<AdminOrderPage>> {
    return this.orders.list(query);
  }
}
