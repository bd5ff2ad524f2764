import type { EchoResult, EchoTask } from '../../../test/support/echo.worker.js';
import { WorkerPool } from './worker-pool.js';

const script = new URL('../../../test/support/echo.worker.ts', import.meta.url);

describe('WorkerPool', () => {
  let pool: WorkerPool<EchoTask, EchoResult, { prefix: string }>;

  beforeEach(() => {
    pool = new WorkerPool({ size: 2, script, data: { prefix: '>' } });
  });
  afterEach(() => pool.close());

  it('runs tasks on at most `size` threads, each with the data it was given, and answers each its own result', async () => {
    const results = await Promise.all(['a', 'b', 'c', 'd', 'e'].map((value) => pool.run({ kind: 'echo', value, delayMs: 20 })));
    expect(results.map((r) => r.value)).toEqual(['>a', '>b', '>c', '>d', '>e']);
    expect(new Set(results.map((r) => r.threadId)).size).toBeLessThanOrEqual(2);
    expect(pool.threads).toBeLessThanOrEqual(2);
  });

  it('rejects a task the worker failed, and keeps the worker', async () => {
    const before = await pool.run({ kind: 'echo', value: 'x' });
    await expect(pool.run({ kind: 'fail' })).rejects.toThrow('asked to fail');
    const after = await pool.run({ kind: 'echo', value: 'y' });
    expect(after.threadId).toBe(before.threadId);
  });

  it('fails the task of a worker that dies, and carries on with a new thread', async () => {
    const before = await pool.run({ kind: 'echo', value: 'x' });
    await expect(pool.run({ kind: 'die' })).rejects.toThrow(/exit code 3/);
    const after = await pool.run({ kind: 'echo', value: 'y' });
    expect(after.value).toBe('>y');
    expect(after.threadId).not.toBe(before.threadId);
  });

  it('replaces a worker that asks to be recycled after its task', async () => {
    const recycled = await pool.run({ kind: 'recycle' });
    const next = await pool.run({ kind: 'echo', value: 'z' });
    expect(next.threadId).not.toBe(recycled.threadId);
    expect(pool.threads).toBe(1);
  });

  it('fails queued and later tasks once closed', async () => {
    const queued = Promise.allSettled([1, 2, 3].map((n) => pool.run({ kind: 'echo', value: String(n), delayMs: 200 })));
    await pool.close();
    expect((await queued).map((outcome) => (outcome.status === 'rejected' ? String(outcome.reason) : 'fulfilled'))).toEqual([
      'Error: The worker pool was closed',
      'Error: The worker pool was closed',
      'Error: The worker pool was closed',
    ]);
    await expect(pool.run({ kind: 'echo', value: 'late' })).rejects.toThrow('The worker pool is closed');
    expect(pool.threads).toBe(0);
  });
});
