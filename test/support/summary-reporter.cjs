// Prints the plain closing line "N passed, N failed, N skipped" that CI reads, after jest's own summary.
class SummaryReporter {
  onRunComplete(_contexts, results) {
    const { numPassedTests: p, numFailedTests: f, numPendingTests: s, numTodoTests: t } = results;
    const failedSuites = results.numFailedTestSuites;
    // A suite that fails to load has no failed tests; count it so the line never reads green.
    process.stdout.write(`\n${p} passed, ${f + (f === 0 ? failedSuites : 0)} failed, ${s + t} skipped\n`);
  }
}
module.exports = SummaryReporter;
