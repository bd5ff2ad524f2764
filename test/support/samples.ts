import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/**
 * ../shared/samples beside the checkout: real files made by others, present on these machines and in CI. A git
 * worktree sits deeper than the main checkout (e.g. wt/<name>), so the nearest `shared/samples` above the checkout
 * counts, the one beside it first.
 */
function findSamples(): string {
  for (let dir = dirname(REPO_ROOT); ; dir = dirname(dir)) {
    const candidate = join(dir, 'shared', 'samples');
    if (existsSync(candidate) || dirname(dir) === dir) return existsSync(candidate) ? candidate : join(dirname(REPO_ROOT), 'shared', 'samples');
  }
}

export const SAMPLES_DIR = findSamples();

export const samplePath = (name: string) => join(SAMPLES_DIR, name);

/**
 * Runs `fn` as a describe block on a file from ../shared/samples when it is there, saying so in the title.
 * On a clone without it, one test reports the skip by name instead, and the rest of the suite still covers the format.
 */
export function describeSample(name: string, fn: (path: string) => void): void {
  const path = samplePath(name);
  if (existsSync(path)) {
    describe(`real sample ../shared/samples/${name}`, () => {
      fn(path);
    });
  } else {
    it(`real sample ../shared/samples/${name}: not present on this machine, not run`, () => {
      process.stdout.write(`skipped: ../shared/samples/${name} is not present\n`);
    });
  }
}

/**
 * A describe block that needs several files from ../shared/samples: run when all are there; on a clone without them,
 * one test names the missing files instead (as describeSample does for one file).
 */
export function describeWithSamples(title: string, names: readonly string[], fn: () => void): void {
  const missing = names.filter((name) => !existsSync(samplePath(name)));
  if (missing.length === 0) {
    describe(title, fn);
  } else {
    it(`${title}: ../shared/samples lacks ${missing.join(', ')} on this machine, not run`, () => {
      process.stdout.write(`skipped: ${title} (../shared/samples lacks ${missing.join(', ')})\n`);
    });
  }
}
