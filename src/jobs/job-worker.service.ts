import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { AppConfig } from '../config/app-config.js';
import { JobRepository } from './job.repository.js';
import type { ClaimedJob, JobHandler, JobQueue } from './job.types.js';

const IDLE_POLL_MS = 250;
const LOCK_SECONDS = 15 * 60;
const SWEEP_EVERY_MS = 10 * 60 * 1000;
const KEEP_DONE_DAYS = 7;

/**
 * Runs jobs on this instance, up to WORKER_CONCURRENCY at a time. Any number of instances can run workers:
 * claiming uses SKIP LOCKED, and a job whose worker died is claimed again when its lock expires.
 */
@Injectable()
export class JobWorkerService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(JobWorkerService.name);
  private readonly handlers = new Map<JobQueue, JobHandler>();
  private readonly workerId = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  private readonly inFlight = new Set<Promise<void>>();
  private stopped = true;
  private timer: NodeJS.Timeout | undefined;
  private polling = false;
  private lastSweep = 0;

  constructor(
    private readonly jobs: JobRepository,
    private readonly config: AppConfig,
  ) {}

  register<Q extends JobQueue>(queue: Q, handler: JobHandler<Q>): void {
    this.handlers.set(queue, handler);
  }

  onApplicationBootstrap(): void {
    if (this.config.WORKER_CONCURRENCY === 0) return;
    this.stopped = false;
    this.schedule(0);
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await Promise.allSettled([...this.inFlight]);
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.poll(), delayMs);
  }

  private async poll(): Promise<void> {
    if (this.polling || this.stopped) return;
    this.polling = true;
    let claimed = 0;
    try {
      const free = this.config.WORKER_CONCURRENCY - this.inFlight.size;
      if (free > 0 && this.handlers.size > 0) {
        const jobs = await this.jobs.claim([...this.handlers.keys()], free, this.workerId, LOCK_SECONDS);
        claimed = jobs.length;
        for (const job of jobs) this.start(job);
      }
      if (Date.now() - this.lastSweep > SWEEP_EVERY_MS) {
        this.lastSweep = Date.now();
        await this.jobs.deleteFinishedBefore(KEEP_DONE_DAYS);
      }
    } catch (error) {
      this.logger.error(`claiming jobs failed: ${error instanceof Error ? error.message : String(error)}`);
    } finally {
      this.polling = false;
      // Poll again at once while there is work and room for it; otherwise wait a little.
      this.schedule(claimed > 0 && this.inFlight.size < this.config.WORKER_CONCURRENCY ? 0 : IDLE_POLL_MS);
    }
  }

  private start(job: ClaimedJob): void {
    const task = this.execute(job).finally(() => {
      this.inFlight.delete(task);
      this.schedule(0);
    });
    this.inFlight.add(task);
  }

  private async execute(job: ClaimedJob): Promise<void> {
    const handler = this.handlers.get(job.queue);
    if (!handler) return;
    try {
      await handler.run(job);
      await this.jobs.markDone(job.id, this.workerId);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      this.logger.warn(`job ${job.queue}#${job.id} attempt ${job.attempts}/${job.maxAttempts} failed: ${message}`);
      try {
        const final = await this.jobs.markAttemptFailed(job, this.workerId, message, handler.retryDelaySeconds?.(job.attempts));
        if (final) await handler.onFailed(job, message);
      } catch (cleanupError) {
        this.logger.error(`recording the failure of job ${job.id} failed: ${String(cleanupError)}`);
      }
    }
  }
}
