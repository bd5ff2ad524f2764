import { ApiProperty } from '@nestjs/swagger';
import { Matches } from 'class-validator';

export class MemoSignatureParams {
  @ApiProperty({ description: 'A transaction signature, base58 (64 bytes)' })
  @Matches(/^[1-9A-HJ-NP-Za-km-z]{64,88}$/, { message: 'signature must be a base58 transaction signature' })
  signature: string;
}

export class ChainMemoResponse {
  @ApiProperty({ example: 'litesvm', description: '`litesvm` (the embedded ledger), a public cluster name, `localnet` or the RPC host' })
  cluster: string;

  @ApiProperty({ example: '2GQrvhVfHhSVZ9z166MyQqwvFZ4ncGqPwmq3K5VSBhBnbkykZgca6ify4CZ33pvQz1ZJ7QuxYB6MRFkiCqRR5oFz' })
  signature: string;

  @ApiProperty({ example: 'mkt:v1:anchor:6f1c2a9e-1b7d-4c5e-9a0b-3d2e1f4a5b6c:1:c4a4805e4d4b30d79f415154dd9ac637d9c60e9d9abe0582b34b8d37398af28c' })
  memo: string;
}
