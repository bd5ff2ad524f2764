import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { EchoData, EchoResult, EchoTask } from '../../../test/support/echo.worker.js';
import { WorkerPool } from './worker-pool.js';

const script = new URL('../../../test/support/echo.worker.ts', import.meta.url);

describe('WorkerPool', () => {
  let pool: WorkerPool<EchoTask, EchoResult, EchoData>;

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

  describe('stopping a worker in the middle of a task', () => {
    let dir: string;
    beforeEach(() => {
      dir = mkdtempSync(join(tmpdir(), 'pool-stop-'));
    });
    afterEach(() => {
      rmSync(dir, { recursive: true, force: true });
    });

    it('asks a busy worker to abandon its work (POOL_STOP) and waits for its answer before terminating it', async () => {
      const stopMarker = join(dir, 'stopped');
      const stopping = new WorkerPool<EchoTask, EchoResult, EchoData>({ size: 1, script, data: { prefix: '>', stopMarker } });
      const { threadId } = await stopping.run({ kind: 'echo', value: 'started' });
      const long = expect(stopping.run({ kind: 'echo', value: 'long', delayMs: 60_000 })).rejects.toThrow('The worker pool was closed');
      await stopping.close();
      await long;
      expect(readFileSync(stopMarker, 'utf8')).toBe(String(threadId));
      expect(stopping.threads).toBe(0);
    });

    it('does not ask an idle worker, and terminates a busy one that never answers', async () => {
      const stopMarker = join(dir, 'stopped');
      const idle = new WorkerPool<EchoTask, EchoResult, EchoData>({ size: 1, script, data: { prefix: '>', stopMarker } });
      await idle.run({ kind: 'echo', value: 'done' });
      await idle.close();
      expect(existsSync(stopMarker)).toBe(false);

      const deaf = new WorkerPool<EchoTask, EchoResult, EchoData>({ size: 1, script, data: { prefix: '>', ignoreStop: true } });
      await deaf.run({ kind: 'echo', value: 'started' });
      const long = expect(deaf.run({ kind: 'echo', value: 'long', delayMs: 60_000 })).rejects.toThrow('The worker pool was closed');
      await deaf.close();
      await long;
      expect(deaf.threads).toBe(0);
    });
  });
});
