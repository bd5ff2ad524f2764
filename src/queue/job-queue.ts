/**
 * A queue as a module declares it in its `<module>.jobs.ts`: the name, the payload type and how its jobs are run.
 * pg-boss keeps the jobs (schema `pgboss`); JobsService creates the queue, its dead-letter queue and its workers.
 */
export interface QueueSettings {
  /**
   * `true`: every job carries a key (`SendOptions.key`) and a send whose key is already queued or retrying is dropped,
   * as is one whose key is running unless `whileRunning` says otherwise (pg-boss's `exclusive` policy). `false`: jobs
   * carry no key and never collide (pg-boss's `standard` policy).
   */
  readonly dedupe: boolean;
  /**
   * With `dedupe`, what a send does while the job with its key is running. `'drop'` (the default): it is dropped, for
   * work the running job does anyway. `'queue'` (pg-boss's `stately` policy): it waits, one at most, and runs once the
   * running job has ended, for work that must see what changed after the running job began (a preview made again
   * because a file it draws on arrived meanwhile). Meant for `longRunning` queues, whose worker asks again as soon as
   * the running job ends; another queue's worker would find the waiting job at its next poll.
   */
  readonly whileRunning?: 'drop' | 'queue';
  /** Runs in all, the first one included; after the last failed one the job goes to the dead-letter queue. */
  readonly attempts: number;
  /** Seconds before the first retry; each further retry waits twice as long (with up to 100% jitter). */
  readonly retryDelaySeconds: number;
  /** The longest wait between two retries. */
  readonly maxRetryDelaySeconds: number;
  /** The longest one run may take, however alive its worker is (at most 24 hours). */
  readonly expireInSeconds: number;
  /** At most this many jobs of the queue at once on an instance (WORKER_CONCURRENCY when lower). */
  readonly concurrency?: number;
  /**
   * Its jobs take long (minutes): each of the instance's workers for the queue takes one job at a time, so a long
   * job never holds another back. Otherwise one worker takes up to `concurrency` jobs at once, runs them side by
   * side, and asks again at once while the queue keeps it full.
   */
  readonly longRunning?: boolean;
}

/** A declared queue; `P` is the payload type its jobs carry (JSON). */
export interface JobQueue<P extends object> {
  readonly name: string;
  readonly settings: QueueSettings;
  /** Carries `P` for the type checker only; never set. */
  readonly payloadType?: P;
}

/**
 * The settings of a scheduled sweep (a job without payload that pages through rows due for some work): no dedupe key,
 * 3 attempts from 30 s apart up to 5 minutes, 15 minutes a run, one run at a time on an instance.
 */
export const SCHEDULED_SWEEP: QueueSettings = {
  dedupe: false,
  attempts: 3,
  retryDelaySeconds: 30,
  maxRetryDelaySeconds: 300,
  expireInSeconds: 15 * 60,
  concurrency: 1,
};

/** Declares a queue; a module passes its queues to JobsModule.forFeature. */
export function defineQueue<P extends object>(name: string, settings: QueueSettings): JobQueue<P> {
  return { name, settings };
}

/** The queue where the jobs of `queue` go once they are out of attempts; the handler's `onFailed` runs there. */
export function deadLetterQueueName(queue: string): string {
  return `${queue}.dead-letter`;
}

export interface Job<P extends object> {
  readonly id: string;
  readonly payload: P;
  /** 1 for the first run, 2 for the first retry, ... */
  readonly attempt: number;
}

export interface JobFailure<P extends object> {
  readonly payload: P;
  /** Runs made before it was given up. */
  readonly attempts: number;
  /** The error of the last run ("job heartbeat timeout" when its worker died). */
  readonly error: string;
}

export interface JobHandler<P extends object> {
  /** Does the work; throwing retries the job later. Must be idempotent: a job may run again after its worker died. */
  run(job: Job<P>): Promise<void>;
  /** Runs once the job is out of attempts (from its dead-letter queue): cleanup. Must be idempotent too. */
  onFailed(failure: JobFailure<P>): Promise<void>;
}

export interface SendOptions {
  /** The dedupe key: required on a `dedupe` queue, refused on the others. */
  readonly key?: string;
  /** Runs no earlier than this many seconds from now. */
  readonly delaySeconds?: number;
  /** No retry of this job comes sooner: raises the queue's first retry delay and its cap to at least this. */
  readonly minRetryDelaySeconds?: number;
  /** Overrides the queue's attempts for this job. */
  readonly attempts?: number;
}
