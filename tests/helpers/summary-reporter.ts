import type { Reporter, TestModule } from "vitest/node";

/**
 * Ends every run with one plain line, `N passed, N failed`, counting every test of the whole
 * suite. Before it, `N skipped in all` when some were, and one line per reason a test skipped itself
 * (tests/helpers/stores.ts: `12 skipped: moto lacks presign enforcement`); no test skips on
 * MinIO, so a run on MinIO alone prints none.
 */
export default class SummaryReporter implements Reporter {
  onTestRunEnd(
    testModules: ReadonlyArray<TestModule>,
    unhandledErrors: ReadonlyArray<unknown>,
  ): void {
    let passed = 0;
    let failed = 0;
    let skipped = 0;
    const reasons = new Map<string, number>();
    for (const module of testModules) {
      // In a file that failed as a whole (a beforeAll that threw), the tests it kept from
      // running (meant to run, yet skipped) are failures: "0 failed" must never hide them.
      // Tests left out by a filter (-t) have mode "skip" and stay skips.
      const moduleFailed = module.state() === "failed";
      // A test that skipped itself with a reason (ctx.skip(note)) ran, and is a skip.
      for (const test of module.children.allTests()) {
        const result = test.result();
        const note = result.state === "skipped" ? result.note : undefined;
        if (result.state === "passed") passed++;
        else if (note) {
          skipped++;
          reasons.set(note, (reasons.get(note) ?? 0) + 1);
        } else if (result.state === "failed" || (moduleFailed && test.options.mode === "run")) {
          failed++;
        } else skipped++;
      }
      // A file that failed to load has no tests to count, but it is a failure.
      if (module.state() === "failed" && [...module.children.allTests()].length === 0) failed++;
    }
    failed += unhandledErrors.length;
    const lines = [...reasons].sort(([a], [b]) => a.localeCompare(b));
    const why = lines.map(([reason, count]) => `${count} skipped: ${reason}\n`).join("");
    // The last line stays exactly `N passed, N failed`: CI reads it.
    const total = skipped > 0 ? `${skipped} skipped in all\n` : "";
    process.stdout.write(`\n${why}${total}${passed} passed, ${failed} failed\n`);
  }
}
