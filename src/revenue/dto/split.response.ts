import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

const AMOUNT = 'Integer minor units as a decimal string (USD cents or USDC base units of 10^-6): sums can pass 2^53';

export class SplitRowResponse {
  @ApiProperty({ description: 'Base58 wallet when the payee has one, else their user id; the platform row names the treasury wallet' })
  payee: string;

  @ApiProperty({ enum: ['platform', 'curator', 'contributor'] })
  role: 'platform' | 'curator' | 'contributor';

  @ApiProperty({ example: '2550', description: AMOUNT })
  amount: string;
}

export class SplitResponse {
  @ApiProperty()
  id: string;

  @ApiProperty()
  orderId: string;

  @ApiProperty({ enum: ['USD', 'USDC'] })
  currency: 'USD' | 'USDC';

  @ApiProperty({ example: '10000', description: AMOUNT })
  gross: string;

  @ApiProperty({ type: [SplitRowResponse], description: 'Every row for admins; a payee sees only their own rows' })
  rows: SplitRowResponse[];

  @ApiProperty({ description: 'Merkle root of the spl1 leaves, 64 lowercase hex' })
  merkleRoot: string;

  @ApiProperty({ type: String, nullable: true, description: 'The memo transaction recording the root; null until confirmed' })
  txSignature: string | null;

  @ApiProperty({ description: 'The sale was refunded: its ledger entry is reversed (the on-chain record of the sale stays)' })
  refunded: boolean;
}

export class SplitProofResponse {
  @ApiProperty()
  splitId: string;

  @ApiProperty()
  payee: string;

  @ApiProperty({ enum: ['platform', 'curator', 'contributor'] })
  role: 'platform' | 'curator' | 'contributor';

  @ApiProperty({ description: AMOUNT })
  amount: string;

  @ApiProperty({ enum: ['USD', 'USDC'] })
  currency: 'USD' | 'USDC';

  @ApiProperty({ example: 'spl1|<splitId>|<payee>|contributor|USD|2550', description: 'The exact leaf string (src/provenance/split-leaf.ts)' })
  leaf: string;

  @ApiProperty({ type: [String], description: 'Sibling hashes from the leaf up, 64 lowercase hex each' })
  proof: string[];

  @ApiProperty()
  merkleRoot: string;

  @ApiProperty({ type: String, nullable: true })
  txSignature: string | null;

  @ApiProperty({ description: 'The memo the transaction records: mkt:v1:split:<splitId>:<merkleRoot>' })
  memo: string;
}

/** A slice sale's share: what this contributor's files in the slice delivered, in the unit it was priced by. */
export class EarningSliceResponse {
  @ApiProperty({ enum: ['km', 'hour', 'gb'] })
  unit: 'km' | 'hour' | 'gb';

  @ApiProperty({ description: 'Your delivered metres of track, milliseconds of recording or bytes, as a decimal string' })
  delivered: string;

  @ApiProperty({ description: 'What every contributor of the slice delivered together, the same way' })
  total: string;
}

/** One of your withdrawals from the dataset a sale was of, and whether the sale came before or after it (issue 16). */
export class EarningWithdrawalResponse {
  @ApiProperty({ description: 'When you withdrew the captures' })
  at: string;

  @ApiProperty()
  captureCount: number;

  @ApiProperty({
    enum: ['before', 'after'],
    description:
      'before: the sale was of a version that held the captures (placed before the withdrawal) and paid for them, as it stays; after: of a version without them, which paid only your remaining captures',
  })
  sale: 'before' | 'after';
}

export class EarningResponse {
  @ApiProperty()
  splitId: string;

  @ApiProperty()
  orderId: string;

  @ApiProperty({ enum: ['curator', 'contributor'] })
  role: 'curator' | 'contributor';

  @ApiProperty({ description: AMOUNT })
  amount: string;

  @ApiProperty({ enum: ['USD', 'USDC'] })
  currency: 'USD' | 'USDC';

  @ApiProperty()
  leaf: string;

  @ApiProperty({ type: [String] })
  proof: string[];

  @ApiProperty()
  merkleRoot: string;

  @ApiProperty({ type: String, nullable: true })
  txSignature: string | null;

  @ApiProperty({ description: 'Covered by confirmed payouts (earnings are paid oldest first, per account and currency)' })
  paidOut: boolean;

  @ApiProperty()
  refunded: boolean;

  @ApiPropertyOptional({
    type: EarningSliceResponse,
    nullable: true,
    description: 'A sale of a slice: you were paid for what your captures in it delivered; null for a sale of the whole version',
  })
  slice: EarningSliceResponse | null;

  @ApiProperty({
    type: [EarningWithdrawalResponse],
    description:
      'Your withdrawals from the dataset sold, oldest first, each saying whether this sale came before or after it; empty when you withdrew none',
  })
  withdrawals: EarningWithdrawalResponse[];
}
