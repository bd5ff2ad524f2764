// @ts-check
// Prints the run's totals as one plain line ("tests: N passed, N failed, N skipped") for CI logs, after the slowest
// suites and the slowest tests with their wall time, so a run that grows slow says where.
const SLOWEST = 12;

/**
 * The SLOWEST longest of `rows`, a line each: seconds, then the name.
 * @param {{ name: string, ms: number }[]} rows
 */
function slowestLines(rows) {
  return rows
    .sort((a, b) => b.ms - a.ms)
    .slice(0, SLOWEST)
    .map(({ name, ms }) => `  ${(ms / 1000).toFixed(1).padStart(6)} s  ${name}`)
    .join('\n');
}

class SummaryReporter {
  /**
   * @param {unknown} _contexts
   * @param {import('@jest/reporters').AggregatedResult} results
   */
  onRunComplete(_contexts, results) {
    const root = process.cwd() + '/';
    const suites = slowestLines(results.testResults.map((suite) => ({ name: suite.testFilePath.replace(root, ''), ms: suite.perfStats.runtime })));
    const tests = slowestLines(
      results.testResults.flatMap((suite) => suite.testResults.map((test) => ({ name: test.fullName, ms: test.duration ?? 0 }))),
    );
    const skipped = results.numPendingTests + results.numTodoTests;
    const failed = results.numFailedTests + results.numRuntimeErrorTestSuites;
    process.stdout.write(`\nslowest suites:\n${suites}\n`);
    process.stdout.write(`\nslowest tests:\n${tests}\n`);
    process.stdout.write(`\ntests: ${String(results.numPassedTests)} passed, ${String(failed)} failed, ${String(skipped)} skipped\n`);
  }
}
module.exports = SummaryReporter;
