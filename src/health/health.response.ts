import { ApiProperty, type ApiPropertyOptions } from '@nestjs/swagger';

/** GET /health, unchanged since the first release (the database only). */
export class HealthResponse {
  @ApiProperty({ example: 'ok' })
  status: 'ok';

  @ApiProperty({ example: { status: 'up', kind: 'postgres', latencyMs: 0.8 } })
  database: { status: 'up'; kind: 'postgres' | 'embedded'; latencyMs: number };

  @ApiProperty({ example: 86400, description: 'Seconds since this instance started' })
  uptimeSeconds: number;
}

/** One part a check looked at: `status` (`up` / `down`), `responseTime` in ms, `message` when down, and facts about it. */
export type HealthPart = { status: string } & Record<string, unknown>;

const PARTS_SCHEMA: ApiPropertyOptions = {
  type: 'object',
  additionalProperties: { type: 'object', properties: { status: { type: 'string', enum: ['up', 'down'] } } },
};

/** @nestjs/terminus's answer: `info` for the parts that are up, `error` for those down, `details` for all of them. */
export class HealthCheckResponse {
  @ApiProperty({ example: 'ok' })
  status: string;

  @ApiProperty(PARTS_SCHEMA)
  info: Partial<Record<string, HealthPart>>;

  @ApiProperty(PARTS_SCHEMA)
  error: Partial<Record<string, HealthPart>>;

  @ApiProperty({
    ...PARTS_SCHEMA,
    example: {
      database: { status: 'up', kind: 'postgres', latencyMs: 0.9, responseTime: 1 },
      storage: { status: 'up', kind: 's3', responseTime: 4 },
      ledger: { status: 'up', cluster: 'litesvm', responseTime: 0 },
    },
  })
  details: Partial<Record<string, HealthPart>>;
}
