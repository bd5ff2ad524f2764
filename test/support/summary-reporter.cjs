// @ts-check
// Prints the run's totals as one plain line ("tests: N passed, N failed, N skipped") for CI logs, after the slowest
// suites and the slowest tests with their wall time, so a run that grows slow says where.
const SLOWEST = 12;

class SummaryReporter {
  /**
   * @param {unknown} _contexts
   * @param {import('@jest/reporters').AggregatedResult} results
   */
  onRunComplete(_contexts, results) {
    const root = process.cwd() + '/';
    const slowest = results.testResults
      .map((suite) => ({ path: suite.testFilePath.replace(root, ''), ms: suite.perfStats.runtime }))
      .sort((a, b) => b.ms - a.ms)
      .slice(0, SLOWEST);
    const lines = slowest.map(({ path, ms }) => `  ${(ms / 1000).toFixed(1).padStart(6)} s  ${path}`);
    const slowestTests = results.testResults
      .flatMap((suite) => suite.testResults.map((test) => ({ name: test.fullName, ms: test.duration ?? 0 })))
      .sort((a, b) => b.ms - a.ms)
      .slice(0, SLOWEST);
    const testLines = slowestTests.map(({ name, ms }) => `  ${(ms / 1000).toFixed(1).padStart(6)} s  ${name}`);
    const skipped = results.numPendingTests + results.numTodoTests;
    const failed = results.numFailedTests + results.numRuntimeErrorTestSuites;
    process.stdout.write(`\nslowest suites:\n${lines.join('\n')}\n`);
    process.stdout.write(`\nslowest tests:\n${testLines.join('\n')}\n`);
    process.stdout.write(`\ntests: ${String(results.numPassedTests)} passed, ${String(failed)} failed, ${String(skipped)} skipped\n`);
  }
}
module.exports = SummaryReporter;
