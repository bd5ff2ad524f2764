import { type DynamicModule, Module } from '@nestjs/common';
import { CarriedOverJobRepository } from './carried-over-job.repository.js';
import type { JobQueue } from './job-queue.js';
import { JobsService } from './jobs.service.js';

/** Where a module's queues are declared; one per JobsModule.forFeature call. */
@Module({})
class JobQueuesModule {}

/**
 * The app's job queue (JobsService, one pg-boss instance). Not global: a module that sends or works jobs imports
 * `JobsModule.forFeature(itsQueues)`, which also declares its queues. Being imported by the feature modules, it is
 * destroyed before the global modules (storage, database, ledger) its running jobs still use.
 */
@Module({ providers: [JobsService, CarriedOverJobRepository], exports: [JobsService] })
export class JobsModule {
  static forFeature(queues: readonly JobQueue<object>[]): DynamicModule {
    return {
      module: JobQueuesModule,
      imports: [JobsModule],
      providers: [
        {
          provide: Symbol(`job queues ${queues.map((queue) => queue.name).join(', ')}`),
          inject: [JobsService],
          useFactory: (jobs: JobsService) => {
            jobs.declare(queues);
            return queues;
          },
        },
      ],
      exports: [JobsModule],
    };
  }
}
