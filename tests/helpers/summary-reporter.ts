import type { Reporter, TestModule } from "vitest/node";

/**
 * Ends every run with one plain line, `N passed, N failed`, counting every test of the
 * whole suite (skipped ones are listed after, and the suite has none on purpose).
 */
export default class SummaryReporter implements Reporter {
  onTestRunEnd(
    testModules: ReadonlyArray<TestModule>,
    unhandledErrors: ReadonlyArray<unknown>,
  ): void {
    let passed = 0;
    let failed = 0;
    let skipped = 0;
    for (const module of testModules) {
      // In a file that failed as a whole (a beforeAll that threw), the tests it kept from
      // running (meant to run, yet skipped) are failures: "0 failed" must never hide them.
      // Tests left out by a filter (-t) have mode "skip" and stay skips.
      const moduleFailed = module.state() === "failed";
      for (const test of module.children.allTests()) {
        const state = test.result().state;
        if (state === "passed") passed++;
        else if (state === "failed" || (moduleFailed && test.options.mode === "run")) failed++;
        else skipped++;
      }
      // A file that failed to load has no tests to count, but it is a failure.
      if (module.state() === "failed" && [...module.children.allTests()].length === 0) failed++;
    }
    failed += unhandledErrors.length;
    const tail = skipped > 0 ? `, ${skipped} skipped` : "";
    process.stdout.write(`\n${passed} passed, ${failed} failed${tail}\n`);
  }
}
