import { defineConfig } from 'vitest/config';

/**
 * Two groups, one after the other (sequence.groupOrder):
 *  - `suite`: unit, integration and end-to-end files, two at a time. Vitest's default on a 2-core
 *    machine is availableParallelism − 1 = one file at a time, and most of these files spend their
 *    time waiting on sockets, child processes and Chromium, not on a core.
 *  - `serial`: alone afterwards, one file at a time — the crash loop and the link-fault proxy, so
 *    their short deadlines (0.3 s issuer timeouts, kill -9 timing) are not measured against a
 *    neighbour's load, and the three files that stop, start and share the one system pcscd and its
 *    vpcd readers (two of them side by side once lost a card insert after a pcscd restart).
 * CARDTILL_TEST_WORKERS overrides the first group's width (1 = fully serial, as before).
 */
const suiteWorkers = Number(process.env.CARDTILL_TEST_WORKERS ?? 2);
const SERIAL = [
  'test/fault/**/*.test.ts',
  'test/integration/pcsc-reader.test.ts',
  'test/e2e/devices.e2e.test.ts',
];

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
          exclude: [...SERIAL, 'test/integration/epurse-pcsc.test.ts'],
          maxWorkers: suiteWorkers,
          sequence: { groupOrder: 0 },
        },
      },
      {
        extends: true,
        test: {
          name: 'serial',
          include: SERIAL,
          maxWorkers: 1,
          sequence: { groupOrder: 1 },
        },
      },
      {
        // Last, alone: the e-purse card and PSAM leave pcscd in a state after which the reader
        // test's pcscd restart never sees a card again (seen in separate processes too), so it
        // runs after that test rather than before it. To be found and fixed in the e-purse rig.
        extends: true,
        test: {
          name: 'epurse',
          include: ['test/integration/epurse-pcsc.test.ts'],
          maxWorkers: 1,
          sequence: { groupOrder: 2 },
        },
      },
    ],
  },
});
