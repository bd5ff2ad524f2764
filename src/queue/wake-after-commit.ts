import type { DataSource, EntityManager, EntitySubscriberInterface, QueryRunner, TransactionCommitEvent, TransactionRollbackEvent } from 'typeorm';

/**
 * Wakes this instance's workers of a queue as soon as a job sent to it can be run, instead of at their next poll:
 * right away for a job sent outside a transaction, and after the outermost commit for one sent inside a transaction
 * (before that no worker could fetch it); a job sent to start later, when it is due (a timer from then). A
 * rolled-back transaction wakes nobody. Workers of other instances hear of a new job by pg-boss's NOTIFY where the
 * database has it, else at their next poll; a job due later reaches them at their next poll.
 */
export class WakeAfterCommit implements EntitySubscriberInterface {
  /** Per open transaction, each queue sent to and the shortest delay of its jobs (ms). */
  private readonly pending = new WeakMap<QueryRunner, Map<string, number>>();
  private readonly timers = new Set<NodeJS.Timeout>();

  constructor(
    dataSource: DataSource,
    private readonly wake: (queue: string) => void,
  ) {
    dataSource.subscribers.push(this);
  }

  /** A job of `queue`, due `delayMs` from now, was sent through `manager` (or outside any transaction when it has none). */
  sent(queue: string, manager?: EntityManager, delayMs = 0): void {
    const runner = manager?.queryRunner;
    if (!runner?.isTransactionActive) {
      this.wakeIn(queue, delayMs);
      return;
    }
    const queues = this.pending.get(runner) ?? new Map<string, number>();
    queues.set(queue, Math.min(delayMs, queues.get(queue) ?? delayMs));
    this.pending.set(runner, queues);
  }

  afterTransactionCommit(event: TransactionCommitEvent): void {
    // A released savepoint leaves the transaction open: its jobs wait for the outermost commit.
    if (event.queryRunner.isTransactionActive) return;
    const queues = this.pending.get(event.queryRunner);
    this.pending.delete(event.queryRunner);
    queues?.forEach((delayMs, queue) => {
      this.wakeIn(queue, delayMs);
    });
  }

  afterTransactionRollback(event: TransactionRollbackEvent): void {
    if (!event.queryRunner.isTransactionActive) this.pending.delete(event.queryRunner);
  }

  /** Forgets the wake-ups still to come (the instance is stopping). */
  close(): void {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
  }

  private wakeIn(queue: string, delayMs: number): void {
    if (delayMs <= 0) {
      this.wake(queue);
      return;
    }
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      this.wake(queue);
    }, delayMs);
    timer.unref();
    this.timers.add(timer);
  }
}
