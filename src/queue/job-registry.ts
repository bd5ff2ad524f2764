import type { JobHandler, JobQueue } from './job-queue.js';

/** The job set-up is inconsistent (a queue without a handler, two handlers, ...): the app must not start. */
export class JobSetupError extends Error {
  override readonly name = 'JobSetupError';
}

export interface DeclaredQueue {
  readonly queue: JobQueue<object>;
  handler?: JobHandler<object>;
  /** Unset: this instance leaves the queue's schedule as it is; null: no schedule. */
  recurrence?: string | null;
}

/**
 * Which queues the modules declared (JobsModule.forFeature), which handler works each, and their schedules. Every
 * mistake names the queue: declaring it twice, a second handler, a handler or schedule for an undeclared queue, and
 * (checked at start-up by `assertComplete`) a declared queue nobody handles.
 */
export class JobRegistry {
  private readonly queues = new Map<string, DeclaredQueue>();

  declare(queues: readonly JobQueue<object>[]): void {
    for (const queue of queues) {
      if (this.queues.has(queue.name)) throw new JobSetupError(`Job queue "${queue.name}" is declared twice`);
      this.queues.set(queue.name, { queue });
    }
  }

  handle<P extends object>(queue: JobQueue<P>, handler: JobHandler<P>): void {
    const declared = this.declared(queue.name, 'has a handler');
    if (declared.handler) throw new JobSetupError(`Job queue "${queue.name}" has two handlers`);
    declared.handler = handler;
  }

  schedule(queue: JobQueue<object>, recurrence: string | null): void {
    this.declared(queue.name, 'is scheduled').recurrence = recurrence;
  }

  /** Throws, naming them, when declared queues have no handler. */
  assertComplete(): void {
    const unhandled = [...this.queues.values()].filter((declared) => !declared.handler).map((declared) => `"${declared.queue.name}"`);
    if (unhandled.length > 0) throw new JobSetupError(`Job queue ${unhandled.join(', ')} is declared but has no handler`);
  }

  get(name: string): DeclaredQueue | undefined {
    return this.queues.get(name);
  }

  all(): DeclaredQueue[] {
    return [...this.queues.values()];
  }

  private declared(name: string, what: string): DeclaredQueue {
    const declared = this.queues.get(name);
    if (!declared) throw new JobSetupError(`Job queue "${name}" ${what} but is not declared (JobsModule.forFeature)`);
    return declared;
  }
}
