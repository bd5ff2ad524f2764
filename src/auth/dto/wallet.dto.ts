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
  @ApiProperty()
  @IsString()
  @MinLength(32)
  @MaxLength(44)
  address: string;

  @ApiProperty({ description: 'The challenge message, unchanged' })
  @IsString()
  @MaxLength(2000)
  message: string;

  @ApiProperty({ description: 'Ed25519 signature of the message, base58' })
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
