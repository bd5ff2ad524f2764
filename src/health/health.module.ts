import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { HealthController } from './health.controller.js';
import { HealthService } from './health.service.js';

/** /health (database, as before), /health/live and /health/ready on @nestjs/terminus. */
@Module({ imports: [TerminusModule.forRoot({ errorLogStyle: 'json' })], controllers: [HealthController], providers: [HealthService] })
export class HealthModule {}
