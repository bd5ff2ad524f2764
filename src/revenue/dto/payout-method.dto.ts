import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, Matches, ValidateIf } from 'class-validator';

export class PayoutMethodRequest {
  @ApiProperty({ enum: ['usdc', 'stripe'] })
  @IsIn(['usdc', 'stripe'])
  kind: 'usdc' | 'stripe';

  @ApiPropertyOptional({
    example: '7xKXtg2CW87d97TXJSDpbD5jBkheTqA83TZRuJosgAsU',
    description: 'Solana wallet (base58) for kind usdc; defaults to your sign-in wallet',
  })
  @IsOptional()
  @Matches(/^[1-9A-HJ-NP-Za-km-z]{32,44}$/, { message: 'wallet must be a base58 Solana address' })
  wallet?: string;

  @ApiPropertyOptional({ example: 'acct_1Nv0FGQ9RKHgCVdK', description: 'Stripe Connect account id, required for kind stripe' })
  @ValidateIf((body: PayoutMethodRequest) => body.kind === 'stripe' || body.account !== undefined)
  @Matches(/^acct_[A-Za-z0-9]{1,60}$/, { message: 'account must be a Stripe Connect account id (acct_...)' })
  account?: string;
}

export class PayoutMethodResponse {
  @ApiProperty({ enum: ['usdc', 'stripe'] })
  kind: 'usdc' | 'stripe';

  @ApiProperty({ example: '26PCYsdr1QN6jp54AvRaytMfNJujgn3PGLNz7xGYCuow', type: String, nullable: true })
  wallet: string | null;

  @ApiProperty({ example: null, type: String, nullable: true })
  account: string | null;
}
