import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
const REGISTER = fileURLToPath(new URL('../../../scripts/ts-source-register.mjs', import.meta.url));
const CHILD = fileURLToPath(new URL('../../../test/support/verifier-memory.child.ts', import.meta.url));

interface Figures {
  started: number;
  after: number;
  ok: boolean;
  format: string | null;
}

/** Runs the child process (its own RSS, untouched by Jest's) with the given recycling threshold. */
async function measure(recycleAboveBytes: number): Promise<Figures> {
  const { stdout } = await run(process.execPath, ['--import', REGISTER, CHILD, String(recycleAboveBytes)], { maxBuffer: 1 << 20 });
  return JSON.parse(stdout.trim().split('\n').pop() ?? '{}') as Figures;
}

/**
 * WebAssembly memories grow to hold the largest block decompressed and never shrink: a verification thread that
 * decompressed a 60 MiB chunk keeps that much. The pool replaces such a thread, so the process's memory comes back.
 * Measured in a child process, by its RSS; not a timing test.
 */
describe('verification threads and decompression memory (child process)', () => {
  it('gives the memory of a 60 MiB zstd chunk back by replacing the thread that decompressed it', async () => {
    const recycled = await measure(16 * 1024 * 1024);
    expect(recycled).toMatchObject({ ok: true, format: 'mcap' });
    expect(recycled.after - recycled.started).toBeLessThan(40);
  });

  it('keeps it when the thread is not replaced (what the recycling prevents)', async () => {
    const kept = await measure(Number.MAX_SAFE_INTEGER);
    expect(kept).toMatchObject({ ok: true, format: 'mcap' });
    expect(kept.after - kept.started).toBeGreaterThan(60);
  });
});
