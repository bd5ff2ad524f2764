import { Inject, Injectable, ServiceUnavailableException } from '@nestjs/common';
import { type HealthCheckResult, HealthCheckService, HealthIndicatorService } from '@nestjs/terminus';
import { SolanaLedger } from '../chain/solana-ledger.port.js';
import { DATABASE_CONNECTION } from '../database/database.tokens.js';
import type { DatabaseConnection } from '../database/database-connection.js';
import { DatabaseHealthService } from '../database/database-health.service.js';
import { ObjectStorage } from '../storage/object-storage.port.js';
import { HealthErrorCode, HealthException } from './health.exception.js';
import { HealthCheckResponse, HealthResponse } from './health.response.js';

function toResponse(result: HealthCheckResult): HealthCheckResponse {
  return Object.assign(new HealthCheckResponse(), {
    status: result.status,
    info: result.info ?? {},
    error: result.error ?? {},
    details: result.details,
  });
}

/** A part that takes longer than this to answer counts as down: a readiness probe must answer quickly itself. */
const PROBE_TIMEOUT_MS = 3_000;

@Injectable()
export class HealthService {
  constructor(
    private readonly database: DatabaseHealthService,
    @Inject(DATABASE_CONNECTION) private readonly connection: DatabaseConnection,
    private readonly storage: ObjectStorage,
    private readonly ledger: SolanaLedger,
    private readonly checks: HealthCheckService,
    private readonly indicators: HealthIndicatorService,
  ) {}

  /** GET /health, as before: the database answers. */
  async check(): Promise<HealthResponse> {
    let latencyMs: number;
    try {
      latencyMs = await this.database.ping();
    } catch (error) {
      throw new HealthException(
        HealthErrorCode.DATABASE_DOWN,
        `The database does not answer: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
    return Object.assign(new HealthResponse(), {
      status: 'ok' as const,
      database: { status: 'up' as const, kind: this.connection.kind, latencyMs },
      uptimeSeconds: Math.round(process.uptime()),
    });
  }

  /** The process is up and serving; no dependency is asked (a restart would not bring a database back). */
  async live(): Promise<HealthCheckResponse> {
    return toResponse(await this.checks.check([() => this.indicators.check('process').up({ uptimeSeconds: Math.round(process.uptime()) })]));
  }

  /** A named part: up with what `check` answers, or down with why it threw or that it took too long. */
  private probe(part: string, check: () => Promise<Record<string, unknown>>) {
    return () => this.indicators.check(part).attempt(check).withTimeout(PROBE_TIMEOUT_MS);
  }

  /** Every part a request may need answers: the database, the object store and the ledger; 503 naming those down. */
  async ready(): Promise<HealthCheckResponse> {
    try {
      const result = await this.checks.check([
        this.probe('database', async () => ({ kind: this.connection.kind, latencyMs: await this.database.ping() })),
        this.probe('storage', async () => {
          await this.storage.ping();
          return { kind: this.storage.kind };
        }),
        this.probe('ledger', async () => {
          await this.ledger.ping();
          return { cluster: this.ledger.cluster };
        }),
      ]);
      return toResponse(result);
    } catch (error) {
      if (!(error instanceof ServiceUnavailableException)) throw error;
      const result = error.getResponse() as HealthCheckResult;
      const down = Object.entries(result.error ?? {}).map(([part, state]) => `${part} (${String(state?.message ?? 'down')})`);
      throw new HealthException(HealthErrorCode.NOT_READY, `Not ready: ${down.join(', ')} down`, { details: result.details });
    }
  }
}
