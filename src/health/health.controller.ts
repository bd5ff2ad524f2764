import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import { ErrorBody } from '../common/errors/error-body.js';
import { HealthCheckResponse, HealthResponse } from './health.response.js';
import { HealthService } from './health.service.js';

@ApiTags('health')
@Controller('health')
export class HealthController {
  constructor(private readonly health: HealthService) {}

  @Get()
  @ApiOperation({ summary: 'The database answers (kept as it was; use /health/ready for every part)' })
  @ApiOkResponse({ type: HealthResponse })
  @ApiServiceUnavailableResponse({ type: ErrorBody, description: 'The database does not answer' })
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
  @ApiServiceUnavailableResponse({ type: ErrorBody, description: 'A part is down: HEALTH_NOT_READY, with every part in details.details' })
  ready(): Promise<HealthCheckResponse> {
    return this.health.ready();
  }
}
