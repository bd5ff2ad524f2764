import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, MaxLength, MinLength } from 'class-validator';
import { Role, SELF_SERVICE_ROLES, type SelfServiceRole } from '../role.js';

export class WalletChallengeDto {
  @ApiProperty({ description: 'Solana address (base58 public key)', example: 'Fg6PaFpoGXkYsidMpWTK6W2BeZ7FEfcYkg476zPFsLnS' })
  @IsString()
  @MinLength(32)
  @MaxLength(44)
  address: string;
}

export class WalletChallengeResponse {
  @ApiProperty({ description: 'The exact text to sign with the wallet (UTF-8 bytes, Ed25519)' })
  message: string;

  @ApiProperty()
  nonce: string;

  @ApiProperty()
  expiresAt: Date;
}

export class WalletVerifyDto {
  @ApiProperty({ example: '7xKXtg2CW87d97TXJSDpbD5jBkheTqA83TZRuJosgAsU' })
  @IsString()
  @MinLength(32)
  @MaxLength(44)
  address: string;

  @ApiProperty({
    example: 'Sign in to the DePAI data marketplace\n\nWallet: 7xKXtg2CW87d97TXJSDpbD5jBkheTqA83TZRuJosgAsU\nNonce: 3f9a1c7e',
    description: 'The challenge message, unchanged',
  })
  @IsString()
  @MaxLength(2000)
  message: string;

  @ApiProperty({
    example: '5VERv8NMvzbJMEkV8xnrLkEaWRtSz9CosKDYjCJjBRnbJLgp8uirBgmQpjKhoR4tjF3ZpRzrFmBV6UjKdiSZkQUW',
    description: 'Ed25519 signature of the message, base58',
  })
  @IsString()
  @MaxLength(100)
  signature: string;

  @ApiPropertyOptional({
    enum: SELF_SERVICE_ROLES,
    default: Role.CONTRIBUTOR,
    description: 'Role of the account when this wallet signs in for the first time',
  })
  @IsOptional()
  @IsIn(SELF_SERVICE_ROLES)
  role?: SelfServiceRole;
}
