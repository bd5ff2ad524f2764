import { ApiProperty, ApiPropertyOptional, OmitType } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  ArrayUnique,
  IsInt,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
  ValidateNested,
} from 'class-validator';
import type { ConsentMethod } from '../consent-grant.js';
import { ConsentScopeDto, GrantSignatureDto, GrantTimesDto } from './grant-consent.dto.js';

/**
 * The fields of an advance grant, signed as advanceGrantMessage writes them (src/consent/advance-grant.ts). Exactly one
 * of network and curatorId; the minimums may be omitted (none).
 */
export class AdvanceGrantFieldsDto extends GrantTimesDto {
  @ApiPropertyOptional({ example: 'dimo', type: String, nullable: true, description: 'Slug of the network your captures came in through' })
  @IsOptional()
  @Matches(/^[a-z0-9][a-z0-9-]{1,39}$/, { message: 'network must be a network slug' })
  network?: string | null;

  @ApiPropertyOptional({
    example: 'a7d4e2b1-5c3f-4e8a-b9d0-6f2e1c4b8a73',
    type: String,
    nullable: true,
    format: 'uuid',
    description: 'User id of the curator whose datasets you consent to',
  })
  @IsOptional()
  @IsUUID()
  curatorId?: string | null;

  @ApiProperty({ example: ['commercial-ai-training', 'research-only'], type: [String], description: 'Licence template slugs allowed' })
  @ArrayMinSize(1)
  @ArrayMaxSize(20)
  @ArrayUnique()
  @Matches(/^[a-z0-9][a-z0-9-]{1,62}$/, { each: true, message: 'licences must hold licence template slugs' })
  licences: string[];

  @ApiProperty({ type: ConsentScopeDto, description: 'The widest uses and territory a dataset licence may sell' })
  @ValidateNested()
  @Type(() => ConsentScopeDto)
  scope: ConsentScopeDto;

  @ApiPropertyOptional({ example: 1_000, type: Number, nullable: true, description: "Least share of the contributors' pool, basis points" })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(10_000)
  minShareBps?: number | null;

  @ApiPropertyOptional({ example: 20_000, type: Number, nullable: true, description: 'Least dataset price, US cents' })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(Number.MAX_SAFE_INTEGER)
  minPriceUsdCents?: number | null;
}

/** The advance grant and how it is signed: method wallet signs advanceGrantMessage (src/consent/advance-grant.ts). */
export class CreateAdvanceGrantDto extends GrantSignatureDto {
  @ApiProperty({ type: AdvanceGrantFieldsDto })
  @ValidateNested()
  @Type(() => AdvanceGrantFieldsDto)
  grant: AdvanceGrantFieldsDto;
}

/** The terms of an advance grant to be given: the server picks issuedAt and the nonce (POST /v1/me/advance-grants/message). */
export class AdvanceGrantTermsDto extends OmitType(AdvanceGrantFieldsDto, ['issuedAt', 'nonce'] as const) {}

/** The fields to give exactly as they are (sign walletMessage, or send them with method session) and the texts. */
export class AdvanceGrantMessageResponse {
  @ApiProperty({ type: AdvanceGrantFieldsDto, description: 'Send these unchanged as `grant` to POST /v1/me/advance-grants' })
  grant: AdvanceGrantFieldsDto;

  @ApiPropertyOptional({
    example:
      "Physical-AI data marketplace: advance consent to use my captures\n\nI let my captures that came in through network dimo be sold in any dataset under the licences and scope below, at no less than the share and price below, until the expiration time, without being asked for each dataset. I can revoke this for datasets not yet cleared, and withdraw from each cleared dataset.\n\nSigner: 7xKXtg2CW87d97TXJSDpbD5jBkheTqA83TZRuJosgAsU\nNetwork: dimo\nLicences: commercial-ai-training\nUses: AI training, evaluation\nTerritory: WORLD\nMinimum share: 10.00% of the contributors' pool\nMinimum price: none\nIssued At: 2026-12-03T01:00:00.000Z\nExpiration Time: 2027-12-03T01:00:00.000Z\nNonce: k3Jd9sQw0pLx7Vb2Rt5Ymn",
    type: String,
    nullable: true,
    description: 'The text your linked wallet signs (Ed25519 over its UTF-8 bytes); null without a linked wallet',
  })
  walletMessage: string | null;

  @ApiProperty({
    example:
      "Physical-AI data marketplace: advance consent to use my captures\n\nI let my captures that came in through network dimo be sold in any dataset under the licences and scope below, at no less than the share and price below, until the expiration time, without being asked for each dataset. I can revoke this for datasets not yet cleared, and withdraw from each cleared dataset.\n\nSigner: ddf8cd96-491c-43df-b3f5-999d0230acf8\nNetwork: dimo\nLicences: commercial-ai-training\nUses: AI training, evaluation\nTerritory: WORLD\nMinimum share: 10.00% of the contributors' pool\nMinimum price: none\nIssued At: 2026-12-03T01:00:00.000Z\nExpiration Time: 2027-12-03T01:00:00.000Z\nNonce: k3Jd9sQw0pLx7Vb2Rt5Ymn",
    description: 'The text a session grant records',
  })
  sessionMessage: string;
}

export class RevokeAdvanceGrantDto {
  @ApiPropertyOptional({ example: 'I now sell my drives myself.', description: 'Why, for your own record' })
  @IsOptional()
  @IsString()
  @MinLength(3)
  @MaxLength(2000)
  @Matches(/^[^\p{Cc}]*$/u, { message: 'reason may not hold control characters' })
  reason?: string;
}

/** A member's advance grant carried in their network's batch, signed by the member's wallet. */
export class MemberAdvanceGrantDto {
  @ApiProperty({ example: '7xKXtg2CW87d97TXJSDpbD5jBkheTqA83TZRuJosgAsU', description: "The member's wallet (base58) that signed" })
  @IsString()
  @MaxLength(44)
  wallet: string;

  @ApiProperty({ type: AdvanceGrantFieldsDto, description: "For the batch's network" })
  @ValidateNested()
  @Type(() => AdvanceGrantFieldsDto)
  grant: AdvanceGrantFieldsDto;

  @ApiProperty({
    example: '5VERv8NMvzbJMEkV8xnrLkEaWRtSz9CosKDYjCJjBRnbJLgp8uirBgmQpjKhoR4tjF3ZpRzrFmBV6UjKdiSZkQUW',
    description: 'base58 Ed25519 signature of the wallet over advanceGrantMessage(grant, wallet)',
  })
  @IsString()
  @MaxLength(128)
  signature: string;
}

export class AdvanceGrantResponse {
  @ApiProperty({ example: 'cf528884-b6c9-4a74-ade5-6456d910d86d', format: 'uuid' }) id: string;
  @ApiProperty({
    example: '9b1f0c7d2e4a5b6c8d9e0f1a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e',
    description: 'The advance grant hash (advance-grant.ts)',
  })
  hash: string;
  @ApiPropertyOptional({ example: 'dimo', type: String, nullable: true }) network: string | null;
  @ApiPropertyOptional({ example: null, type: String, nullable: true, format: 'uuid' }) curatorId: string | null;
  @ApiProperty({ example: ['commercial-ai-training'], type: [String] }) licences: string[];
  @ApiProperty({ type: ConsentScopeDto }) scope: ConsentScopeDto;
  @ApiPropertyOptional({ example: 1_000, type: Number, nullable: true }) minShareBps: number | null;
  @ApiPropertyOptional({ example: null, type: Number, nullable: true }) minPriceUsdCents: number | null;
  @ApiProperty({ enum: ['wallet', 'session'], example: 'wallet' }) method: ConsentMethod;
  @ApiPropertyOptional({
    example: '7xKXtg2CW87d97TXJSDpbD5jBkheTqA83TZRuJosgAsU',
    type: String,
    nullable: true,
    description: 'The signing wallet; null for a session grant',
  })
  signer: string | null;
  @ApiProperty({ enum: ['contributor', 'network-batch'], example: 'contributor', description: 'Made by you, or carried in your network’s batch' })
  source: 'contributor' | 'network-batch';
  @ApiProperty({ example: 'Physical-AI data marketplace: advance consent to use my captures\n\n...', description: 'The signed (or recorded) text' })
  message: string;
  @ApiProperty({ enum: ['live', 'expired', 'revoked'], example: 'live' }) status: 'live' | 'expired' | 'revoked';
  @ApiProperty({ example: '2026-12-03T01:00:00.000Z' }) issuedAt: string;
  @ApiProperty({ example: '2027-12-03T01:00:00.000Z' }) expiresAt: string;
  @ApiProperty({ example: '2026-12-03T01:00:02.118Z' }) createdAt: string;
  @ApiPropertyOptional({ example: null, type: String, nullable: true }) revokedAt: string | null;
  @ApiPropertyOptional({ example: null, type: String, nullable: true, description: 'Hash of the revocation record' }) revocationHash: string | null;
}
