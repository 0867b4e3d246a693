import { defineConfig } from 'vitest/config';

// Two projects: the server suites run against both databases (see package.json); the browser
// suite drives a real Chromium and runs once, against the PostgreSQL server.
const database = process.env.CHATFLOW_TEST_DB ?? 'postgres';

export default defineConfig({
  test: {
    // The JSON report lets .ci/run print one summary line for both database passes.
    reporters: ['default', 'json'],
    outputFile: { json: `test-output/vitest-${database}.json` },
    // Integration suites start real servers and databases; on two cores they run one file at a time.
    fileParallelism: false,
    testTimeout: 60_000,
    hookTimeout: 90_000,
    globalSetup: ['test/support/global-setup.ts'],
    projects: [
      {
        extends: true,
        test: { name: 'server', include: ['app/**/*.test.ts', 'admin/**/*.test.ts', 'test/server/**/*.test.ts'] },
      },
      {
        extends: true,
        test: { name: 'browser', include: ['test/browser/**/*.test.ts'] },
      },
      // Replica processes on a shared PostgreSQL server under faults: the PostgreSQL pass only
      // (several processes cannot share one embedded database).
      {
        extends: true,
        test: { name: 'faults', include: ['test/faults/**/*.test.ts'], testTimeout: 300_000, hookTimeout: 240_000 },
      },
    ],
  },
});
