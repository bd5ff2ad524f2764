import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

interface ChaosReport {
  passed: boolean;
  counts: Record<string, number | string>;
  violations: string[];
}

/** Runs `npm run chaos` from source (no build, dist/ untouched) with these settings; answers its exit code, output and report. */
async function runChaos(settings: Record<string, string>): Promise<{ code: number | null; output: string; report: ChaosReport | null }> {
  const dir = mkdtempSync(join(tmpdir(), 'chaos-spec-'));
  const reportFile = join(dir, 'report.json');
  try {
    const child = spawn(process.execPath, ['--import', './scripts/ts-source-register.mjs', 'scripts/chaos/main.ts'], {
      // Jest's --experimental-vm-modules is not for the run's processes.
      env: { ...process.env, NODE_OPTIONS: '', ...settings, CHAOS_REPORT_FILE: reportFile },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const output: string[] = [];
    child.stdout.on('data', (chunk: Buffer) => output.push(chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => output.push(chunk.toString()));
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    let report: ChaosReport | null = null;
    try {
      report = JSON.parse(readFileSync(reportFile, 'utf8')) as ChaosReport;
    } catch {
      // No report: the run failed before its checks; the output says why.
    }
    return { code, output: output.join(''), report };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * The short chaos run (README: `npm run chaos`): two instances, the ledger server, s3rver and the Stripe stand-in
 * under load for 12 s with an instance killed (SIGKILL) every ~3 s; then the checks must hold, with real work counted.
 */
describe('a short chaos run: instances killed under load, nothing lost and nothing twice (e2e)', () => {
  it('passes every check, having uploaded, sold, refunded and killed', async () => {
    const { code, output, report } = await runChaos({
      CHAOS_SECONDS: '12',
      CHAOS_KILL_EVERY_SECONDS: '3',
      CHAOS_QUIET_SECONDS: '4',
      CHAOS_SETTLE_SECONDS: '120',
      // The repository's small fixtures only: the point is the kills, not the probes.
      CHAOS_SAMPLES_DIR: 'none',
    });
    if (code !== 0 || !report?.passed) throw new Error(`the chaos run failed (exit code ${String(code)}):\n${output}`);
    const count = (name: string) => Number(report.counts[name] ?? 0);
    expect(report.violations).toEqual([]);
    expect(count('kills')).toBeGreaterThan(0);
    expect(count('captures ready')).toBeGreaterThan(0);
    expect(count('orders paid (USDC)') + count('orders paid (card)')).toBeGreaterThan(0);
    expect(count('orders paid, per the database')).toBeGreaterThan(0);
    expect(count('charges')).toBeGreaterThan(0);
    expect(count('splits on-chain')).toBeGreaterThan(0);
    expect(report.counts['treasury USDC on-chain']).toBe(report.counts['treasury USDC per the database']);
  }, 420_000);
});
