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
  @ApiProperty({
    example:
      'marketplace.example.com wants you to sign in with your Solana account:\n26PCYsdr1QN6jp54AvRaytMfNJujgn3PGLNz7xGYCuow\n\nSign in to the physical-AI data marketplace. Signing proves you own this wallet; it costs nothing and moves no funds.\n\nURI: https://marketplace.example.com\nVersion: 1\nNonce: 6KJ-RRJlkONofYKhCudn3foiMQZMibK7\nIssued At: 2026-12-02T09:14:27.512Z\nExpiration Time: 2026-12-02T09:19:27.512Z',
    description: 'The exact text to sign with the wallet (UTF-8 bytes, Ed25519)',
  })
  message: string;

  @ApiProperty({ example: '6KJ-RRJlkONofYKhCudn3foiMQZMibK7' })
  nonce: string;

  @ApiProperty({ example: '2026-12-02T09:19:27.512Z' })
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
