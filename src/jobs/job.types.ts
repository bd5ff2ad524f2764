/** Queue names and their payloads; a job's payload is JSON. */
export interface JobPayloads {
  'capture.process': { captureId: string };
  /** Runs when an upload's time is up: an upload never completed is aborted and its parts freed. */
  'capture.expire-upload': { captureId: string };
}
export type JobQueue = keyof JobPayloads;

export interface ClaimedJob<Q extends JobQueue = JobQueue> {
  id: string;
  queue: Q;
  payload: JobPayloads[Q];
  attempts: number;
  maxAttempts: number;
}

export interface JobHandler<Q extends JobQueue = JobQueue> {
  /** Does the work; throwing retries the job later, up to its max attempts. Must be idempotent. */
  run(job: ClaimedJob<Q>): Promise<void>;
  /** Cleanup once the job has failed for good (e.g. mark the capture rejected). */
  onFailed(job: ClaimedJob<Q>, error: string): Promise<void>;
}

export interface EnqueueOptions {
  /** A second enqueue with the same key is a no-op while the first row exists. */
  dedupeKey?: string;
  maxAttempts?: number;
  delaySeconds?: number;
}
