import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiErrorResponse } from '../common/errors/api-error-response.decorator.js';
import { HealthErrorCode, HealthException } from './health.exception.js';
import { HealthCheckResponse, HealthResponse } from './health.response.js';
import { HealthService } from './health.service.js';

@ApiTags('health')
@Controller('health')
export class HealthController {
  constructor(private readonly health: HealthService) {}

  @Get()
  @ApiOperation({ summary: 'The database answers (kept as it was; use /health/ready for every part)' })
  @ApiOkResponse({ type: HealthResponse })
  @ApiErrorResponse(
    'The database does not answer',
    new HealthException(HealthErrorCode.DATABASE_DOWN, 'The database does not answer: Connection terminated due to connection timeout'),
  )
  check(): Promise<HealthResponse> {
    return this.health.check();
  }

  @Get('live')
  @ApiOperation({ summary: 'Liveness: the process is up and serving (no dependency is asked)' })
  @ApiOkResponse({ type: HealthCheckResponse })
  live(): Promise<HealthCheckResponse> {
    return this.health.live();
  }

  @Get('ready')
  @ApiOperation({ summary: 'Readiness: the database, the object store and the ledger all answer' })
  @ApiOkResponse({ type: HealthCheckResponse })
  @ApiErrorResponse(
    'A part is down: HEALTH_NOT_READY, with every part in details.details',
    new HealthException(HealthErrorCode.NOT_READY, 'Not ready: storage (connect ECONNREFUSED 10.0.0.5:9000) down', {
      details: {
        database: { status: 'up', kind: 'postgres', latencyMs: 2 },
        storage: { status: 'down', message: 'connect ECONNREFUSED 10.0.0.5:9000' },
        ledger: { status: 'up', cluster: 'embedded' },
      },
    }),
  )
  ready(): Promise<HealthCheckResponse> {
    return this.health.ready();
  }
}
