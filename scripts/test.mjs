// `npm test`: the type check (`npm run typecheck`: the service, the tests and benches, and the page scripts) and Jest, at
// once. Jest does not type-check (swc only strips the types), so the run fails when either fails; the type check runs at a
// lower priority (nice 10), so that the tests, which start Chromium and processes with timeouts, go first; its output is
// printed after Jest's. Arguments go to Jest: `npm test -- test/groups/checkout.group.ts` runs a group,
// `npm test -- test/auth.e2e-spec.ts` a spec on its own.
import { spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { setPriority } from 'node:os';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..');
/** @param {string} name */
const bin = (name) => join(root, 'node_modules', '.bin', name);
// V8's code cache for every Node process of the run (Jest's workers and the processes the tests start: service
// instances, workers, tsc): the second and later start-ups skip compiling the same JavaScript again.
const compileCache = join(root, 'node_modules', '.cache', 'node-compile-cache');
mkdirSync(compileCache, { recursive: true });
const env = { ...process.env, NODE_COMPILE_CACHE: process.env.NODE_COMPILE_CACHE ?? compileCache };

/**
 * Runs a command; answers its exit code and, when `quiet`, its output.
 * @param {string} command
 * @param {string[]} args
 * @param {{ env?: NodeJS.ProcessEnv, quiet?: boolean, nice?: number }} options
 * @returns {Promise<{ code: number, output: string }>}
 */
function run(command, args, options) {
  const child = spawn(command, args, { cwd: root, env: options.env ?? env, stdio: options.quiet ? ['ignore', 'pipe', 'pipe'] : 'inherit' });
  if (options.nice !== undefined && child.pid !== undefined) {
    try {
      setPriority(child.pid, options.nice);
    } catch {
      // Not allowed here (some containers): it runs at the same priority.
    }
  }
  /** @type {string[]} */
  const output = [];
  child.stdout?.on('data', (chunk) => output.push(String(chunk)));
  child.stderr?.on('data', (chunk) => output.push(String(chunk)));
  return new Promise((resolve) => {
    child.once('error', (error) => {
      resolve({ code: 1, output: `${command}: ${error.message}\n` });
    });
    child.once('close', (code, signal) => {
      resolve({ code: code ?? (signal ? 128 : 1), output: output.join('') });
    });
  });
}

/** `npm run typecheck`, at a lower priority (its tsc runs inherit it), quiet unless it fails. */
async function typecheck() {
  const result = await run('npm', ['run', '--silent', 'typecheck'], { quiet: true, nice: 10 });
  return result.code === 0 ? result : { code: result.code, output: `npm run typecheck: type errors\n${result.output}` };
}

const args = process.argv.slice(2);
const jestEnv = {
  ...env,
  // The groups of test/groups, unless the arguments name specs to run one by one.
  JEST_GROUPS: process.env.JEST_GROUPS ?? (args.some((arg) => arg.endsWith('spec.ts')) ? '0' : '1'),
  NODE_OPTIONS: [process.env.NODE_OPTIONS, '--experimental-vm-modules'].filter(Boolean).join(' '),
};
const [types, jest] = await Promise.all([typecheck(), run(bin('jest'), args, { env: jestEnv })]);
if (types.code !== 0) process.stdout.write(`\n${types.output}`);
else process.stdout.write('\ntype check (tsc): no errors\n');
process.exitCode = types.code !== 0 ? types.code : jest.code;
