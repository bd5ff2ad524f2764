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

  @ApiProperty({ type: String, nullable: true })
  txSignature: string | null;

  @ApiProperty({ enum: ['paid', 'sending', 'pending', 'held'], description: 'sending: its transaction is retried by a job; pending: waits for Stripe; held: not payable (see reason)' })
  status: 'paid' | 'sending' | 'pending' | 'held';

  @ApiProperty({ type: String, nullable: true })
  reason: string | null;
}

export class PayoutRunResponse {
  @ApiProperty({ type: [PayoutResponse] })
  payouts: PayoutResponse[];

  @ApiProperty({ description: 'Payout transactions this run confirmed' })
  transactions: number;
}
