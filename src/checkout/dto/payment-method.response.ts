import { ApiProperty } from '@nestjs/swagger';
import { PAYMENT_METHODS, type PaymentCurrency, type PaymentMethod } from '../payment-methods/payment-method.js';

export class PaymentMethodResponse {
  @ApiProperty({ enum: PAYMENT_METHODS, description: "POST /v1/orders's paymentMethod" })
  method: PaymentMethod;

  @ApiProperty({ example: 'USDC (Solana Pay)' })
  label: string;

  @ApiProperty({ enum: ['USD', 'USDC'], description: 'What the buyer pays in' })
  currency: PaymentCurrency;

  @ApiProperty({ description: 'Whether this marketplace takes the method now; an order with an unavailable method is refused (422)' })
  available: boolean;
}
