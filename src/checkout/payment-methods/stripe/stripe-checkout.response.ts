import { ApiProperty } from '@nestjs/swagger';

export class StripeCheckoutResponse {
  @ApiProperty({ description: 'Send the buyer here to pay by card' })
  checkoutUrl: string;

  @ApiProperty()
  sessionId: string;
}
