import { defineConfig, type TestProjectInlineConfiguration } from 'vitest/config';

/**
 * One project per workspace. `npm test` runs them all; `npm run test:unit` (`--mode unit`) runs
 * only the fast ones: unit and in-process tests, emulator-backed adapters included, without the
 * projects that spawn the local runtime or synthesize and bundle the CDK app.
 */
/**
 * The fast projects' per-test time limit: generous, so a loaded machine (a CI runner shared with
 * other jobs) does not fail a correct test; a hang still fails. Speed is measured by `npm run bench`.
 */
const FAST_TEST_TIMEOUT_MS = 30_000;

const fast: TestProjectInlineConfiguration[] = (
  [
    { test: { name: 'model', root: 'packages/model', include: ['test/**/*.test.ts'] } },
    { test: { name: 'calendar', root: 'packages/calendar', include: ['test/**/*.test.ts'] } },
    { test: { name: 'contracts', root: 'packages/contracts', include: ['test/**/*.test.ts'] } },
    { test: { name: 'aws', root: 'packages/aws', include: ['test/**/*.test.ts'] } },
    { test: { name: 'mime', root: 'packages/mime', include: ['test/**/*.test.ts'] } },
    { test: { name: 'routing', root: 'packages/routing', include: ['test/**/*.test.ts'] } },
    { test: { name: 'http', root: 'packages/http', include: ['test/**/*.test.ts'] } },
    { test: { name: 'observability', root: 'packages/observability', include: ['test/**/*.test.ts'] } },
    { test: { name: 'local', root: 'packages/local', include: ['test/**/*.test.ts'] } },
    { test: { name: 'intake', root: 'services/intake', include: ['test/**/*.test.ts'] } },
    { test: { name: 'router', root: 'services/router', include: ['test/**/*.test.ts'] } },
    { test: { name: 'sla', root: 'services/sla', include: ['test/**/*.test.ts'] } },
    { test: { name: 'reporting', root: 'services/reporting', include: ['test/**/*.test.ts'] } },
    { test: { name: 'outbox', root: 'services/outbox', include: ['test/**/*.test.ts'] } },
    { test: { name: 'web', root: 'web', include: ['test/**/*.test.ts'] } },
  ] satisfies TestProjectInlineConfiguration[]
).map((p) => ({ test: { testTimeout: FAST_TEST_TIMEOUT_MS, ...p.test } }));

const slow: TestProjectInlineConfiguration[] = [
  {
    test: {
      name: 'infra',
      root: 'infra',
      include: ['test/**/*.test.ts'],
      testTimeout: 120_000,
      hookTimeout: 120_000,
    },
  },
  {
    test: {
      name: 'e2e',
      root: 'test',
      include: ['**/*.test.ts'],
      exclude: ['browser/**', '**/node_modules/**'],
      testTimeout: 60_000,
      hookTimeout: 60_000,
    },
  },
  {
    test: {
      name: 'browser',
      root: 'test/browser',
      include: ['**/*.test.ts'],
      testTimeout: 120_000,
      hookTimeout: 120_000,
    },
  },
];

export default defineConfig(({ mode }) => ({
  test: { projects: mode === 'unit' ? fast : [...fast, ...slow] },
}));
