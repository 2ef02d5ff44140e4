/**
 * Prints the plain closing line CI reads ("N passed, N failed, N skipped") and, when CI is set,
 * fails the run if any test was skipped: a test that needs a system service must get it from
 * .ci/run, never skip there.
 */
import type { Reporter, TestModule } from 'vitest/node';

export default class SummaryReporter implements Reporter {
  onTestRunEnd(testModules: ReadonlyArray<TestModule>): void {
    let passed = 0;
    let failed = 0;
    let skipped = 0;
    const skippedNames: string[] = [];
    for (const mod of testModules) {
      for (const t of mod.children.allTests()) {
        const s = t.result().state;
        if (s === 'passed') passed++;
        else if (s === 'failed') failed++;
        else {
          skipped++;
          skippedNames.push(t.fullName);
        }
      }
    }
    console.log(`\nvitest: ${passed} passed, ${failed} failed, ${skipped} skipped`);
    if (process.env.CI && skipped > 0) {
      console.log(`CI does not allow skipped tests:\n  ${skippedNames.join('\n  ')}`);
      process.exitCode = 1;
    }
  }
}
