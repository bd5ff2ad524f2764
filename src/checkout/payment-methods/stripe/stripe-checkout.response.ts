import { ApiProperty } from '@nestjs/swagger';

export class StripeCheckoutResponse {
  @ApiProperty({ example: 'https://checkout.stripe.com/c/pay/cs_test_a1B2c3D4e5F6g7H8i9J0kLmNoP', description: 'Send the buyer here to pay by card' })
  checkoutUrl: string;

  @ApiProperty({ example: 'cs_test_a1B2c3D4e5F6g7H8i9J0kLmNoP' })
  sessionId: string;
}
