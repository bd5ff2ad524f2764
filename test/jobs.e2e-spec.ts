import { setTimeout as sleep } from 'node:timers/promises';
import type { DatabaseConnection } from '../src/database/database-connection.js';
import { JobQueueService } from '../src/jobs/job-queue.service.js';
import { JobWorkerService } from '../src/jobs/job-worker.service.js';
import type { ClaimedJob } from '../src/jobs/job.types.js';
import { createTestDatabase } from './support/test-database.js';
import { startTestApp, type TestApp } from './support/test-app.js';

describe('job queue shared by several instances (e2e)', () => {
  let database: DatabaseConnection;
  let instances: TestApp[];
  const runs: { instance: number; captureId: string }[] = [];
  const failures: string[] = [];

  beforeAll(async () => {
    database = await createTestDatabase();
    instances = [await startTestApp({ WORKER_CONCURRENCY: '3' }, database), await startTestApp({ WORKER_CONCURRENCY: '3' }, database)];
    // Stand-in handlers record which instance ran each job; ids starting with "fail" always throw.
    instances.forEach((instance, index) => {
      instance.app.get(JobWorkerService).register('capture.process', {
        run: async (job: ClaimedJob<'capture.process'>) => {
          await sleep(5);
          if (job.payload.captureId.startsWith('fail')) throw new Error(`boom ${job.attempts}`);
          runs.push({ instance: index, captureId: job.payload.captureId });
        },
        onFailed: async (job: ClaimedJob<'capture.process'>, error: string) => {
          failures.push(`${job.payload.captureId}: ${error}`);
        },
      });
    });
  });
  afterAll(async () => {
    for (const instance of instances) await instance.close();
    await database.close();
  });

  const waitFor = async (done: () => boolean, timeoutMs: number) => {
    const deadline = Date.now() + timeoutMs;
    while (!done()) {
      if (Date.now() > deadline) throw new Error('timed out');
      await sleep(50);
    }
  };

  it('runs every job exactly once across instances, and deduplicates enqueues', async () => {
    const queue = instances[0].app.get(JobQueueService);
    for (let i = 0; i < 60; i += 1) {
      await queue.enqueue('capture.process', { captureId: `job-${i}` }, { dedupeKey: `test:${i}` });
    }
    await queue.enqueue('capture.process', { captureId: 'job-0' }, { dedupeKey: 'test:0' });
    await waitFor(() => runs.length >= 60, 30_000);
    await sleep(300);
    const ids = runs.map((run) => run.captureId);
    expect(ids).toHaveLength(60);
    expect(new Set(ids).size).toBe(60);
    expect(new Set(runs.map((run) => run.instance)).size).toBe(2);
    const [row] = await instances[0].sql<{ n: string }>(`SELECT count(*) AS n FROM jobs WHERE status = 'done'`);
    expect(Number(row.n)).toBe(60);
  });

  it('retries a failing job with backoff, then marks it failed and runs the cleanup once', async () => {
    const queue = instances[1].app.get(JobQueueService);
    await queue.enqueue('capture.process', { captureId: 'fail-1' }, { dedupeKey: 'test:fail-1', maxAttempts: 2 });
    await waitFor(() => failures.length > 0, 20_000);
    expect(failures).toEqual(['fail-1: boom 2']);
    expect(await queue.status('test:fail-1')).toEqual({ status: 'failed', attempts: 2, last_error: 'boom 2' });
  });
});
