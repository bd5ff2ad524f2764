import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { JobRepository, type JobStatusRow } from './job.repository.js';
import type { EnqueueOptions, JobPayloads, JobQueue } from './job.types.js';

/** Enqueues typed jobs; other modules call this, never the jobs table. */
@Injectable()
export class JobQueueService {
  constructor(private readonly jobs: JobRepository) {}

  enqueue<Q extends JobQueue>(queue: Q, payload: JobPayloads[Q], options: EnqueueOptions = {}, manager?: EntityManager): Promise<void> {
    return this.jobs.insert(queue, payload, options, manager);
  }

  status(dedupeKey: string): Promise<JobStatusRow | null> {
    return this.jobs.statusByDedupeKey(dedupeKey);
  }
}
