import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, Matches } from 'class-validator';

export class ConfirmSolanaDto {
  @ApiPropertyOptional({
    example: '5VERv8NMvzbJMEkV8xnrLkEaWRtSz9CosKDYjCJjBRnbJLgp8uirBgmQpjKhoR4tjF3ZpRzrFmBV6UjKdiSZkQUW',
    description: 'The payment transaction signature the wallet returned (base58); without it the API searches by the order reference',
  })
  @IsOptional()
  @Matches(/^[1-9A-HJ-NP-Za-km-z]{64,88}$/, { message: 'signature must be a base58 transaction signature' })
  signature?: string;
}
