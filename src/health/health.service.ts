import { HttpStatus, Inject, Injectable } from '@nestjs/common';
import { DomainException } from '../common/errors/domain.exception.js';
import { DATABASE_CONNECTION } from '../database/database.tokens.js';
import type { DatabaseConnection } from '../database/database-connection.js';
import { DatabaseHealthService } from '../database/database-health.service.js';
import type { HealthResponse } from './health.response.js';

export class HealthException extends DomainException<'DATABASE_DOWN'> {
  constructor(reason: string) {
    super('DATABASE_DOWN', `The database does not answer: ${reason}`, HttpStatus.SERVICE_UNAVAILABLE);
  }
}

@Injectable()
export class HealthService {
  constructor(
    private readonly database: DatabaseHealthService,
    @Inject(DATABASE_CONNECTION) private readonly connection: DatabaseConnection,
  ) {}

  async check(): Promise<HealthResponse> {
    let latencyMs: number;
    try {
      latencyMs = await this.database.ping();
    } catch (error) {
      throw new HealthException(error instanceof Error ? error.message : String(error));
    }
    return {
      status: 'ok',
      database: { status: 'up', kind: this.connection.kind, latencyMs },
      uptimeSeconds: Math.round(process.uptime()),
    };
  }
}
