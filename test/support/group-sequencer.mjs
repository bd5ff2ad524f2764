// @ts-check
// The order a run starts its test files in: the groups of test/groups first, longest first (they are the longest files
// of a run; one started last would run on alone at the end while the other workers idle), then every other file largest
// first, as Jest orders files it has no timings for. Jest's own sequencer would take a group's few import lines for a
// small file.
import { readFileSync, statSync } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';

/**
 * How long each group took in a whole run (`npm test`: four at a time on 2 cores, a fresh worker for each, 2026-12-04,
 * Chromium's headless shell). The browser journeys and the real-process specs mostly wait (on Chromium, on a worker's
 * heartbeat running out, on the chaos run's fixed seconds), so they start first and the CPU-bound groups fill in around
 * them. A group missing here is ranked by the size of its specs.
 */
const SECONDS = {
  chain: 109,
  'browser-account': 105,
  'browser-pages': 98,
  'browser-contributor': 88,
  'browser-buyer': 84,
  processes: 72,
  market: 67,
  consent: 67,
  captures: 67,
  checkout: 57,
  delivery: 46,
  'unit-rest': 34,
  'unit-previews': 33,
  accounts: 31,
  platform: 29,
  'unit-formats': 25,
  database: 13,
};
/** Roughly how many bytes of spec a second of a group stands for, to rank a group that SECONDS does not list. */
const BYTES_PER_SECOND = 1_200;

/**
 * A group's expected seconds (SECONDS, or its specs' summed size in bytes / BYTES_PER_SECOND), or a file's own size
 * in bytes / BYTES_PER_SECOND.
 * @param {string} path
 */
function weight(path) {
  if (!path.endsWith('.group.ts')) return statSync(path).size / BYTES_PER_SECOND;
  const known = /** @type {Record<string, number | undefined>} */ (SECONDS)[basename(path, '.group.ts')];
  if (known !== undefined) return known;
  let bytes = 0;
  for (const [, spec] of readFileSync(path, 'utf8').matchAll(/^import '([^']+)\.js';$/gm))
    bytes += statSync(resolve(dirname(path), `${spec}.ts`)).size;
  return bytes / BYTES_PER_SECOND;
}

/** @typedef {{ path: string }} TestFile */

export default class GroupsFirst {
  /**
   * @template {TestFile} T
   * @param {T[]} tests
   */
  sort(tests) {
    const weights = new Map(tests.map((test) => [test.path, weight(test.path)]));
    /** @param {T} test */
    const rank = (test) => (test.path.endsWith('.group.ts') ? 1 : 0);
    return [...tests].sort((a, b) => rank(b) - rank(a) || (weights.get(b.path) ?? 0) - (weights.get(a.path) ?? 0));
  }

  /**
   * --shard: the n-th of every shardCount files, by path, so the shards of one run never overlap.
   * @template {TestFile} T
   * @param {T[]} tests
   * @param {{ shardIndex: number, shardCount: number }} options
   */
  shard(tests, { shardIndex, shardCount }) {
    return [...tests].sort((a, b) => (a.path < b.path ? -1 : 1)).filter((_, index) => index % shardCount === shardIndex - 1);
  }

  /**
   * --onlyFailures needs the results of an earlier run, which this sequencer does not keep: every file runs.
   * @template {TestFile} T
   * @param {T[]} tests
   */
  allFailedTests(tests) {
    return tests;
  }

  cacheResults() {}
}
