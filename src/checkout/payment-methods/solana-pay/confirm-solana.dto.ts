import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, Matches } from 'class-validator';

export class ConfirmSolanaDto {
  @ApiPropertyOptional({
    description: 'The payment transaction signature the wallet returned (base58); without it the API searches by the order reference',
  })
  @IsOptional()
  @Matches(/^[1-9A-HJ-NP-Za-km-z]{64,88}$/, { message: 'signature must be a base58 transaction signature' })
  signature?: string;
}
