import { ApiProperty } from '@nestjs/swagger';

export class StripeWebhookResponse {
  @ApiProperty()
  received: boolean;

  @ApiProperty({ description: 'True when this event id was processed before; nothing changed' })
  duplicate: boolean;

  @ApiProperty({ example: 'paid', description: 'What processing did' })
  outcome: string;
}
