import { ApiProperty } from '@nestjs/swagger';

export class PayoutResponse {
  @ApiProperty({ description: "The payee's user id" })
  payee: string;

  @ApiProperty({ type: String, nullable: true, description: 'Wallet or Stripe account paid; null when held' })
  destination: string | null;

  @ApiProperty({ description: 'Integer minor units of `currency`, decimal string' })
  amount: string;

  @ApiProperty({ enum: ['USD', 'USDC'] })
  currency: 'USD' | 'USDC';

  @ApiProperty({
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

  @ApiProperty({ type: String, nullable: true })
  reason: string | null;
}

export class PayoutRunResponse {
  @ApiProperty({ type: [PayoutResponse] })
  payouts: PayoutResponse[];

  @ApiProperty({ description: 'USDC payout transactions this run confirmed (lookup-table setup not counted)' })
  transactions: number;
}
