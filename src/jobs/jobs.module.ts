import { Global, Module } from '@nestjs/common';
import { JobQueueService } from './job-queue.service.js';
import { JobRepository } from './job.repository.js';
import { JobWorkerService } from './job-worker.service.js';

@Global()
@Module({ providers: [JobRepository, JobQueueService, JobWorkerService], exports: [JobQueueService, JobWorkerService] })
export class JobsModule {}
