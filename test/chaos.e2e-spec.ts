import { execFile, spawn } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { repoRoot } from '../scripts/demo/samples.js';

const root = repoRoot();
const run = promisify(execFile);

/**
 * The short chaos run (npm run chaos with CHAOS_SECONDS=45) in the suite: it builds the service, the ledger server
 * and the harness, runs two instances with kill -9 every few seconds, and must end with every invariant holding.
 * Generous deadlines: a busy 2-core machine builds and boots slowly; the run itself is bounded by its settings.
 */
describe('chaos: two instances, kill -9, the shared ledger (e2e, short run)', () => {
  it('loses nothing, counts nothing twice and leaves nothing stuck', async () => {
    await run(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', 'scripts/chaos/tsconfig.json'], { cwd: root });
    await run(process.execPath, ['scripts/copy-web-assets.mjs'], { cwd: root });
    const output: string[] = [];
    const code = await new Promise<number | null>((resolve) => {
      const child = spawn(process.execPath, ['dist/scripts/chaos/main.js'], {
        cwd: root,
        env: {
          ...process.env,
          CHAOS_SECONDS: process.env.CHAOS_SECONDS ?? '45',
          CHAOS_QUIET_SECONDS: process.env.CHAOS_QUIET_SECONDS ?? '15',
          CHAOS_SETTLE_SECONDS: process.env.CHAOS_SETTLE_SECONDS ?? '240',
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      child.stdout.on('data', (chunk: Buffer) => output.push(chunk.toString()));
      child.stderr.on('data', (chunk: Buffer) => output.push(chunk.toString()));
      child.on('exit', resolve);
    });
    const text = output.join('');
    process.stdout.write(`${text}\n`);
    expect(text).toContain('CHAOS RUN PASSED');
    expect(code).toBe(0);
    expect(Number(/kills\s+(\d+)/.exec(text)?.[1] ?? 0)).toBeGreaterThan(0);
  }, 1_500_000);
});
