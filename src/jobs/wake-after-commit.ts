import type { DataSource, EntityManager, EntitySubscriberInterface, QueryRunner, TransactionCommitEvent, TransactionRollbackEvent } from 'typeorm';

/**
 * Wakes this instance's workers of a queue as soon as a job sent to it can be seen, instead of at their next poll:
 * right away for a job sent outside a transaction, and after the outermost commit for one sent inside a transaction
 * (before that no worker could fetch it). A rolled-back transaction wakes nobody. Workers of other instances find the
 * job at their next poll, as before; this only takes the poll interval out of a job's latency where it was sent.
 */
export class WakeAfterCommit implements EntitySubscriberInterface {
  private readonly pending = new WeakMap<QueryRunner, Set<string>>();

  constructor(
    dataSource: DataSource,
    private readonly wake: (queue: string) => void,
  ) {
    dataSource.subscribers.push(this);
  }

  /** The job of `queue` was sent through `manager` (or outside any transaction when it has none). */
  sent(queue: string, manager?: EntityManager): void {
    const runner = manager?.queryRunner;
    if (!runner?.isTransactionActive) {
      this.wake(queue);
      return;
    }
    const queues = this.pending.get(runner) ?? new Set<string>();
    queues.add(queue);
    this.pending.set(runner, queues);
  }

  afterTransactionCommit(event: TransactionCommitEvent): void {
    // A released savepoint leaves the transaction open: its jobs wait for the outermost commit.
    if (event.queryRunner.isTransactionActive) return;
    const queues = this.pending.get(event.queryRunner);
    this.pending.delete(event.queryRunner);
    queues?.forEach(this.wake);
  }

  afterTransactionRollback(event: TransactionRollbackEvent): void {
    if (!event.queryRunner.isTransactionActive) this.pending.delete(event.queryRunner);
  }
}
