import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayMinSize, ArrayUnique, IsIn, IsString, IsUUID, MaxLength, MinLength } from 'class-validator';
import { PageLimit } from '../../common/page-query.js';
import { TAKEDOWN_KINDS, type TakedownKind } from '../takedown-kind.js';

export class TakeDownCapturesDto {
  @ApiProperty({ type: [String], description: 'The captures to take down from the dataset', example: ['0b9e4f7a-2c1d-4e6b-8a3f-5d7c9e1b2a40'] })
  @ArrayMinSize(1)
  @ArrayMaxSize(10_000)
  @ArrayUnique()
  @IsUUID('all', { each: true })
  captureIds: string[];

  @ApiProperty({
    enum: TAKEDOWN_KINDS,
    example: 'privacy',
    description: 'privacy: the version without the captures is published at once; legal and other: it goes through review',
  })
  @IsIn(TAKEDOWN_KINDS)
  kind: TakedownKind;

  @ApiProperty({ example: 'Request #4411: a pedestrian’s face is not blurred at 00:41.', description: 'Kept for admins; never shown to buyers' })
  @IsString()
  @MinLength(3)
  @MaxLength(2000)
  reason: string;
}

export class TakeOutsQuery {
  @PageLimit(200, 50)
  limit: number = 50;
}

/** Where a withdrawal or takedown stands: the version without the captures published, waiting for review, etc. */
export const TAKE_OUT_STATES = ['published', 'in_review', 'draft_open', 'taken_down'] as const;
export type TakeOutState = (typeof TAKE_OUT_STATES)[number];

/** A contributor's withdrawal or an admin's takedown as the admins' queue shows it. */
export class TakeOutResponse {
  @ApiProperty({ example: '8c1f2e7a-5b3d-4c9e-a1f0-6d2b7e4c9a13', format: 'uuid' }) id: string;
  @ApiProperty({ enum: ['withdrawal', 'takedown'] }) kind: 'withdrawal' | 'takedown';
  @ApiPropertyOptional({ enum: TAKEDOWN_KINDS, nullable: true, description: "A takedown's kind; null for a withdrawal" })
  takedownKind: TakedownKind | null;
  @ApiProperty({ example: '067e188a-4264-41b0-97a8-ecc3623f344f', format: 'uuid' }) datasetId: string;
  @ApiProperty({ example: 'Munich dashcam drives, winter 2026' }) datasetTitle: string;
  @ApiProperty({ example: ['0b9e4f7a-2c1d-4e6b-8a3f-5d7c9e1b2a40'], type: [String] }) captureIds: string[];
  @ApiProperty({
    example: 'Request #4411: a pedestrian’s face is not blurred at 00:41.',
    description: "The contributor's or the admin's reason (admins only)",
  })
  reason: string;
  @ApiProperty({
    example: 'ddf8cd96-491c-43df-b3f5-999d0230acf8',
    format: 'uuid',
    description: 'The withdrawing contributor, or the admin who took the captures down',
  })
  actorId: string;
  @ApiProperty({ example: '9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08' }) hash: string;
  @ApiProperty({ example: 14 }) custodySeq: number;
  @ApiProperty({ example: '2026-12-05T11:20:00.000Z' }) createdAt: string;
  @ApiPropertyOptional({ example: 2, type: Number, nullable: true, description: 'The version that stopped being sold' }) fromVersion: number | null;
  @ApiProperty({
    enum: TAKE_OUT_STATES,
    description:
      'published: the version without the captures is out (publishedVersion); in_review: it waits for an admin; draft_open: the owner has an open draft; taken_down: nothing was left',
  })
  state: TakeOutState;
  @ApiPropertyOptional({ example: 3, type: Number, nullable: true }) publishedVersion: number | null;
}

export class TakedownResponse extends TakeOutResponse {
  @ApiProperty({
    example: ['0b9e4f7a-2c1d-4e6b-8a3f-5d7c9e1b2a40'],
    type: [String],
    description: 'The captures this takedown took out of the dataset',
  })
  removedCaptureIds: string[];
  @ApiPropertyOptional({
    example: null,
    type: String,
    nullable: true,
    description: 'Why a privacy takedown could not publish at once (it then waits in review), e.g. an expired grant',
  })
  publishProblem: string | null;
}
