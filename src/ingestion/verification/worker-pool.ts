import { Worker } from 'node:worker_threads';

/** What a pool's worker answers for one task; `recycle` asks the pool to replace the worker after this task. */
export type WorkerReply<Result> = { id: number; recycle: boolean } & ({ ok: true; result: Result } | { ok: false; error: string });

/** What the pool posts to a worker. */
export interface WorkerRequest<Task> {
  id: number;
  task: Task;
}

/**
 * Posted to a busy worker that is being retired (the pool closing, or recycling it): the worker abandons its work in
 * flight (kills its child processes, removes its temporary folders: see ingestion/scratch.ts) and answers
 * POOL_STOPPED. The pool terminates it once answered, or after STOP_WAIT_MS.
 */
export const POOL_STOP = { stop: true } as const;
export const POOL_STOPPED = { stopped: true } as const;
/** Whether a worker's message is its POOL_STOPPED answer (else a task's reply). */
export const isPoolStopped = (message: unknown): message is typeof POOL_STOPPED =>
  typeof message === 'object' && message !== null && 'stopped' in message;
/** How long a retired busy worker has to answer POOL_STOP before it is terminated all the same. */
const STOP_WAIT_MS = 2_000;

/** What a worker script finds in `workerData`: the pool's data for it under `data`. */
export interface PoolWorkerData<Data> {
  data: Data;
}

export interface WorkerPoolOptions<Data> {
  /** Most threads at once; tasks beyond wait in order. */
  size: number;
  /** The worker module: a compiled .js file, or a .ts file when the service runs from its sources (tests). */
  script: URL;
  data: Data;
}

interface Pending<Task, Result> {
  id: number;
  task: Task;
  resolve: (result: Result) => void;
  reject: (error: Error) => void;
}

interface Slot<Task, Result> {
  worker: Worker;
  current: Pending<Task, Result> | null;
}

/**
 * Loads TypeScript worker modules when the service runs from its sources (Jest): worker threads do not go through
 * Jest's transform, so this script registers a loader built on swc (scripts/ts-source-hooks.mjs) and imports the module.
 */
const SOURCE_LOADER = new URL('../../../scripts/ts-source-worker.mjs', import.meta.url);

/**
 * The worker module at `path` (relative, without its extension) from the calling module `caller` (its
 * import.meta.url): the .ts source when the caller runs from its sources (Jest), which the pool then starts through the
 * source loader, else the compiled .js.
 */
export function workerModule(path: string, caller: string): URL {
  return new URL(`${path}${caller.endsWith('.ts') ? '.ts' : '.js'}`, caller);
}

/**
 * A few long-lived worker threads for CPU-heavy tasks (hashing and probing captures), so the API's event loop never
 * waits for them. Threads start on first use, one task each at a time; a worker that asks to be recycled (its memory
 * grew) is replaced, and a worker that dies fails its task, which the caller may retry.
 */
export class WorkerPool<Task, Result, Data> {
  private readonly slots = new Set<Slot<Task, Result>>();
  private readonly queue: Pending<Task, Result>[] = [];
  private nextId = 1;
  private closed = false;

  constructor(private readonly options: WorkerPoolOptions<Data>) {
    if (!Number.isInteger(options.size) || options.size < 1) throw new RangeError(`A worker pool needs at least one thread, got ${options.size}`);
  }

  /** Threads running now (busy or idle). */
  get threads(): number {
    return this.slots.size;
  }

  run(task: Task): Promise<Result> {
    if (this.closed) return Promise.reject(new Error('The worker pool is closed'));
    return new Promise<Result>((resolve, reject) => {
      this.queue.push({ id: this.nextId++, task, resolve, reject });
      this.dispatch();
    });
  }

  /** Stops every thread; queued and running tasks fail. */
  async close(): Promise<void> {
    this.closed = true;
    for (const pending of this.queue.splice(0)) pending.reject(new Error('The worker pool was closed'));
    await Promise.all([...this.slots].map((slot) => this.retire(slot, new Error('The worker pool was closed'), true)));
  }

  private dispatch(): void {
    while (this.queue.length > 0) {
      let slot = [...this.slots].find((candidate) => candidate.current === null);
      if (!slot) {
        if (this.slots.size >= this.options.size) return;
        slot = this.spawn();
      }
      const pending = this.queue.shift() as Pending<Task, Result>;
      slot.current = pending;
      const request: WorkerRequest<Task> = { id: pending.id, task: pending.task };
      slot.worker.postMessage(request);
    }
  }

  private spawn(): Slot<Task, Result> {
    const { script, data } = this.options;
    const workerData: PoolWorkerData<Data> = { data };
    // From TypeScript sources, the loader script starts the worker module named by its argument.
    const worker = script.pathname.endsWith('.ts')
      ? new Worker(SOURCE_LOADER, { workerData, argv: [script.href] })
      : new Worker(script, { workerData });
    // An idle pool must not keep the process alive; the owner closes it on shutdown.
    worker.unref();
    const slot: Slot<Task, Result> = { worker, current: null };
    this.slots.add(slot);
    worker.on('message', (reply: WorkerReply<Result> | typeof POOL_STOPPED) => {
      if (!isPoolStopped(reply)) this.settle(slot, reply);
    });
    worker.on('error', (error: Error) => {
      void this.retire(slot, error, false);
    });
    worker.on('exit', (code) => {
      void this.retire(slot, new Error(`The worker thread stopped (exit code ${code})`), false);
    });
    return slot;
  }

  private settle(slot: Slot<Task, Result>, reply: WorkerReply<Result>): void {
    const pending = slot.current;
    if (pending?.id !== reply.id) return;
    slot.current = null;
    if (reply.ok) pending.resolve(reply.result);
    else pending.reject(new Error(reply.error));
    if (reply.recycle) void this.retire(slot, null, true);
    this.dispatch();
  }

  /**
   * Removes a worker (terminating it if it still runs); its task, if any, fails with `error`. A worker still running
   * (`alive`) in the middle of a task is first asked to abandon its work in flight (POOL_STOP).
   */
  private async retire(slot: Slot<Task, Result>, error: Error | null, alive: boolean): Promise<void> {
    if (!this.slots.delete(slot)) return;
    const pending = slot.current;
    slot.current = null;
    if (pending) pending.reject(error ?? new Error('The worker thread was retired during a task'));
    if (pending && alive) await askToStop(slot.worker);
    await slot.worker.terminate();
    if (!this.closed) this.dispatch();
  }
}

/** Posts POOL_STOP to `worker`; resolves when it answers POOL_STOPPED, exits, or STOP_WAIT_MS have passed. */
function askToStop(worker: Worker): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      worker.off('message', onMessage);
      worker.off('exit', done);
      resolve();
    };
    const onMessage = (message: unknown) => {
      if (isPoolStopped(message)) done();
    };
    const timer = setTimeout(done, STOP_WAIT_MS);
    worker.on('message', onMessage);
    worker.once('exit', done);
    worker.postMessage(POOL_STOP);
  });
}
