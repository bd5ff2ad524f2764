import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsInt, IsOptional, IsString, IsUUID, Matches, Max, MaxLength, Min, MinLength } from 'class-validator';
import type { PaymentMethod } from '../entities/order.entity.js';

export class CreateOrderDto {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  datasetId: string;

  @ApiPropertyOptional({ description: 'A published version; the latest when omitted. Only the listed version is for sale.' })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(1_000_000)
  version?: number;

  @ApiProperty({ enum: ['card', 'solana'], description: 'card: Stripe Checkout; solana: USDC by Solana Pay' })
  @IsIn(['card', 'solana'])
  paymentMethod: PaymentMethod;

  @ApiPropertyOptional({
    format: 'uuid',
    description: 'Buy for this organisation (you must be its owner or admin): the order and licence are held by it, and every member can use them',
  })
  @IsOptional()
  @IsUUID()
  organisationId?: string;
}

export class ConfirmSolanaDto {
  @ApiPropertyOptional({
    description: 'The payment transaction signature the wallet returned (base58); without it the API searches by the order reference',
  })
  @IsOptional()
  @Matches(/^[1-9A-HJ-NP-Za-km-z]{64,88}$/, { message: 'signature must be a base58 transaction signature' })
  signature?: string;
}

export class RefundOrderDto {
  @ApiProperty({ example: 'Buyer reported unreadable files' })
  @IsString()
  @MinLength(3)
  @MaxLength(500)
  reason: string;
}
