import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayMinSize, ArrayUnique, IsArray, IsIn, IsOptional, IsString, IsUUID, MaxLength, MinLength } from 'class-validator';
import { PageLimit } from '../../common/page-query.js';
import { WEBHOOK_EVENT_TYPES, type WebhookEventType } from '../notification-events.js';

export class CreateWebhookDto {
  @ApiProperty({
    example: 'https://hooks.example.com/depai',
    maxLength: 2048,
    description: 'https only; an address in a private or reserved network is refused (also when the name resolves to one at send time)',
  })
  @IsString()
  @MinLength(8)
  @MaxLength(2048)
  url: string;

  @ApiPropertyOptional({ enum: WEBHOOK_EVENT_TYPES, isArray: true, example: ['order.consent_withdrawn'], description: 'Default: every event' })
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(WEBHOOK_EVENT_TYPES.length)
  @ArrayUnique()
  @IsIn(WEBHOOK_EVENT_TYPES, { each: true })
  events?: WebhookEventType[];

  @ApiPropertyOptional({ example: 'Training pipeline: re-check licensed files', maxLength: 500 })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  description?: string;

  @ApiPropertyOptional({
    format: 'uuid',
    description: "Also receive the events of this organisation's orders (you must be its owner or admin)",
    example: '0b7a8f52-3c1e-4d6f-9a21-5e8c7d4b2f10',
  })
  @IsOptional()
  @IsUUID()
  organisationId?: string;
}

export class ListDeliveriesQuery {
  @PageLimit(100, 20, 'At most this many deliveries, newest first')
  limit: number = 20;
}

export class WebhookResponse {
  @ApiProperty({ example: '4b6d8f0a-2c4e-4a6b-8d0f-1a3c5e7b9d11', format: 'uuid' })
  id: string;

  @ApiProperty({ example: 'https://hooks.acme-robotics.example/depai' })
  url: string;

  @ApiProperty({ enum: WEBHOOK_EVENT_TYPES, isArray: true })
  events: WebhookEventType[];

  @ApiProperty({ example: 'Data platform: re-sync licensed files', type: String, nullable: true })
  description: string | null;

  @ApiProperty({ example: null, type: String, format: 'uuid', nullable: true })
  organisationId: string | null;

  @ApiProperty({ enum: ['enabled', 'disabled'] })
  status: 'enabled' | 'disabled';

  @ApiProperty({ example: null, type: String, nullable: true, description: 'Why it was disabled (failed deliveries in a row)' })
  disabledReason: string | null;

  @ApiProperty({ example: 0, description: 'Failed attempts since the last successful one' })
  consecutiveFailures: number;

  @ApiProperty({ example: '2026-12-05T10:58:00.000Z' })
  createdAt: Date;
}

export class WebhookCreatedResponse extends WebhookResponse {
  @ApiProperty({
    example: 'whsec_5nY0qJ3mZr8xVb2Kp7TgW1dLc9HsF4aE6uN0oR3iQy8',
    description: 'The signing secret (whsec_...), shown in this answer only: verify Depai-Signature with it',
  })
  secret: string;
}

export class WebhookAttemptResponse {
  @ApiProperty({ example: 2 })
  attempt: number;

  @ApiProperty({ example: '2026-12-05T11:21:02.114Z' })
  at: Date;

  @ApiProperty({ example: 200, type: Number, nullable: true, description: 'The HTTP status the endpoint answered; null when none came' })
  statusCode: number | null;

  @ApiProperty({ example: null, type: String, nullable: true })
  error: string | null;

  @ApiProperty({ example: '{"received":true}', type: String, nullable: true, description: 'The first 1 KiB of the answer' })
  responseExcerpt: string | null;

  @ApiProperty({ example: 143 })
  durationMs: number;
}

export class WebhookDeliveryResponse {
  @ApiProperty({ example: 'c7e9a1b3-5d7f-4b9d-a1c3-e5f7b9d1f3a5', format: 'uuid' })
  id: string;

  @ApiProperty({ example: 'evt_3f1c0d9a8b7e6f5a4b3c2d1e0f9a8b7c', description: 'The event id (the body carries it too): dedupe on it' })
  eventId: string;

  @ApiProperty({ enum: WEBHOOK_EVENT_TYPES })
  eventType: WebhookEventType;

  @ApiProperty({ enum: ['pending', 'delivered', 'failed'], description: 'failed: given up after the last retry' })
  status: 'pending' | 'delivered' | 'failed';

  @ApiProperty({ example: null, type: Date, nullable: true, description: 'When the next attempt is due (pending only)' })
  nextAttemptAt: Date | null;

  @ApiProperty({ example: '2026-12-05T11:21:02.257Z', type: Date, nullable: true })
  deliveredAt: Date | null;

  @ApiProperty({ example: '2026-12-05T11:20:01.000Z' })
  createdAt: Date;

  @ApiProperty({ type: [WebhookAttemptResponse] })
  attempts: WebhookAttemptResponse[];
}
