import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';
import { ORDER_STATUSES, type OrderStatus } from '../order-state-machine.js';
import { PAYMENT_METHODS, type PaymentMethod } from '../payment-methods/payment-method.js';
import { OrderResponse } from './order.response.js';
import { PageLimit, PageCursor } from '../../common/page-query.js';

export class AdminOrderListQuery {
  @ApiPropertyOptional({ enum: ORDER_STATUSES, description: 'Only orders in this state' })
  @IsOptional()
  @IsIn(ORDER_STATUSES)
  status?: OrderStatus;

  @ApiPropertyOptional({ enum: PAYMENT_METHODS })
  @IsOptional()
  @IsIn(PAYMENT_METHODS)
  paymentMethod?: PaymentMethod;

  @ApiPropertyOptional({
    enum: ['pending', 'held'],
    description: 'Only orders with a refund in this state: pending (being sent) or held (an admin must decide how the money goes back)',
  })
  @IsOptional()
  @IsIn(['pending', 'held'])
  refundStatus?: 'pending' | 'held';

  @PageLimit(100, 50)
  limit: number = 50;

  @PageCursor()
  cursor?: string;
}

/** An order as its buyer sees it, plus who the buyer is (admins refund and answer buyers). */
export class AdminOrderResponse extends OrderResponse {
  @ApiPropertyOptional({ example: 'buyer@example.com', type: String, nullable: true, description: "The buyer's email when the order was placed" })
  buyerEmail: string | null;

  @ApiPropertyOptional({
    example: 'HekJRGYWjSm3Y5N7aAncLcY8na7R8pF7ni3DegrRsdbs',
    type: String,
    nullable: true,
    description: "The buyer's sign-in wallet when the order was placed",
  })
  buyerWallet: string | null;
}

export class AdminOrderPage {
  @ApiProperty({ type: [AdminOrderResponse], description: 'Newest first' })
  items: AdminOrderResponse[];

  @ApiPropertyOptional({
    example: 'MjAyNi0xMi0wMlQwOToxNDoyNy41MTIzODRafDA2N2UxODhhLTQyNjQtNDFiMC05N2E4LWVjYzM2MjNmMzQ0Zg',
    type: String,
    nullable: true,
    description: 'Pass as cursor for the next page; null on the last page',
  })
  nextCursor: string | null;
}
