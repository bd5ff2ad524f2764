import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { expect } from '@jest/globals';
import { Inject, Injectable, type OnModuleInit, type Provider } from '@nestjs/common';
import { Test, type TestingModule } from '@nestjs/testing';
import { getAddressDecoder } from '@solana/kit';
import type { QueryResultRow } from 'pg';
import { DataSource } from 'typeorm';
import { migrations } from '../migrations/index.js';
import { MoveJobsToPgBoss1764892800000 } from '../migrations/1764892800000-MoveJobsToPgBoss.js';
import type { AuthTokenResponse } from '../src/auth/dto/user.response.js';
import { ConfigModule } from '../src/config/config.module.js';
import { loadConfig } from '../src/config/load-config.js';
import type { DatabaseConnection } from '../src/database/database-connection.js';
import { dataSourceOptions } from '../src/database/data-source-options.js';
import { DatabaseModule } from '../src/database/database.module.js';
import { captureProcessQueue } from '../src/ingestion/ingestion.jobs.js';
import { deadLetterQueueName, defineQueue, type JobFailure, type JobQueue } from '../src/queue/job-queue.js';
import { JobsModule } from '../src/queue/jobs.module.js';
import { JobsService } from '../src/queue/jobs.service.js';
import { poolDatabase } from '../src/queue/pg-boss-database.js';
import { formatMemoRecord } from '../src/provenance/memo-record.js';
import { anchorJobKey } from '../src/provenance/provenance.jobs.js';
import { settled, sha256, uploadCapture } from './support/captures.js';
import { csvTelemetry } from './support/fixtures.js';
import { startS3Proxy, type S3Proxy } from './support/s3-proxy.js';
import { withClient } from './support/schema-template.js';
import { startS3rver, type TestS3 } from './support/s3rver.js';
import { startTestApp, type TestApp } from './support/test-app.js';
import { createTestDatabase } from './support/test-database.js';
import { waitFor } from './support/wait-for.js';

interface Payload {
  id: string;
}

const workQueue = defineQueue<Payload>('test.work', {
  dedupe: true,
  attempts: 1,
  retryDelaySeconds: 1,
  maxRetryDelaySeconds: 1,
  expireInSeconds: 60,
});
const failQueue = defineQueue<Payload>('test.fail', {
  dedupe: true,
  attempts: 3,
  retryDelaySeconds: 1,
  maxRetryDelaySeconds: 8,
  expireInSeconds: 60,
});

/** A queue whose workers poll only every 30 s (backstopPollSeconds) where NOTIFY tells them of new jobs. */
const announcedQueue = defineQueue<Payload>('test.announced', {
  dedupe: false,
  attempts: 1,
  retryDelaySeconds: 30,
  maxRetryDelaySeconds: 30,
  expireInSeconds: 60,
});

interface Run {
  instance: string;
  id: string;
  attempt: number;
  at: number;
}
const runs: Run[] = [];
const failures: (JobFailure<Payload> & { instance: string })[] = [];

const INSTANCE = Symbol('instance name');

/** Stand-in handlers: `test.work` jobs take a moment and succeed, `test.fail` jobs always throw. */
@Injectable()
class TestJobHandlers implements OnModuleInit {
  constructor(
    private readonly jobs: JobsService,
    @Inject(INSTANCE) private readonly instance: string,
  ) {}

  onModuleInit(): void {
    this.jobs.handle(workQueue, {
      run: async (job) => {
        runs.push({ instance: this.instance, id: job.payload.id, attempt: job.attempt, at: Date.now() });
        // Long enough that one instance cannot drain the queue before the other has asked for jobs.
        await sleep(200);
      },
      onFailed: () => Promise.resolve(),
    });
    this.jobs.handle(failQueue, {
      run: (job) => {
        runs.push({ instance: this.instance, id: job.payload.id, attempt: job.attempt, at: Date.now() });
        return Promise.reject(new Error(`boom ${job.attempt}`));
      },
      onFailed: (failure) => {
        failures.push({ instance: this.instance, ...failure });
        return Promise.resolve();
      },
    });
  }
}

/** Runs of `test.announced` jobs. */
@Injectable()
class AnnouncedHandler implements OnModuleInit {
  constructor(
    private readonly jobs: JobsService,
    @Inject(INSTANCE) private readonly instance: string,
  ) {}

  onModuleInit(): void {
    this.jobs.handle(announcedQueue, {
      run: (job) => {
        runs.push({ instance: this.instance, id: job.payload.id, attempt: job.attempt, at: Date.now() });
        return Promise.resolve();
      },
      onFailed: () => Promise.resolve(),
    });
  }
}

/** The jobs of one queue in pg-boss, by state. */
const statesOf = async (dataSource: DataSource, queue: string) => {
  const rows: { state: string; n: number }[] = await dataSource.query(
    `SELECT state, count(*)::int AS n FROM pgboss.job WHERE name = $1 GROUP BY state`,
    [queue],
  );
  return Object.fromEntries(rows.map((row) => [row.state, row.n]));
};
/** Waits until `count` jobs of the queue have completed. */
const completed = (dataSource: DataSource, queue: string, count: number, what: string) =>
  waitFor(async () => ((await statesOf(dataSource, queue)).completed === count ? true : undefined), what);

describe('jobs on pg-boss (e2e)', () => {
  let database: DatabaseConnection;
  let dataDir: string;
  const modules: TestingModule[] = [];

  /** A module on the suite's database (the embedded one has 12 connections: a module that failed to start is closed at once). */
  const compile = async (instance: string, queues: readonly JobQueue<object>[], providers: Provider[], env: Record<string, string> = {}) => {
    const config = loadConfig({
      LOG_LEVEL: 'silent',
      DATA_DIR: dataDir,
      DATABASE_URL: database.kind === 'postgres' ? database.url : '',
      WORKER_CONCURRENCY: '3',
      ...env,
    });
    const moduleRef = await Test.createTestingModule({
      imports: [ConfigModule.forRoot(config), DatabaseModule.forRoot(database), JobsModule.forFeature(queues)],
      providers: [{ provide: INSTANCE, useValue: instance }, ...providers],
    }).compile();
    moduleRef.useLogger(false);
    return moduleRef;
  };
  /** Stops an instance before the suite ends (its connections back for the next: the embedded database takes 12 in all). */
  const stopInstance = async (moduleRef: TestingModule) => {
    modules.splice(modules.indexOf(moduleRef), 1);
    await moduleRef.close();
  };
  /** A started instance, stopped by the suite's afterAll unless stopInstance stops it before. */
  const launch = async (...args: Parameters<typeof compile>) => {
    const moduleRef = await compile(...args);
    modules.push(moduleRef);
    await moduleRef.init();
    return moduleRef;
  };
  /** An instance of a service with the two test queues, sharing the suite's database. */
  const startInstance = (instance: string) => launch(instance, [workQueue, failQueue], [TestJobHandlers]);

  beforeAll(async () => {
    database = await createTestDatabase();
    dataDir = mkdtempSync(join(tmpdir(), 'mkt-jobs-'));
  });
  afterAll(async () => {
    for (const moduleRef of modules) await moduleRef.close();
    await database.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  describe('start-up', () => {
    const lonely = defineQueue<Payload>('test.lonely', {
      dedupe: false,
      attempts: 1,
      retryDelaySeconds: 1,
      maxRetryDelaySeconds: 1,
      expireInSeconds: 60,
    });
    const handler = { run: () => Promise.resolve(), onFailed: () => Promise.resolve() };

    @Injectable()
    class LonelyHandler implements OnModuleInit {
      constructor(private readonly jobs: JobsService) {}
      onModuleInit(): void {
        this.jobs.handle(lonely, handler);
      }
    }
    @Injectable()
    class SecondLonelyHandler extends LonelyHandler {}

    it('fails, naming the queue, when a declared queue has no handler', async () => {
      const moduleRef = await compile('unhandled', [lonely], []);
      await expect(moduleRef.init()).rejects.toThrow('Job queue "test.lonely" is declared but has no handler');
      await moduleRef.close();
    });

    it('fails, naming the queue, when a queue has two handlers', async () => {
      const moduleRef = await compile('handled twice', [lonely], [LonelyHandler, SecondLonelyHandler]);
      await expect(moduleRef.init()).rejects.toThrow('Job queue "test.lonely" has two handlers');
      await moduleRef.close();
    });

    it('fails, naming the queue, when a handler is registered for a queue nobody declared', async () => {
      const moduleRef = await compile('undeclared', [], [LonelyHandler]);
      await expect(moduleRef.init()).rejects.toThrow('Job queue "test.lonely" has a handler but is not declared');
      await moduleRef.close();
    });

    describe('its queues', () => {
      const sql = <T extends QueryResultRow>(query: string, params: unknown[] = []): Promise<T[]> =>
        withClient(database.url, async (client) => (await client.query<T>(query, params)).rows);
      const stored = () =>
        sql<{ name: string; policy: string; retry_limit: number; retention_seconds: number; dead_letter: string | null; updated_on: Date }>(
          `SELECT name, policy, retry_limit, retention_seconds, dead_letter, updated_on FROM pgboss.queue WHERE name LIKE 'test.lonely%' ORDER BY name`,
        );
      const startAndStop = async (instance: string) => {
        const moduleRef = await compile(instance, [lonely], [LonelyHandler]);
        try {
          await moduleRef.init();
        } finally {
          await moduleRef.close();
        }
      };

      it('creates a queue and its dead-letter queue once; a later start on unchanged queues writes nothing', async () => {
        await startAndStop('first');
        const first = await stored();
        expect(first.map(({ name, policy, retry_limit, dead_letter }) => ({ name, policy, retry_limit, dead_letter }))).toEqual([
          { name: 'test.lonely', policy: 'standard', retry_limit: 0, dead_letter: deadLetterQueueName('test.lonely') },
          { name: deadLetterQueueName('test.lonely'), policy: 'standard', retry_limit: 2, dead_letter: null },
        ]);
        await startAndStop('second');
        expect(await stored()).toEqual(first);
      });

      it("brings a queue's changed options back to its declaration, and refuses a queue stored with another policy", async () => {
        await startAndStop('first');
        await sql(`UPDATE pgboss.queue SET retry_limit = 7, retention_seconds = 60 WHERE name = 'test.lonely'`);
        await startAndStop('again');
        const [queue] = await stored();
        expect(queue).toMatchObject({ name: 'test.lonely', retry_limit: 0, retention_seconds: 14 * 24 * 3600 });
        await sql(`UPDATE pgboss.queue SET policy = 'exclusive' WHERE name = 'test.lonely'`);
        try {
          await expect(startAndStop('other policy')).rejects.toThrow(
            'Job queue "test.lonely" exists with policy exclusive, but is declared with standard',
          );
        } finally {
          await sql(`UPDATE pgboss.queue SET policy = 'standard' WHERE name = 'test.lonely'`);
        }
      });
    });
  });

  describe('two instances on one database', () => {
    let a: TestingModule;
    let b: TestingModule;

    beforeAll(async () => {
      [a, b] = await Promise.all([startInstance('a'), startInstance('b')]);
    });
    afterAll(async () => {
      for (const done of [a, b]) await stopInstance(done);
    });

    it('runs every job exactly once across instances, and keeps one job per key however often it is sent', async () => {
      // The same 30 keys sent by both instances at once, each in its own transaction.
      const sendAll = (moduleRef: TestingModule) =>
        moduleRef.get(DataSource).transaction(async (manager) => {
          for (let i = 0; i < 30; i += 1) await moduleRef.get(JobsService).send(manager, workQueue, { id: `job-${i}` }, { key: `work:${i}` });
        });
      await Promise.all([sendAll(a), sendAll(b)]);

      const dataSource = a.get(DataSource);
      await completed(dataSource, workQueue.name, 30, 'every job to complete');
      expect(await statesOf(dataSource, workQueue.name)).toEqual({ completed: 30 });
      const ran = runs.filter((run) => run.id.startsWith('job-'));
      expect(ran.map((run) => run.id).sort()).toEqual(Array.from({ length: 30 }, (_, i) => `job-${i}`).sort());
      expect(new Set(ran.map((run) => run.instance))).toEqual(new Set(['a', 'b']));
    });

    it('never runs a job sent in a transaction that rolled back', async () => {
      const jobs = a.get(JobsService);
      const dataSource = a.get(DataSource);
      await expect(
        dataSource.transaction(async (manager) => {
          await jobs.send(manager, workQueue, { id: 'rolled-back' }, { key: 'work:rolled-back' });
          throw new Error('changed my mind');
        }),
      ).rejects.toThrow('changed my mind');
      await dataSource.transaction((manager) => jobs.send(manager, workQueue, { id: 'committed' }, { key: 'work:committed' }));

      // The committed job was sent after the rolled-back one: once it has run, the other would have run before it.
      await waitFor(() => (runs.some((run) => run.id === 'committed') ? true : undefined), 'the committed job');
      expect(runs.filter((run) => run.id === 'rolled-back')).toEqual([]);
      const [{ n }] = await dataSource.query<{ n: number }[]>(`SELECT count(*)::int AS n FROM pgboss.job WHERE singleton_key = 'work:rolled-back'`);
      expect(n).toBe(0);
      // A manager outside any transaction is refused rather than sending on its own.
      await expect(jobs.send(dataSource.manager, workQueue, { id: 'stray' }, { key: 'work:stray' })).rejects.toThrow(
        'jobs.send needs the manager of an open transaction',
      );
    });

    it('retries a failing job with growing delays, then dead-letters it and runs its cleanup once', async () => {
      await b.get(JobsService).sendOutsideTransaction(failQueue, { id: 'doomed' }, { key: 'fail:doomed' });
      const dataSource = b.get(DataSource);
      await completed(dataSource, `${failQueue.name}.dead-letter`, 1, 'the dead letter');

      expect(failures).toEqual([{ instance: expect.stringMatching(/^[ab]$/), payload: { id: 'doomed' }, attempts: 3, error: 'boom 3' }]);
      const attempts = runs.filter((run) => run.id === 'doomed');
      expect(attempts.map((run) => run.attempt)).toEqual([1, 2, 3]);
      // Backoff: a retry never comes before its delay, 1 s and then 2 s (more with jitter), however busy the machine.
      expect(attempts[1].at - attempts[0].at).toBeGreaterThanOrEqual(1000);
      expect(attempts[2].at - attempts[1].at).toBeGreaterThanOrEqual(2000);
      const [job] = await dataSource.query<Record<string, unknown>[]>(
        `SELECT state, retry_count, retry_backoff, retry_delay, retry_delay_max, output->>'message' AS error FROM pgboss.job WHERE name = $1`,
        [failQueue.name],
      );
      expect(job).toEqual({ state: 'failed', retry_count: 2, retry_backoff: true, retry_delay: 1, retry_delay_max: 8, error: 'boom 3' });
      expect(await statesOf(dataSource, `${failQueue.name}.dead-letter`)).toEqual({ completed: 1 });
      expect(failures).toHaveLength(1);
    });
  });

  describe('new jobs announced to the instances that work (LISTEN/NOTIFY on a PostgreSQL server)', () => {
    let sender: TestingModule;
    let worker: TestingModule;
    /** The LISTEN connections on the suite's database (other instances of this suite's have theirs) before and after each start. */
    const listening: { before: number[]; sender: number[]; worker: number[] } = { before: [], sender: [], worker: [] };
    /** The run of job `id`, once it has run within `ms` (15 s by default: half the queue's 30 s backstop poll). */
    const ranWithin = (id: string, ms = 15_000) => waitFor(() => runs.find((run) => run.id === id), `job ${id} to run`, ms);
    const listeners = async () => {
      if (database.kind !== 'postgres') return [];
      const rows = await withClient(database.url, (client) =>
        client.query<{ pid: number }>(`SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND query LIKE 'LISTEN %'`),
      );
      return rows.rows.map((row) => row.pid).sort((x, y) => x - y);
    };
    const added = (after: number[], before: number[]) => after.filter((pid) => !before.includes(pid));

    beforeAll(async () => {
      // One instance only sends (as an API instance does), the other only works: a job reaches the worker by NOTIFY.
      listening.before = await listeners();
      sender = await launch('sender', [announcedQueue], [AnnouncedHandler], { WORKER_CONCURRENCY: '0' });
      listening.sender = await listeners();
      worker = await launch('worker', [announcedQueue], [AnnouncedHandler]);
      listening.worker = await listeners();
    });

    it('runs a job another instance sent at once, not at its next poll; the sending-only instance holds no LISTEN connection', async () => {
      const jobs = sender.get(JobsService);
      // The first may be fetched by the worker's first poll; once it has run, the worker waits out its 30 s backstop.
      await sender.get(DataSource).transaction((manager) => jobs.send(manager, announcedQueue, { id: 'announced-1' }));
      expect((await ranWithin('announced-1')).instance).toBe('worker');
      await sender.get(DataSource).transaction((manager) => jobs.send(manager, announcedQueue, { id: 'announced-2' }));
      expect((await ranWithin('announced-2')).instance).toBe('worker');
      expect(listening.sender).toEqual(listening.before);
      expect(added(listening.worker, listening.sender)).toHaveLength(database.kind === 'postgres' ? 1 : 0);
    });

    it('listens again after its LISTEN connection is cut, and runs what was sent meanwhile', async () => {
      // On the embedded database the workers poll every second (no LISTEN): the job runs all the same.
      const cut = added(listening.worker, listening.sender).at(0);
      if (cut !== undefined) await withClient(database.url, (client) => client.query('SELECT pg_terminate_backend($1)', [cut]));
      await sender.get(JobsService).sendOutsideTransaction(announcedQueue, { id: 'while-cut' });
      // Reconnected (after 1 s), the listener has every worker fetch once: what no NOTIFY reached is found.
      expect((await ranWithin('while-cut')).instance).toBe('worker');
      if (cut === undefined) return;
      const again = await waitFor(async () => {
        const now = added(await listeners(), listening.sender);
        return now.length === 1 && now[0] !== cut ? now[0] : undefined;
      }, 'a new LISTEN connection');
      expect(again).not.toBe(cut);
      await sender.get(JobsService).sendOutsideTransaction(announcedQueue, { id: 'after-cut' });
      expect((await ranWithin('after-cut')).instance).toBe('worker');
    });

    it('runs a job sent to start later when it is due, woken by the instance that sent it', async () => {
      // Just after a run the worker waits out its 30 s backstop: no NOTIFY comes for a job due later, no poll before then.
      await sender.get(JobsService).sendOutsideTransaction(announcedQueue, { id: 'before-later' });
      await ranWithin('before-later');
      const sentAt = Date.now();
      await worker
        .get(DataSource)
        .transaction((manager) => worker.get(JobsService).send(manager, announcedQueue, { id: 'later' }, { delaySeconds: 2 }));
      const run = await ranWithin('later', 12_000);
      expect(run.at - sentAt).toBeGreaterThanOrEqual(2000);
    });

    it('with JOBS_LISTEN=false a working instance holds no LISTEN connection and polls every second instead', async () => {
      // Its own handler takes the job: the listening worker stops first, so only the poller can run what comes next.
      await stopInstance(worker);
      const before = await listeners();
      await launch('poller', [announcedQueue], [AnnouncedHandler], { JOBS_LISTEN: 'false' });
      expect(await listeners()).toEqual(before);
      await sender.get(JobsService).sendOutsideTransaction(announcedQueue, { id: 'polled' });
      expect((await ranWithin('polled')).instance).toBe('poller');
    });
  });

  describe('long-running queues: a backlog, and a job sent again while the one with its key runs', () => {
    // Long-running: each worker takes one job at a time. Their first retry delay of 30 s makes the workers' backstop
    // poll 30 s on a PostgreSQL server: a job that NOTIFY does not announce would wait that long.
    const long = { dedupe: true, attempts: 1, retryDelaySeconds: 30, maxRetryDelaySeconds: 30, expireInSeconds: 60, longRunning: true } as const;
    const dropQueue = defineQueue<Payload>('test.drop', long);
    const againQueue = defineQueue<Payload>('test.again', { ...long, whileRunning: 'queue' });
    const backlogQueue = defineQueue<Payload>('test.backlog', { ...long, dedupe: false });
    const HELD_QUEUES = Symbol('queues held');
    /** The runs in progress, by `<queue>/<id>`: each holds its job until released, and fails it if given an error. */
    const held = new Map<string, (error?: Error) => void>();
    const release = (key: string, error?: Error) => {
      held.get(key)?.(error);
      held.delete(key);
    };
    /** Waits for a run, 15 s at most: half the workers' backstop poll. */
    const running = (key: string) => waitFor(() => (held.has(key) ? true : undefined), `${key} to run`, 15_000);
    const ranIds = (queue: JobQueue<Payload>) => runs.filter((run) => run.instance === queue.name).map((run) => run.id);

    /** Handlers that record each run under the queue's name and hold it until the test releases it. */
    @Injectable()
    class HeldHandlers implements OnModuleInit {
      constructor(
        private readonly jobs: JobsService,
        @Inject(HELD_QUEUES) private readonly queues: JobQueue<Payload>[],
      ) {}

      onModuleInit(): void {
        for (const queue of this.queues)
          this.jobs.handle(queue, {
            run: async (job) => {
              runs.push({ instance: queue.name, id: job.payload.id, attempt: job.attempt, at: Date.now() });
              await new Promise<void>((done, fail) => {
                held.set(`${queue.name}/${job.payload.id}`, (error) => {
                  if (error) fail(error);
                  else done();
                });
              });
            },
            onFailed: () => Promise.resolve(),
          });
      }
    }
    const startHeld = (name: string, queues: JobQueue<Payload>[], env: Record<string, string> = {}) =>
      launch(name, queues, [HeldHandlers, { provide: HELD_QUEUES, useValue: queues }], env);
    afterAll(() => {
      for (const key of [...held.keys()]) release(key);
    });

    it('works a backlog one job after another, each worker asking again as soon as it has run one, failed or not', async () => {
      // As in production: an instance that only sends (an API instance), and a worker that hears of the four jobs by one
      // NOTIFY (they commit together) and of nothing after.
      const sender = await startHeld('backlog sender', [backlogQueue], { WORKER_CONCURRENCY: '0' });
      const worker = await startHeld('backlog worker', [backlogQueue], { WORKER_CONCURRENCY: '1' });
      const ids = ['b1', 'b2', 'b3', 'b4'];
      await sender.get(DataSource).transaction(async (manager) => {
        for (const id of ids) await sender.get(JobsService).send(manager, backlogQueue, { id });
      });
      // In no given order: jobs sent in one transaction share their created_on, and pg-boss takes ties in index order,
      // not in the order sent (beside stress --cpu 2 the fourth ran first once, and the earlier version of this test,
      // waiting for the first, timed out while the one worker held the fourth).
      const ran: string[] = [];
      for (let n = 0; n < ids.length; n += 1) {
        const next = await waitFor(
          () => [...held.keys()].find((key) => key.startsWith('test.backlog/') && !ran.includes(key)),
          `backlog job ${String(n + 1)} of ${String(ids.length)} to run`,
          15_000,
        );
        // The worker takes one at a time: nothing else of the backlog runs beside it.
        expect([...held.keys()].filter((key) => key.startsWith('test.backlog/'))).toEqual([next]);
        ran.push(next);
        // The second to run fails (its one attempt): the next follows all the same.
        release(next, n === 1 ? new Error('failed') : undefined);
      }
      expect([...ranIds(backlogQueue)].sort()).toEqual(ids);
      await completed(worker.get(DataSource), backlogQueue.name, 3, 'the three that succeeded to complete');
      expect(await statesOf(worker.get(DataSource), backlogQueue.name)).toEqual({ completed: 3, failed: 1 });
      await stopInstance(worker);
      await stopInstance(sender);
    });

    it("queues it behind the running job when declared so (whileRunning 'queue'), where the default drops it", async () => {
      const instance = await startHeld('held', [dropQueue, againQueue]);
      const jobs = instance.get(JobsService);
      const dataSource = instance.get(DataSource);

      await jobs.sendOutsideTransaction(againQueue, { id: 'first' }, { key: 'k' });
      await running('test.again/first');
      await jobs.sendOutsideTransaction(againQueue, { id: 'second' }, { key: 'k' });
      // One waits at most: a third send while the second waits is dropped.
      await jobs.sendOutsideTransaction(againQueue, { id: 'third' }, { key: 'k' });
      // A job of another key, sent after them, runs at once: the waiting one was passed over, not missed.
      await jobs.sendOutsideTransaction(againQueue, { id: 'other' }, { key: 'other' });
      await running('test.again/other');
      expect(ranIds(againQueue)).toEqual(['first', 'other']);
      expect(await statesOf(dataSource, againQueue.name)).toEqual({ active: 2, created: 1 });
      release('test.again/first');
      await running('test.again/second');
      release('test.again/second');
      release('test.again/other');
      await completed(dataSource, againQueue.name, 3, 'the three runs');
      expect(ranIds(againQueue)).toEqual(['first', 'other', 'second']);

      await jobs.sendOutsideTransaction(dropQueue, { id: 'first' }, { key: 'k' });
      await running('test.drop/first');
      await jobs.sendOutsideTransaction(dropQueue, { id: 'second' }, { key: 'k' });
      expect(await statesOf(dataSource, dropQueue.name)).toEqual({ active: 1 });
      release('test.drop/first');
      await completed(dataSource, dropQueue.name, 1, 'the run');
      expect(ranIds(dropQueue)).toEqual(['first']);
      await stopInstance(instance);
    });

    it('turns a queue stored with the default into one that queues behind, keeping the jobs it holds', async () => {
      const before = defineQueue<Payload>('test.converted', dropQueue.settings);
      const after = defineQueue<Payload>('test.converted', againQueue.settings);
      // Declared with the default, by an instance that only sends: its job waits.
      const sender = await startHeld('sender', [before], { WORKER_CONCURRENCY: '0' });
      await sender.get(JobsService).sendOutsideTransaction(before, { id: 'waiting' }, { key: 'k' });
      await stopInstance(sender);

      const worker = await startHeld('worker', [after]);
      await running('test.converted/waiting');
      const dataSource = worker.get(DataSource);
      const [queue] = await dataSource.query<{ policy: string }[]>(`SELECT policy FROM pgboss.queue WHERE name = $1`, [after.name]);
      expect(queue.policy).toBe('stately');
      await worker.get(JobsService).sendOutsideTransaction(after, { id: 'again' }, { key: 'k' });
      expect(await statesOf(dataSource, after.name)).toEqual({ active: 1, created: 1 });
      release('test.converted/waiting');
      await running('test.converted/again');
      release('test.converted/again');
      await completed(dataSource, after.name, 2, 'both runs');
      const policies = await dataSource.query<{ policy: string }[]>(`SELECT DISTINCT policy FROM pgboss.job WHERE name = $1`, [after.name]);
      expect(policies).toEqual([{ policy: 'stately' }]);
      // A later start finds it as declared and changes nothing.
      await stopInstance(worker);
      await stopInstance(await startHeld('restarted', [after]));
    });
  });
});

describe('a worker process killed in the middle of a job (e2e, real processes)', () => {
  let database: DatabaseConnection;
  let s3: TestS3;
  let proxy: S3Proxy;
  let api: TestApp;
  const workers: { child: ChildProcess; dataDir: string; output: string[] }[] = [];

  /** `npm run start:worker` as it runs from source: the worker entry point in a process of its own. */
  const startWorker = async (name: string) => {
    const endpoint = await proxy.endpointFor(name);
    const dataDir = mkdtempSync(join(tmpdir(), 'mkt-worker-'));
    const child = spawn(process.execPath, ['--import', './scripts/ts-source-register.mjs', 'src/worker.ts'], {
      env: {
        ...process.env,
        NODE_OPTIONS: '',
        DATABASE_URL: database.url,
        DATABASE_POOL_SIZE: '3',
        DATA_DIR: dataDir,
        LOG_LEVEL: 'info',
        WORKER_CONCURRENCY: '1',
        ...s3.env,
        S3_ENDPOINT: endpoint,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const worker = { child, dataDir, output: [] as string[] };
    workers.push(worker);
    const collect = (chunk: Buffer) => {
      worker.output.push(chunk.toString());
    };
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    await waitFor(
      () => {
        if (child.exitCode !== null) throw new Error(`worker ${name} exited: ${worker.output.join('')}`);
        return worker.output.join('').includes('marketplace worker running') ? true : undefined;
      },
      `worker ${name} to start`,
      // Booting the whole app from source takes a while on a busy machine, the more so on the embedded database.
      240_000,
    );
    return child;
  };
  const exited = (child: ChildProcess) =>
    child.exitCode !== null || child.signalCode !== null
      ? Promise.resolve()
      : new Promise<void>((resolve) => {
          child.once('exit', () => {
            resolve();
          });
        });

  beforeAll(async () => {
    database = await createTestDatabase();
    s3 = await startS3rver();
    proxy = startS3Proxy(s3.endpoint);
    // An API-only instance: it takes the upload and sends the job; only the worker processes run jobs.
    api = await startTestApp({ ...s3.env, S3_ENDPOINT: await proxy.endpointFor('api'), WORKER_CONCURRENCY: '0' }, database);
  });
  afterAll(async () => {
    for (const { child } of workers) {
      child.kill('SIGTERM');
      await exited(child);
    }
    await api.close();
    await proxy.close();
    await s3.close();
    await database.close();
    for (const { dataDir } of workers) rmSync(dataDir, { recursive: true, force: true });
  });

  it('gives its job to another worker once its heartbeat stops, which runs it once to the right end', async () => {
    const registered = await api
      .http()
      .post('/v1/auth/register')
      .send({ email: 'maker@example.com', password: 'a-long-password', role: 'contributor' })
      .expect(201);
    const contributor = (registered.body as AuthTokenResponse).accessToken;
    const doomed = await startWorker('WORKER-A');
    const midJob = proxy.holdReads('WORKER-A');

    const bytes = csvTelemetry(20_000);
    const captureId = await uploadCapture(api, contributor, bytes, { filename: 'can-bus.csv' });
    // Worker A is reading the object when it dies: its read never gets an answer.
    await midJob;
    const [running] = await api.sql<{ state: string }>(`SELECT state FROM pgboss.job WHERE name = $1 AND singleton_key = $2`, [
      captureProcessQueue.name,
      `capture.process:${captureId}`,
    ]);
    expect(running.state).toBe('active');
    await startWorker('WORKER-B');
    doomed.kill('SIGKILL');
    const killedAt = Date.now();
    await exited(doomed);

    const capture = await settled(api, contributor, captureId, 120_000);
    expect(capture).toMatchObject({ status: 'ready', format: 'csv', sizeBytes: bytes.length, sha256: sha256(bytes) });
    // One job, run twice in all: the attempt that died with worker A, then worker B's, which completed it. pg-boss marks
    // it completed after the handler's transaction commits the capture, so on a busy machine that can come a moment later.
    const jobsNow = () =>
      api.sql<{ state: string; retry_count: number }>(`SELECT state, retry_count FROM pgboss.job WHERE name = $1 AND singleton_key = $2`, [
        captureProcessQueue.name,
        `capture.process:${captureId}`,
      ]);
    const jobs = await waitFor(async () => {
      const rows = await jobsNow();
      return rows.some((row) => row.state === 'active') ? undefined : rows;
    }, 'the job to leave the active state');
    expect(jobs).toEqual([{ state: 'completed', retry_count: 1 }]);
    const reads = (client: string) => proxy.requests.filter((seen) => seen.client === client && seen.method === 'GET').length;
    expect(reads('WORKER-A')).toBeGreaterThan(0);
    // Worker B took the job over only once worker A was dead, not while A still held it.
    const takenOver = proxy.requests.find((seen) => seen.client === 'WORKER-B' && seen.method === 'GET');
    expect(takenOver?.at).toBeGreaterThan(killedAt);
  }, 600_000);
});

describe('jobs of the old jobs table, after the migration to pg-boss (e2e)', () => {
  let database: DatabaseConnection;
  let t: TestApp | undefined;

  beforeAll(async () => {
    database = await createTestDatabase({ schema: 'empty' });
  });
  afterAll(async () => {
    await t?.close();
    await database.close();
  });

  it('sends the queued and running jobs over to pg-boss, where they run; superseded and finished ones go', async () => {
    // The schema as it was before the move, with an anchor waiting for its job and one whose worker died.
    const before = new DataSource({
      ...dataSourceOptions(database.url, 2),
      migrations: migrations.slice(0, migrations.indexOf(MoveJobsToPgBoss1764892800000)),
    });
    await before.initialize();
    await before.runMigrations({ transaction: 'each' });
    const [queued, running, finished] = [randomUUID(), randomUUID(), randomUUID()];
    const root = randomBytes(32).toString('hex');
    for (const datasetId of [queued, running, finished]) {
      await before.query(
        `INSERT INTO provenance_anchors (id, dataset_id, version, merkle_root, memo, reference, requested_by) VALUES ($1, $2, 1, $3, $4, $5, 'admin-1')`,
        [
          randomUUID(),
          datasetId,
          root,
          formatMemoRecord({ kind: 'anchor', datasetId, version: 1, root }),
          getAddressDecoder().decode(randomBytes(32)),
        ],
      );
    }
    await before.query(
      `INSERT INTO jobs (queue, payload, status, attempts, max_attempts, run_at, locked_until, locked_by, dedupe_key) VALUES
         ('provenance.anchor', $1, 'queued', 0, 10000, now(), NULL, NULL, $2),
         ('provenance.anchor', $3, 'running', 1, 10000, now() - interval '1 minute', now() + interval '14 minutes', 'a-dead-worker', $4),
         ('provenance.anchor', $5, 'done', 1, 10000, now() - interval '1 hour', NULL, NULL, $6),
         ('checkout.expire-order', $7, 'queued', 0, 5, now(), NULL, NULL, 'checkout.expire-order:gone')`,
      [
        { datasetId: queued, version: 1 },
        anchorJobKey(queued, 1),
        { datasetId: running, version: 1 },
        anchorJobKey(running, 1),
        { datasetId: finished, version: 1 },
        anchorJobKey(finished, 1),
        { orderId: randomUUID() },
      ],
    );
    await before.destroy();

    // The app migrates (staging the jobs), starts pg-boss and sends them.
    t = await startTestApp({}, database);
    const app = t;
    const done = async () => {
      const [anchors] = await app.sql<{ n: number }>(
        `SELECT count(*)::int AS n FROM provenance_anchors WHERE status = 'confirmed' AND dataset_id = ANY($1)`,
        [[queued, running]],
      );
      const [jobs] = await app.sql<{ n: number }>(
        `SELECT count(*)::int AS n FROM pgboss.job WHERE name = 'provenance.anchor' AND state = 'completed'`,
      );
      return anchors.n === 2 && jobs.n === 2 ? true : undefined;
    };
    await waitFor(done, 'both anchors to be recorded and their jobs completed');

    expect(await t.sql(`SELECT * FROM jobs_carried_over`)).toEqual([]);
    const jobs = await t.sql<{ name: string; singleton_key: string; state: string; retry_limit: number }>(
      `SELECT name, singleton_key, state, retry_limit FROM pgboss.job WHERE name = 'provenance.anchor' ORDER BY retry_limit DESC`,
    );
    expect(jobs).toEqual([
      { name: 'provenance.anchor', singleton_key: anchorJobKey(queued, 1), state: 'completed', retry_limit: 9999 },
      { name: 'provenance.anchor', singleton_key: anchorJobKey(running, 1), state: 'completed', retry_limit: 9998 },
    ]);
    // The expiry job's work is the order expiry sweep's now, scheduled like the upload sweep and the payout runs.
    expect(await t.sql(`SELECT id FROM pgboss.job WHERE singleton_key = 'checkout.expire-order:gone'`)).toEqual([]);
    const schedules = await t.sql(`SELECT name, cron FROM pgboss.schedule ORDER BY name`);
    expect(schedules).toEqual([
      { name: 'capture.expire-uploads', cron: '*/10 * * * *' },
      { name: 'capture.footprint-sweep', cron: '*/10 * * * *' },
      { name: 'capture.preview-sweep', cron: '*/10 * * * *' },
      { name: 'catalog.footprint-sync', cron: '* * * * *' },
      { name: 'checkout.expire-orders', cron: '* * * * *' },
      { name: 'notifications.dispatch', cron: '* * * * *' },
      { name: 'revenue.payout-run', cron: '0 0 * * *' },
      { name: 'subscriptions.bill-period', cron: '0 0 1 * *' },
    ]);
  }, 180_000);
});

describe("pg-boss's statements on the app's pool (e2e)", () => {
  let database: DatabaseConnection;
  let source: DataSource;

  beforeAll(async () => {
    database = await createTestDatabase();
    // One connection, so that pg_prepared_statements (a session's own) shows what the adapter's statements left there.
    source = await new DataSource(dataSourceOptions(database.url, 1)).initialize();
  });
  afterAll(async () => {
    await source.destroy();
    await database.close();
  });

  const preparedNames = async () =>
    (await source.query<{ name: string }[]>(`SELECT name FROM pg_prepared_statements WHERE name LIKE 'pgboss\\_%'`)).map((row) => row.name);

  it('runs a repeated statement prepared on a PostgreSQL server (never on the embedded one), with the same results', async () => {
    const db = poolDatabase(source, { prepare: database.kind === 'postgres', listen: false });
    const text = `SELECT count(*)::int AS n FROM pgboss.queue WHERE name LIKE 'no-such-queue%'`;
    for (let i = 0; i < 6; i += 1) expect((await db.executeSql(text)).rows).toEqual([{ n: 0 }]);
    // A statement with parameters, and one of several statements (run as one simple query, never prepared).
    for (let i = 0; i < 4; i += 1) expect((await db.executeSql('SELECT $1::int + 1 AS n', [i])).rows).toEqual([{ n: i + 1 }]);
    for (let i = 0; i < 3; i += 1) await db.executeSql('SELECT 1; SELECT 2');
    expect(await preparedNames()).toHaveLength(database.kind === 'postgres' ? 2 : 0);
  });

  it('falls back to running a statement unnamed when the table it reads changed shape under its plan', async () => {
    const db = poolDatabase(source, { prepare: database.kind === 'postgres', listen: false });
    await source.query('CREATE TABLE prepared_shape (a int)');
    await source.query('INSERT INTO prepared_shape VALUES (1)');
    const text = 'SELECT * FROM prepared_shape';
    for (let i = 0; i < 4; i += 1) expect((await db.executeSql(text)).rows).toEqual([{ a: 1 }]);
    // Another instance's migration adds a column: the prepared plan's result type no longer matches (SQLSTATE 0A000).
    await source.query('ALTER TABLE prepared_shape ADD COLUMN b int DEFAULT 2');
    expect((await db.executeSql(text)).rows).toEqual([{ a: 1, b: 2 }]);
    expect((await db.executeSql(text)).rows).toEqual([{ a: 1, b: 2 }]);
  });
});
