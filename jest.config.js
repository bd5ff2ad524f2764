/**
 * One run covers the unit specs beside the code (src/**\/*.spec.ts) and the end-to-end specs (test/**\/*.e2e-spec.ts).
 * NestJS 12 ships ES modules only, so Jest runs in its ESM mode (NODE_OPTIONS=--experimental-vm-modules, set by
 * the npm test script), which PGlite needs as well.
 *
 * `npm test` sets JEST_GROUPS=1: the specs then run in the groups of test/groups, not one by one. Jest gives every test
 * file a module registry of its own, and loading the application's modules (NestJS, TypeORM, the AWS SDK, Solana's
 * kit...) took about 3 CPU seconds per e2e file, a third of what one costs; a group loads them once for all its specs.
 * The unit specs run in three groups found by walking src (test/groups/unit-specs.ts); each e2e spec is listed in one
 * group, balanced by hand, and this file refuses to start a grouped run when one is in no group or in two.
 * `npx jest test/auth.e2e-spec.ts src/revenue` still runs specs one by one.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { swcOptions } from './scripts/swc-options.mjs';

// Browser tests (test/browser) drive Debian's Chromium; .ci/run installs it. Its headless shell
// (chromium-headless-shell: the same engine without the browser's own interface) is preferred: the full browser loads
// its toolbar and omnibox pages (WebUI: in a trace of one browser spec, 2,928 of its 3,025 requests) into every new context, which
// cost about 1 CPU second per context against 0.15 s in the shell. The chosen path reaches the workers through
// CHROMIUM_PATH. Where neither is installed the browser tests are left out, and the run says so.
const chromium = process.env.CHROMIUM_PATH ?? ['/usr/bin/chromium-headless-shell', '/usr/bin/chromium'].find((path) => existsSync(path));
const browserTests = chromium !== undefined && existsSync(chromium);
if (browserTests) process.env.CHROMIUM_PATH = chromium;
else
  console.log(
    `browser tests (test/browser) skipped: no Chromium at ${chromium ?? '/usr/bin/chromium-headless-shell or /usr/bin/chromium'} (install it: apt-get install -y chromium-headless-shell)`,
  );

const grouped = process.env.JEST_GROUPS === '1';
const root = import.meta.dirname;
const groupsDir = join(root, 'test', 'groups');

/** Each e2e spec (path relative to the repository) and the groups that import it. */
function groupMembership() {
  /** @type {Map<string, string[]>} */
  const specs = new Map();
  /** @param {string} dir */
  const walk = (dir) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory() && entry.name !== 'groups' && entry.name !== 'support' && entry.name !== 'fixtures') walk(path);
      else if (entry.name.endsWith('.e2e-spec.ts')) specs.set(relative(root, path), []);
    }
  };
  walk(join(root, 'test'));
  for (const name of readdirSync(groupsDir).filter((file) => file.endsWith('.group.ts'))) {
    for (const [, spec] of readFileSync(join(groupsDir, name), 'utf8').matchAll(/^import '(\.\.\/[^']+)\.js';$/gm)) {
      const path = relative(root, resolve(groupsDir, `${spec}.ts`));
      const groups = specs.get(path);
      if (!groups) throw new Error(`test/groups/${name} imports ${path}, which is not an e2e spec`);
      groups.push(name);
    }
  }
  const wrong = [...specs]
    .filter(([, groups]) => groups.length !== 1)
    .map(([spec, groups]) => `${spec}: ${groups.length === 0 ? 'in no group' : `in ${groups.join(', ')}`}`);
  if (wrong.length > 0) throw new Error(`every e2e spec belongs to exactly one group of test/groups:\n  ${wrong.join('\n  ')}`);
}
if (grouped) groupMembership();

export default {
  rootDir: '.',
  testEnvironment: 'node',
  testMatch: grouped ? ['<rootDir>/test/groups/*.group.ts'] : ['<rootDir>/src/**/*.spec.ts', '<rootDir>/test/**/*.e2e-spec.ts'],
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  // swc strips the types (scripts/swc-options.mjs); `npm test` type-checks beside Jest.
  transform: { '^.+\\.ts$': ['@swc/jest', swcOptions({ sourceMaps: 'inline' })] },
  testPathIgnorePatterns: browserTests ? ['/node_modules/'] : ['/node_modules/', '<rootDir>/test/browser/', '<rootDir>/test/groups/browser-'],
  testSequencer: '<rootDir>/test/support/group-sequencer.mjs',
  testTimeout: 60_000,
  // Two workers per CPU (at most 8): a group spends much of its time waiting (on Chromium, on processes it started, on
  // the database), and a second worker's tests run in those waits.
  maxWorkers: Math.min(8, 2 * availableParallelism()),
  // How long a worker may take to exit once the run is over before Jest kills it and says it "failed to exit
  // gracefully" (default 500 ms). Exiting writes V8's compile cache (NODE_COMPILE_CACHE, set by scripts/test.mjs) for a
  // worker's thousands of modules, four workers at once on a loaded 2-core machine: with 500 ms the line printed in
  // every whole run, with 10 s in two runs of five. The likely cause of those two, found since: a preview job still in
  // flight when its app shut down made a new worker pool after the old one was closed, whose thread nothing closed (a
  // spec doing that, run alone, had not exited five minutes after its summary). The services now build their pools up
  // front, and a closed pool starts nothing.
  workerGracefulExitTimeout: 10_000,
  // A fresh worker process for each file (each group, in a grouped run; 0 means always). A worker that has run a group
  // holds 0.6 to 1.3 GB (the group's module registry and what its apps left behind), which its later garbage
  // collections walk and every child process it starts (ffmpeg for a preview, Chromium, a service instance) copies the
  // page tables of: a spawn from a 1.5 GB process cost 42 ms of CPU here, from a fresh one 2 ms. With the workers
  // recycled (above 600 MB of heap, in that trial), the run took 267 s and 520 busy CPU s on 2 cores, against 292 to
  // 307 s and 569 to 598 with the workers kept; a new worker costs well under a CPU second. Jest stops a worker it
  // recycles with SIGTERM, so only the run's last workers write the compile cache above; a worker started without it
  // cost about 0.3 CPU s more here.
  workerIdleMemoryLimit: 0,
  reporters: ['default', '<rootDir>/test/support/summary-reporter.cjs'],
};
