/**
 * A Jest reporter that ends the run with the plain line `N passed, M failed` (`, K skipped` when some were), alone on
 * the last line, after Jest's own summary: the closing line CI reads for runners it does not know.
 */
interface AggregatedResult {
  numPassedTests: number;
  numFailedTests: number;
  numPendingTests: number;
  numTodoTests: number;
  numRuntimeErrorTestSuites: number;
}

class PlainSummaryReporter {
  onRunComplete(_contexts: unknown, results: AggregatedResult): void {
    // A suite that could not run (a failed beforeAll, a compile error) counts as one failure.
    const failed = results.numFailedTests + results.numRuntimeErrorTestSuites;
    const skipped = results.numPendingTests + results.numTodoTests;
    const line = `${results.numPassedTests} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`;
    // Jest writes its own summary after the reporters' onRunComplete: this line goes out as the process ends, last.
    process.once('exit', () => process.stdout.write(`\n${line}\n`));
  }
}

export = PlainSummaryReporter;
