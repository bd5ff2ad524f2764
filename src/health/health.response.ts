import { ApiProperty } from '@nestjs/swagger';

export class HealthResponse {
  @ApiProperty({ example: 'ok' })
  status: 'ok';

  @ApiProperty({ example: { status: 'up', kind: 'postgres', latencyMs: 0.8 } })
  database: { status: 'up'; kind: 'postgres' | 'embedded'; latencyMs: number };

  @ApiProperty({ description: 'Seconds since this instance started' })
  uptimeSeconds: number;
}
