import { Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { type Db, type Job as BossJob, type JobResult, PgBoss, type Queue, type SendOptions as BossSendOptions } from 'pg-boss';
import { DataSource, EntityManager } from 'typeorm';
import { AppConfig } from '../config/app-config.js';
import { CarriedOverJobRepository } from './carried-over-job.repository.js';
import { deadLetterQueueName, type JobHandler, type JobQueue, type QueueSettings, type SendOptions } from './job-queue.js';
import { type DeclaredQueue, JobRegistry, JobSetupError } from './job-registry.js';
import { ownSessionPerConnection, poolDatabase, transactionDatabase } from './pg-boss-database.js';
import { WakeAfterCommit } from './wake-after-commit.js';

/** pg-boss's schema in the app's database. */
export const JOBS_SCHEMA = 'pgboss';
/**
 * A running job whose worker has not touched it for this long is taken for dead and retried (pg-boss's minimum). With
 * supervision every SUPERVISE_SECONDS, a dead worker's job runs again within about 15 seconds plus its retry delay.
 */
const JOB_HEARTBEAT_SECONDS = 10;
/** How often a worker touches its running jobs: three tries before JOB_HEARTBEAT_SECONDS runs out. */
const HEARTBEAT_REFRESH_SECONDS = 3;
/** How often a working instance fails the jobs of dead workers (and over-long ones) so that they are retried. */
const SUPERVISE_SECONDS = 5;
/**
 * How often an idle worker asks for jobs where nothing tells it of new ones (the embedded database, or a server whose
 * LISTEN connection is down): the most a new job waits for a free worker.
 */
const POLL_SECONDS = 1;
/**
 * On a PostgreSQL server, a new job is announced by pg-boss's NOTIFY (LISTENed for by every instance), and polling is only
 * the backstop for what no NOTIFY announces: a retry coming due, a job sent to start later by another instance (the
 * sending instance wakes its own workers when it is due), a lost notification. Each queue's backstop follows its first
 * retry delay (a retry comes at most that much later again), between POLL_SECONDS and this. An idle instance's queries
 * went from about 29 a second to 12; its CPU stayed within the noise (0.64 and 0.71 CPU s in 30).
 */
const MAX_BACKSTOP_POLL_SECONDS = 30;
/** Dead letters are rare and their cleanup is not urgent. */
const DEAD_LETTER_POLL_SECONDS = 5;
/** How long a stopping instance lets its running jobs finish before it hands them back to the queue. */
const STOP_GRACE_MS = 20_000;
const CARRY_OVER_BATCH = 100;
const DAY_SECONDS = 24 * 3600;

/** The pg-boss policy of a declared queue (see QueueSettings.dedupe and whileRunning). */
function policyOf(settings: QueueSettings): 'standard' | 'exclusive' | 'stately' {
  if (!settings.dedupe) return 'standard';
  return settings.whileRunning === 'queue' ? 'stately' : 'exclusive';
}

/** The pg-boss options of a declared queue. */
function queueOptions(settings: QueueSettings, deadLetter: string): Omit<Queue, 'name'> {
  return {
    policy: policyOf(settings),
    retryLimit: settings.attempts - 1,
    retryDelay: settings.retryDelaySeconds,
    retryBackoff: true,
    retryDelayMax: settings.maxRetryDelaySeconds,
    expireInSeconds: settings.expireInSeconds,
    heartbeatSeconds: JOB_HEARTBEAT_SECONDS,
    // pg-boss deletes a job still waiting (created or retry) this long after it was due; it must outlive every retry.
    retentionSeconds: Math.max(14 * DAY_SECONDS, settings.attempts * (settings.maxRetryDelaySeconds + settings.expireInSeconds)),
    deadLetter,
    // A job that can run at once is announced (pg_notify in its INSERT, so on commit) to the LISTENing instances.
    notify: true,
  };
}

/** How often a worker of this queue polls while NOTIFY tells it of new jobs (see MAX_BACKSTOP_POLL_SECONDS). */
export function backstopPollSeconds(settings: QueueSettings): number {
  return Math.min(MAX_BACKSTOP_POLL_SECONDS, Math.max(POLL_SECONDS, settings.retryDelaySeconds));
}

/** Whether a queue as stored has any option other than `options` says. */
function differsFrom(stored: Queue, options: Omit<Queue, 'name' | 'policy'>): boolean {
  return Object.entries(options).some(([key, value]) => stored[key as keyof Queue] !== value);
}

/** The text of a failed run's output: pg-boss stores a thrown error serialised, and its own failures as { value }. */
function errorText(output: unknown): string {
  if (typeof output === 'object' && output !== null) {
    const { message, value } = output as { message?: unknown; value?: unknown };
    if (typeof message === 'string') return message;
    if (value !== undefined) return errorText(value);
  }
  return typeof output === 'string' ? output : JSON.stringify(output);
}

/**
 * The app's job queue: one pg-boss instance on the app's database, started when the app has booted and stopped
 * (running jobs finish, or go back to the queue after STOP_GRACE_MS) when it shuts down.
 *
 * Modules declare their queues (JobsModule.forFeature), register one handler per queue and send jobs, inside the
 * transaction whose commit they depend on (`send`) or, when that is what they mean, outside any (`sendOutsideTransaction`).
 * Every declared queue has a dead-letter queue where the handler's `onFailed` runs once a job is out of attempts.
 * An instance with WORKER_CONCURRENCY=0 only sends: it runs no job, no schedule and no supervision.
 */
@Injectable()
export class JobsService implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('Jobs');
  private readonly registry = new JobRegistry();
  private boss?: PgBoss;
  /** This instance's pg-boss workers per queue, woken when a job is sent here (see WakeAfterCommit). */
  private readonly workers = new Map<string, string[]>();
  private readonly wakeAfterCommit: WakeAfterCommit;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly carriedOver: CarriedOverJobRepository,
    private readonly config: AppConfig,
  ) {
    this.wakeAfterCommit = new WakeAfterCommit(dataSource, (queue) => {
      for (const id of this.workers.get(queue) ?? []) this.boss?.notifyWorker(id);
    });
  }

  declare(queues: readonly JobQueue<object>[]): void {
    this.registry.declare(queues);
  }

  /** Registers the queue's handler; a second handler for the queue, or one for an undeclared queue, is refused. */
  handle<P extends object>(queue: JobQueue<P>, handler: JobHandler<P>): void {
    this.registry.handle(queue, handler);
  }

  /**
   * Makes `recurrence` (a cron expression or a recurrence rule, in UTC; see `everyMinutes`) the queue's schedule, or
   * removes it (null), when this instance starts working. pg-boss sends one job per slot across all instances.
   */
  schedule(queue: JobQueue<object>, recurrence: string | null): void {
    if (queue.settings.dedupe) throw new JobSetupError(`Job queue "${queue.name}" is scheduled, so its jobs cannot carry dedupe keys`);
    this.registry.schedule(queue, recurrence);
  }

  /** Sends a job inside the caller's transaction: it exists (and runs) only if that transaction commits. */
  async send<P extends object>(manager: EntityManager, queue: JobQueue<P>, payload: P, options: SendOptions = {}): Promise<void> {
    await this.sendTo(queue, payload, options, transactionDatabase(manager));
    this.wakeAfterCommit.sent(queue.name, manager, (options.delaySeconds ?? 0) * 1000);
  }

  /** Sends a job that belongs to no transaction (a retry chain, a sweep asked for now). */
  async sendOutsideTransaction<P extends object>(queue: JobQueue<P>, payload: P, options: SendOptions = {}): Promise<void> {
    await this.sendTo(queue, payload, options);
    this.wakeAfterCommit.sent(queue.name, undefined, (options.delaySeconds ?? 0) * 1000);
  }

  async onApplicationBootstrap(): Promise<void> {
    this.registry.assertComplete();
    const works = this.config.WORKER_CONCURRENCY > 0;
    // Prepared statements and LISTEN need a session per connection (not the embedded database's one, however reached).
    const server = await ownSessionPerConnection(this.dataSource);
    // A sending-only instance has no worker to wake, so it holds no LISTEN connection.
    const listens = server && works && this.config.JOBS_LISTEN;
    const boss = new PgBoss({
      db: poolDatabase(this.dataSource, { prepare: server, listen: listens }),
      useListenNotify: listens,
      schema: JOBS_SCHEMA,
      migrate: true,
      supervise: works,
      schedule: works,
      superviseIntervalSeconds: SUPERVISE_SECONDS,
      monitorIntervalSeconds: SUPERVISE_SECONDS,
      instanceName: works ? 'worker' : 'api',
    });
    boss.on('error', (error) => {
      this.logger.error(`pg-boss: ${error.message}`);
    });
    boss.on('warning', (warning) => {
      this.logger.warn(`pg-boss: ${warning.message}`);
    });
    await boss.start();
    this.boss = boss;
    await this.createQueues(boss);
    await this.carryOver();
    if (!works) return;
    for (const declared of this.registry.all()) await this.work(boss, declared);
    for (const declared of this.registry.all()) await this.applySchedule(boss, declared);
  }

  async onModuleDestroy(): Promise<void> {
    // Running jobs may still send (a next look, a refund) while they finish. The pool is TypeORM's, closed after this.
    this.wakeAfterCommit.close();
    await this.boss?.stop({ graceful: true, timeout: STOP_GRACE_MS, close: false });
    this.boss = undefined;
  }

  private async sendTo(queue: JobQueue<object>, payload: object, options: SendOptions, db?: Db): Promise<void> {
    const boss = this.boss;
    if (!boss) throw new Error(`job queue "${queue.name}": jobs are sent once the app has started`);
    if (this.registry.get(queue.name)?.queue !== queue) throw new JobSetupError(`Job queue "${queue.name}" is not declared (JobsModule.forFeature)`);
    if (queue.settings.dedupe !== (options.key !== undefined)) {
      throw new JobSetupError(`Jobs of queue "${queue.name}" ${queue.settings.dedupe ? 'need' : 'take no'} dedupe key`);
    }
    // pg-boss rejects options present but undefined, so only the given ones are passed.
    const sendOptions: BossSendOptions = {};
    if (db) sendOptions.db = db;
    if (options.key !== undefined) sendOptions.singletonKey = options.key;
    if (options.delaySeconds !== undefined) sendOptions.startAfter = options.delaySeconds;
    if (options.minRetryDelaySeconds !== undefined) {
      sendOptions.retryBackoff = true;
      sendOptions.retryDelay = Math.max(queue.settings.retryDelaySeconds, options.minRetryDelaySeconds);
      sendOptions.retryDelayMax = Math.max(queue.settings.maxRetryDelaySeconds, options.minRetryDelaySeconds);
    }
    if (options.attempts !== undefined) sendOptions.retryLimit = options.attempts - 1;
    await boss.send(queue.name, payload, sendOptions);
  }

  /**
   * Creates each declared queue and its dead-letter queue where missing, and brings an existing queue's options up to
   * its declaration. One query reads them all first, so a restart on unchanged queues writes nothing (it took four
   * statements per queue, about 160 per start).
   */
  private async createQueues(boss: PgBoss): Promise<void> {
    const queues = this.registry.all().map((declared) => declared.queue);
    const found = await boss.getQueues(queues.flatMap((queue) => [queue.name, deadLetterQueueName(queue.name)]));
    const existing = new Map(found.map((queue) => [queue.name, queue]));
    for (const queue of queues) {
      const deadLetter = deadLetterQueueName(queue.name);
      if (!existing.has(deadLetter)) await boss.createQueue(deadLetter);
      const { policy, ...options } = queueOptions(queue.settings, deadLetter);
      let current: Queue | null | undefined = existing.get(queue.name);
      if (!current) {
        // A no-op when another instance has made it since: what is there is read back and checked like any other.
        await boss.createQueue(queue.name, { policy, ...options });
        current = await boss.getQueue(queue.name);
      }
      if (current?.policy === 'exclusive' && policy === 'stately') current = await this.letQueueBehindRunning(boss, current);
      if (!current || current.policy !== policy) {
        throw new JobSetupError(`Job queue "${queue.name}" exists with policy ${String(current?.policy)}, but is declared with ${String(policy)}`);
      }
      if (differsFrom(current, options)) await boss.updateQueue(queue.name, options);
    }
  }

  /**
   * Turns a stored `exclusive` queue into the `stately` one it is now declared as (QueueSettings.whileRunning 'queue'),
   * keeping its jobs. pg-boss cannot change a queue's policy, so this writes its tables: the queue's policy, and each of
   * its jobs' (the unique indexes that enforce a policy read the job's own copy). Safe to run from several starting
   * instances at once, and loses nothing: `exclusive` allows one job per key among those waiting, retrying or running,
   * which `stately` (one waiting, one retrying and one running per key) allows too. Only this direction is taken; the
   * other could find two jobs where one may be.
   */
  private async letQueueBehindRunning(boss: PgBoss, queue: Queue): Promise<Queue | null> {
    await this.dataSource.transaction(async (manager) => {
      const rows: { table_name: string }[] = await manager.query(
        `WITH changed AS (UPDATE ${JOBS_SCHEMA}.queue SET policy = 'stately', updated_on = now() WHERE name = $1 AND policy = 'exclusive' RETURNING table_name)
         SELECT table_name FROM changed`,
        [queue.name],
      );
      const table = rows.at(0)?.table_name;
      if (table === undefined) return;
      if (!/^[a-z_][a-z0-9_]*$/.test(table)) throw new JobSetupError(`Job queue "${queue.name}" is stored in an unexpected table ${table}`);
      await manager.query(`UPDATE ${JOBS_SCHEMA}.${table} SET policy = 'stately' WHERE name = $1 AND policy = 'exclusive'`, [queue.name]);
    });
    this.logger.log(`job queue "${queue.name}" now queues a job sent while the one with its key runs (policy exclusive -> stately)`);
    // pg-boss caches each queue's policy; updating the queue reads it again.
    await boss.updateQueue(queue.name, { retryLimit: queue.retryLimit });
    return boss.getQueue(queue.name);
  }

  private async work(boss: PgBoss, { queue, handler }: DeclaredQueue): Promise<void> {
    if (!handler) throw new JobSetupError(`Job queue "${queue.name}" is declared but has no handler`);
    const concurrency = Math.min(this.config.WORKER_CONCURRENCY, queue.settings.concurrency ?? Number.POSITIVE_INFINITY);
    const run = async (job: BossJob) => {
      const attempt = job.retryCount + 1;
      try {
        await handler.run({ id: job.id, payload: job.data, attempt });
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        this.logger.warn(`job ${queue.name}#${job.id} attempt ${attempt}/${queue.settings.attempts} failed: ${message}`);
        throw error;
      }
    };
    const polling = {
      pollingIntervalSeconds: POLL_SECONDS,
      notifyPollingIntervalSeconds: backstopPollSeconds(queue.settings),
      heartbeatRefreshSeconds: HEARTBEAT_REFRESH_SECONDS,
    };
    if (queue.settings.longRunning) {
      // `concurrency` workers, each taking one job at a time and asking again as soon as it has run one. pg-boss waits
      // out a worker's poll after every fetch unless something wakes it, and a NOTIFY comes only for a job just sent:
      // without the wake, a queue with a backlog was worked one job per worker per backstop poll (30 s for previews).
      const ids: string[] = [];
      for (let i = 0; i < concurrency; i += 1) {
        let id = '';
        id = await boss.work<object>(queue.name, polling, async (jobs) => {
          try {
            for (const job of jobs) await run(job);
          } finally {
            // A failed run too: the next job of a backlog is not held back by one that failed.
            boss.notifyWorker(id);
          }
        });
        ids.push(id);
      }
      this.workers.set(queue.name, ids);
    } else {
      // One fetch for up to `concurrency` jobs, each settled on its own: a failure retries only its job.
      const batch = { ...polling, batchSize: concurrency, burstWhenBatchFull: concurrency > 1, perJobResults: true } as const;
      const id = await boss.work<object, JobResult[], typeof batch>(queue.name, batch, (jobs) =>
        Promise.all(
          jobs.map(async (job): Promise<JobResult> => {
            try {
              await run(job);
              return { id: job.id, status: 'completed' };
            } catch (error) {
              return { id: job.id, status: 'failed', output: error };
            }
          }),
        ),
      );
      this.workers.set(queue.name, [id]);
    }
    const deadLetterOptions = { localConcurrency: 1, pollingIntervalSeconds: DEAD_LETTER_POLL_SECONDS, includeMetadata: true } as const;
    await boss.work<object, unknown, typeof deadLetterOptions>(deadLetterQueueName(queue.name), deadLetterOptions, async (jobs) => {
      for (const job of jobs) {
        const failure = { payload: job.data, attempts: (job.sourceRetryCount ?? 0) + 1, error: errorText(job.sourceOutput) };
        this.logger.error(`job ${queue.name}#${job.sourceId ?? job.id} gave up after ${failure.attempts} attempts: ${failure.error}`);
        await handler.onFailed(failure);
      }
    });
  }

  private async applySchedule(boss: PgBoss, { queue, recurrence }: DeclaredQueue): Promise<void> {
    if (recurrence === undefined) return;
    if (recurrence === null) await boss.unschedule(queue.name);
    else await boss.schedule(queue.name, recurrence, {}, { tz: 'UTC' });
  }

  /** Sends the jobs the migration from our old `jobs` table staged (see CarriedOverJobRepository), each once. */
  private async carryOver(): Promise<void> {
    const names = this.registry.all().map((declared) => declared.queue.name);
    let moved = 0;
    for (;;) {
      const taken = await this.dataSource.transaction(async (manager) => {
        const jobs = await this.carriedOver.take(manager, names, CARRY_OVER_BATCH);
        for (const job of jobs) {
          const declared = this.registry.get(job.queue);
          if (!declared) throw new JobSetupError(`Job queue "${job.queue}" vanished while its jobs were carried over`);
          const { queue } = declared;
          const key = queue.settings.dedupe ? (job.dedupeKey ?? `carried-over:${job.id}`) : undefined;
          await this.sendTo(queue, job.payload, { key, attempts: job.attemptsLeft, delaySeconds: job.delaySeconds }, transactionDatabase(manager));
        }
        return jobs.length;
      });
      moved += taken;
      if (taken < CARRY_OVER_BATCH) break;
    }
    if (moved > 0) this.logger.log(`sent ${moved} jobs carried over from the old jobs table to pg-boss`);
    for (const { queue, count } of await this.carriedOver.countOutside(names)) {
      this.logger.warn(`${count} jobs carried over from the old jobs table wait for queue "${queue}", which no module declares`);
    }
  }
}
