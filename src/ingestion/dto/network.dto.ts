import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsBoolean,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
  ValidateNested,
} from 'class-validator';
import { IsStrictDate } from '../../common/strict-date.js';
import { MemberAdvanceGrantDto } from '../../consent/dto/advance-grant.dto.js';
import type { NetworkEntity } from '../entities/network.entity.js';
import type { Modality } from '../formats/probe.types.js';
import { MAX_CAPTURE_BYTES, MODALITIES, SHA256_HEX } from './create-capture.dto.js';

const SLUG = /^[a-z0-9][a-z0-9-]{1,39}$/;

export class CreateNetworkDto {
  @ApiProperty({ example: 'dimo' })
  @Matches(SLUG, { message: 'slug must be 2-40 lowercase letters, digits or dashes' })
  slug: string;

  @ApiProperty({ example: 'DIMO' })
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  name: string;

  @ApiProperty({ example: '7xKXtg2CW87d97TXJSDpbD5jBkheTqA83TZRuJosgAsU', description: 'Ed25519 public key (base58) that signs the network batches' })
  @IsString()
  @MaxLength(44)
  publicKey: string;

  @ApiPropertyOptional({ example: 'staging/dimo/', description: 'Object-key prefix of the network staging area; default staging/<slug>/' })
  @IsOptional()
  @Matches(/^[A-Za-z0-9._-]+(\/[A-Za-z0-9._-]+)*\/$/, { message: 'stagingPrefix must be a relative path ending in /' })
  stagingPrefix?: string;
}

export class UpdateNetworkDto {
  @ApiPropertyOptional({ example: 'DIMO' })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  name?: string;

  @ApiPropertyOptional({ example: '7xKXtg2CW87d97TXJSDpbD5jBkheTqA83TZRuJosgAsU', description: 'Rotate the signing key' })
  @IsOptional()
  @IsString()
  @MaxLength(44)
  publicKey?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsBoolean()
  active?: boolean;
}

export class NetworkResponse {
  @ApiProperty({ example: 'dimo' })
  slug: string;

  @ApiProperty({ example: 'DIMO' })
  name: string;

  @ApiProperty({ example: '3FxZdMLyVLM91Vrgmj2h5T5bvLCXZiJv3z3NWKgPBnHu' })
  publicKey: string;

  @ApiProperty({ example: 'staging/dimo/' })
  stagingPrefix: string;

  @ApiProperty()
  active: boolean;

  @ApiProperty({ example: '2026-12-01T10:02:13.418Z' })
  createdAt: Date;

  static from(network: NetworkEntity): NetworkResponse {
    const { slug, name, publicKey, stagingPrefix, active, createdAt } = network;
    return Object.assign(new NetworkResponse(), { slug, name, publicKey, stagingPrefix, active, createdAt });
  }
}

export class BatchItemDto {
  @ApiProperty({ example: 'dimo-trip-0001', description: "The network's own id for this capture; the same id twice is the same capture" })
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  externalId: string;

  @ApiProperty({ example: '7xKXtg2CW87d97TXJSDpbD5jBkheTqA83TZRuJosgAsU', description: 'Solana address (base58) of the contributor to credit' })
  @IsString()
  @MaxLength(44)
  contributorWallet: string;

  @ApiProperty({ example: 'staging/dimo/2026/11/27/trip-81.jsonl', description: 'Key in the network staging area' })
  @IsString()
  @MaxLength(1000)
  objectKey: string;

  @ApiProperty({ example: '9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08' })
  @Matches(SHA256_HEX, { message: 'sha256 must be 64 lowercase hex characters' })
  sha256: string;

  @ApiProperty({ example: 1048576 })
  @IsInt()
  @Min(1)
  @Max(MAX_CAPTURE_BYTES)
  sizeBytes: number;

  @ApiPropertyOptional({ example: '2026-11-27T08:15:00Z', description: 'A real date: YYYY-MM-DD, or date and time with Z or an offset' })
  @IsOptional()
  @IsStrictDate()
  capturedAt?: string;

  @ApiPropertyOptional({ example: 'vehicle-4711' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  deviceId?: string;

  @ApiPropertyOptional({ enum: MODALITIES })
  @IsOptional()
  @IsIn(MODALITIES)
  modality?: Modality;
}

export class NetworkBatchDto {
  @ApiProperty({ example: 'batch-2026-12-03-001', description: 'Id of this batch in the network; for logs and support' })
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  batchId: string;

  @ApiProperty({ type: [BatchItemDto] })
  @ArrayMinSize(1)
  @ArrayMaxSize(1000)
  @ValidateNested({ each: true })
  @Type(() => BatchItemDto)
  items: BatchItemDto[];

  @ApiPropertyOptional({
    type: [MemberAdvanceGrantDto],
    description:
      "Members' advance consent grants for this network, each signed by the member's wallet. One bad grant refuses the whole batch (nothing is stored), with a code and a message naming memberGrants[i].",
  })
  @IsOptional()
  @ArrayMaxSize(1000)
  @ValidateNested({ each: true })
  @Type(() => MemberAdvanceGrantDto)
  memberGrants?: MemberAdvanceGrantDto[];
}

export class RejectedBatchItem {
  @ApiProperty({ example: 'dimo-trip-0002' })
  externalId: string;

  @ApiProperty({ example: 'the object staging/dimo/2026/11/27/trip-82.jsonl does not exist' })
  reason: string;

  static of(externalId: string, reason: string): RejectedBatchItem {
    return Object.assign(new RejectedBatchItem(), { externalId, reason });
  }
}

export class NetworkBatchResponse {
  @ApiProperty({ example: 24, description: 'Captures created by this batch (queued for processing)' })
  accepted: number;

  @ApiProperty({ example: 1, description: 'Items already received earlier; unchanged' })
  duplicates: number;

  @ApiProperty({ type: [RejectedBatchItem] })
  rejected: RejectedBatchItem[];

  @ApiProperty({
    example: ['52209f96-02f8-4c32-811b-d4fab64fcceb', '3b1f7c52-9e0d-4a8b-b6f3-2d7e5a9c1f04'],
    type: [String],
    description: 'Ids of the captures created',
  })
  captureIds: string[];

  @ApiProperty({ example: 3, description: 'Member advance grants recorded by this batch (a grant received before is not counted)' })
  memberGrants: number;
}
