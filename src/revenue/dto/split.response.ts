import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

const AMOUNT = 'Integer minor units as a decimal string (USD cents or USDC base units of 10^-6): sums can pass 2^53';

export class SplitRowResponse {
  @ApiProperty({
    example: '26PCYsdr1QN6jp54AvRaytMfNJujgn3PGLNz7xGYCuow',
    description: 'Base58 wallet when the payee has one, else their user id; the platform row names the treasury wallet',
  })
  payee: string;

  @ApiProperty({ enum: ['platform', 'curator', 'contributor'] })
  role: 'platform' | 'curator' | 'contributor';

  @ApiProperty({ example: '2550', description: AMOUNT })
  amount: string;
}

export class SplitResponse {
  @ApiProperty({ example: 'ee7481b9-4c2c-49e8-aea7-52ddb5ccb6c6' })
  id: string;

  @ApiProperty({ example: '847b3022-058b-4ffa-8af2-845aacb2f649' })
  orderId: string;

  @ApiProperty({ enum: ['USD', 'USDC'] })
  currency: 'USD' | 'USDC';

  @ApiProperty({ example: '10000', description: AMOUNT })
  gross: string;

  @ApiProperty({ type: [SplitRowResponse], description: 'Every row for admins; a payee sees only their own rows' })
  rows: SplitRowResponse[];

  @ApiProperty({
    example: 'd4735e3a265e16eee03f59718b9b5d03019c07d8b6c51f90da3a666eec13ab35',
    description: 'Merkle root of the spl1 leaves, 64 lowercase hex',
  })
  merkleRoot: string;

  @ApiProperty({
    example: '2GQrvhVfHhSVZ9z166MyQqwvFZ4ncGqPwmq3K5VSBhBnbkykZgca6ify4CZ33pvQz1ZJ7QuxYB6MRFkiCqRR5oFz',
    type: String,
    nullable: true,
    description: 'The memo transaction recording the root; null until confirmed',
  })
  txSignature: string | null;

  @ApiProperty({ description: 'The sale was refunded: its ledger entry is reversed (the on-chain record of the sale stays)' })
  refunded: boolean;
}

export class SplitProofResponse {
  @ApiProperty({ example: 'ee7481b9-4c2c-49e8-aea7-52ddb5ccb6c6' })
  splitId: string;

  @ApiProperty({ example: '26PCYsdr1QN6jp54AvRaytMfNJujgn3PGLNz7xGYCuow' })
  payee: string;

  @ApiProperty({ enum: ['platform', 'curator', 'contributor'] })
  role: 'platform' | 'curator' | 'contributor';

  @ApiProperty({ example: '2550', description: AMOUNT })
  amount: string;

  @ApiProperty({ enum: ['USD', 'USDC'] })
  currency: 'USD' | 'USDC';

  @ApiProperty({ example: 'spl1|<splitId>|<payee>|contributor|USD|2550', description: 'The exact leaf string (src/provenance/split-leaf.ts)' })
  leaf: string;

  @ApiProperty({
    example: ['4e07408562bedb8b60ce05c1decfe3ad16b72230967de01f640b7e4729b49fce', '4b227777d4dd1fc61c6f884f48641d02b4d121d3fd328cb08b5531fcacdabf8a'],
    type: [String],
    description: 'Sibling hashes from the leaf up, 64 lowercase hex each',
  })
  proof: string[];

  @ApiProperty({ example: 'd4735e3a265e16eee03f59718b9b5d03019c07d8b6c51f90da3a666eec13ab35' })
  merkleRoot: string;

  @ApiProperty({ example: '2GQrvhVfHhSVZ9z166MyQqwvFZ4ncGqPwmq3K5VSBhBnbkykZgca6ify4CZ33pvQz1ZJ7QuxYB6MRFkiCqRR5oFz', type: String, nullable: true })
  txSignature: string | null;

  @ApiProperty({
    example: 'mkt:v1:split:ee7481b9-4c2c-49e8-aea7-52ddb5ccb6c6:d4735e3a265e16eee03f59718b9b5d03019c07d8b6c51f90da3a666eec13ab35',
    description: 'The memo the transaction records: mkt:v1:split:<splitId>:<merkleRoot>',
  })
  memo: string;
}

/** A slice sale's share: what this contributor's files in the slice delivered, in the unit it was priced by. */
export class EarningSliceResponse {
  @ApiProperty({ enum: ['km', 'hour', 'gb'] })
  unit: 'km' | 'hour' | 'gb';

  @ApiProperty({ example: '12700', description: 'Your delivered metres of track, milliseconds of recording or bytes, as a decimal string' })
  delivered: string;

  @ApiProperty({ example: '48210', description: 'What every contributor of the slice delivered together, the same way' })
  total: string;
}

/**
 * One of your withdrawals from the dataset a sale was of, or an admin's takedown of your captures in it, and whether
 * the sale came before or after it (issue 16).
 */
export class EarningWithdrawalResponse {
  @ApiProperty({
    enum: ['withdrawal', 'takedown'],
    example: 'withdrawal',
    description: 'withdrawal: you withdrew the captures; takedown: an admin took them down on a request',
  })
  kind: 'withdrawal' | 'takedown';

  @ApiProperty({ example: '2026-12-05T11:20:00.000Z', description: 'When the captures were withdrawn or taken down' })
  at: string;

  @ApiProperty({ example: 1, description: 'Your captures among them' })
  captureCount: number;

  @ApiProperty({
    enum: ['before', 'after'],
    description:
      'before: the sale was of a version that held the captures (placed before the withdrawal) and paid for them, as it stays; after: of a version without them, which paid only your remaining captures',
  })
  sale: 'before' | 'after';
}

export class EarningResponse {
  @ApiProperty({ example: 'ee7481b9-4c2c-49e8-aea7-52ddb5ccb6c6' })
  splitId: string;

  @ApiProperty({ example: '847b3022-058b-4ffa-8af2-845aacb2f649' })
  orderId: string;

  @ApiProperty({ example: '067e188a-4264-41b0-97a8-ecc3623f344f', format: 'uuid', description: 'The dataset sold' })
  datasetId: string;

  @ApiProperty({ example: 'Munich dashcam drives, winter 2026', description: 'Its title in the version sold' })
  datasetTitle: string;

  @ApiProperty({ example: 2, description: 'The version sold' })
  version: number;

  @ApiProperty({ enum: ['curator', 'contributor'] })
  role: 'curator' | 'contributor';

  @ApiProperty({ example: '2550', description: AMOUNT })
  amount: string;

  @ApiProperty({ enum: ['USD', 'USDC'] })
  currency: 'USD' | 'USDC';

  @ApiProperty({ example: 'spl1|ee7481b9-4c2c-49e8-aea7-52ddb5ccb6c6|26PCYsdr1QN6jp54AvRaytMfNJujgn3PGLNz7xGYCuow|contributor|USD|2550' })
  leaf: string;

  @ApiProperty({
    example: ['4e07408562bedb8b60ce05c1decfe3ad16b72230967de01f640b7e4729b49fce', '4b227777d4dd1fc61c6f884f48641d02b4d121d3fd328cb08b5531fcacdabf8a'],
    type: [String],
  })
  proof: string[];

  @ApiProperty({ example: 'd4735e3a265e16eee03f59718b9b5d03019c07d8b6c51f90da3a666eec13ab35' })
  merkleRoot: string;

  @ApiProperty({ example: '2GQrvhVfHhSVZ9z166MyQqwvFZ4ncGqPwmq3K5VSBhBnbkykZgca6ify4CZ33pvQz1ZJ7QuxYB6MRFkiCqRR5oFz', type: String, nullable: true })
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
