import { defineConfig } from 'vitest/config';

/**
 * Two groups, one after the other (sequence.groupOrder):
 *  - `suite`: unit, integration and end-to-end files, two at a time. Vitest's default on a 2-core
 *    machine is availableParallelism − 1 = one file at a time, and most of these files spend their
 *    time waiting on sockets, child processes and Chromium, not on a core.
 *  - `fault`: the crash loop and the link-fault proxy, alone afterwards, so their short deadlines
 *    (0.3 s issuer timeouts, kill -9 timing) are not measured against a neighbour's load.
 * CARDTILL_TEST_WORKERS overrides the first group's width (1 = fully serial, as before).
 */
const suiteWorkers = Number(process.env.CARDTILL_TEST_WORKERS ?? 2);

export default defineConfig({
  test: {
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    reporters: ['default', './scripts/summary-reporter.ts'],
    projects: [
      {
        extends: true,
        test: {
          name: 'suite',
          include: ['test/**/*.test.ts'],
          exclude: ['test/fault/**'],
          maxWorkers: suiteWorkers,
          sequence: { groupOrder: 0 },
        },
      },
      {
        extends: true,
        test: {
          name: 'fault',
          include: ['test/fault/**/*.test.ts'],
          maxWorkers: 1,
          sequence: { groupOrder: 1 },
        },
      },
    ],
  },
});
