// @ts-check
// The order a run starts its test files in: the groups of test/groups first, heaviest first (they are the longest files
// of a run; started last, one would leave the other worker idle at the end), then every other file largest first, as
// Jest orders files it has no timings for. Jest's own sequencer would take a group's few import lines for a small file.
import { readFileSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

/**
 * The summed size of the specs a group imports, or a file's own size.
 * @param {string} path
 */
function weight(path) {
  if (!path.endsWith('.group.ts')) return statSync(path).size;
  let bytes = 0;
  for (const [, spec] of readFileSync(path, 'utf8').matchAll(/^import '([^']+)\.js';$/gm))
    bytes += statSync(resolve(dirname(path), `${spec}.ts`)).size;
  return bytes;
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
