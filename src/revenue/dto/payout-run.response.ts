import { ApiProperty } from '@nestjs/swagger';

export class PayoutResponse {
  @ApiProperty({ example: 'ddf8cd96-491c-43df-b3f5-999d0230acf8', description: "The payee's user id" })
  payee: string;

  @ApiProperty({
    example: '26PCYsdr1QN6jp54AvRaytMfNJujgn3PGLNz7xGYCuow',
    type: String,
    nullable: true,
    description: 'Wallet or Stripe account paid; null when held',
  })
  destination: string | null;

  @ApiProperty({ example: '4995', description: 'Integer minor units of `currency`, decimal string' })
  amount: string;

  @ApiProperty({ enum: ['USD', 'USDC'] })
  currency: 'USD' | 'USDC';

  @ApiProperty({
    example: '5YxfPgPkXycMV36efQAfpqQPwExNgM2Q5EE6uNWb6f1gMWTbsjWELkcJUipUKFSMVM6pmJ8x9pmTK9m3Sh5seLWv',
    type: String,
    nullable: true,
    description: 'The Solana transaction signature (USDC), or the Stripe transfer ids, comma-separated, one per sale paid (Stripe)',
  })
  txSignature: string | null;

  @ApiProperty({
    enum: ['paid', 'sending', 'pending', 'held'],
    description:
      'sending: its transaction or transfer is retried (job or next run); pending: waits for Stripe to be configured; held: not payable (see reason)',
  })
  status: 'paid' | 'sending' | 'pending' | 'held';

  @ApiProperty({ example: null, type: String, nullable: true })
  reason: string | null;
}

export class PayoutRunResponse {
  @ApiProperty({ type: [PayoutResponse] })
  payouts: PayoutResponse[];

  @ApiProperty({ example: 1, description: 'USDC payout transactions this run confirmed (lookup-table setup not counted)' })
  transactions: number;
}
