import { jest } from '@jest/globals';
import type { DataSource, EntityManager, QueryRunner, TransactionCommitEvent, TransactionRollbackEvent } from 'typeorm';
import { WakeAfterCommit } from './wake-after-commit.js';

/** A query runner as TypeORM leaves it after BEGIN (depth 1), a SAVEPOINT (depth 2) and their ends. */
function runner(): { queryRunner: QueryRunner; manager: EntityManager; depth: (n: number) => void } {
  const queryRunner = { isTransactionActive: false } as QueryRunner;
  return {
    queryRunner,
    manager: { queryRunner } as EntityManager,
    depth: (n) => {
      Object.assign(queryRunner, { isTransactionActive: n > 0 });
    },
  };
}

describe('WakeAfterCommit', () => {
  const setup = () => {
    const dataSource = { subscribers: [] } as unknown as DataSource;
    const woken: string[] = [];
    const wake = new WakeAfterCommit(dataSource, (queue) => woken.push(queue));
    return { dataSource, woken, wake };
  };
  const commit = (queryRunner: QueryRunner) => ({ queryRunner }) as TransactionCommitEvent;
  const rollback = (queryRunner: QueryRunner) => ({ queryRunner }) as TransactionRollbackEvent;

  it('subscribes itself to the data source', () => {
    const { dataSource, wake } = setup();
    expect(dataSource.subscribers).toEqual([wake]);
  });

  it('wakes at once for a job sent outside a transaction', () => {
    const { woken, wake } = setup();
    wake.sent('a');
    const { manager } = runner();
    wake.sent('b', manager);
    expect(woken).toEqual(['a', 'b']);
  });

  it('wakes each queue once after the outermost commit, not at a released savepoint', () => {
    const { woken, wake } = setup();
    const { queryRunner, manager, depth } = runner();
    depth(1);
    wake.sent('a', manager);
    wake.sent('a', manager);
    depth(2);
    wake.sent('b', manager);
    depth(1);
    wake.afterTransactionCommit(commit(queryRunner));
    expect(woken).toEqual([]);
    depth(0);
    wake.afterTransactionCommit(commit(queryRunner));
    expect(woken).toEqual(['a', 'b']);
    wake.afterTransactionCommit(commit(queryRunner));
    expect(woken).toEqual(['a', 'b']);
  });

  it('wakes nobody for a rolled-back transaction, and forgets it', () => {
    const { woken, wake } = setup();
    const { queryRunner, manager, depth } = runner();
    depth(1);
    wake.sent('a', manager);
    depth(0);
    wake.afterTransactionRollback(rollback(queryRunner));
    wake.afterTransactionCommit(commit(queryRunner));
    expect(woken).toEqual([]);
  });

  it('keeps transactions apart', () => {
    const { woken, wake } = setup();
    const one = runner();
    const two = runner();
    one.depth(1);
    two.depth(1);
    wake.sent('a', one.manager);
    wake.sent('b', two.manager);
    two.depth(0);
    wake.afterTransactionCommit(commit(two.queryRunner));
    expect(woken).toEqual(['b']);
  });

  describe('a job due later', () => {
    beforeEach(() => {
      jest.useFakeTimers();
    });
    afterEach(() => {
      jest.useRealTimers();
    });

    it('wakes when it is due: from the send outside a transaction, from the commit inside one', () => {
      const { woken, wake } = setup();
      wake.sent('now', undefined, 0);
      wake.sent('later', undefined, 2000);
      const { queryRunner, manager, depth } = runner();
      depth(1);
      wake.sent('committed', manager, 5000);
      wake.sent('committed', manager, 3000);
      expect(woken).toEqual(['now']);
      jest.advanceTimersByTime(1999);
      expect(woken).toEqual(['now']);
      jest.advanceTimersByTime(1);
      expect(woken).toEqual(['now', 'later']);
      // The transaction commits 2 s after its sends: its shortest delay counts from then.
      depth(0);
      wake.afterTransactionCommit(commit(queryRunner));
      jest.advanceTimersByTime(2999);
      expect(woken).toEqual(['now', 'later']);
      jest.advanceTimersByTime(1);
      expect(woken).toEqual(['now', 'later', 'committed']);
      jest.advanceTimersByTime(10_000);
      expect(woken).toEqual(['now', 'later', 'committed']);
    });

    it('wakes nobody once closed, nor for a rolled-back transaction', () => {
      const { woken, wake } = setup();
      wake.sent('a', undefined, 1000);
      const { queryRunner, manager, depth } = runner();
      depth(1);
      wake.sent('b', manager, 1000);
      depth(0);
      wake.afterTransactionRollback(rollback(queryRunner));
      wake.close();
      jest.advanceTimersByTime(5000);
      expect(woken).toEqual([]);
    });
  });
});
