import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    projects: [
      { test: { name: 'model', root: 'packages/model', include: ['test/**/*.test.ts'] } },
      { test: { name: 'calendar', root: 'packages/calendar', include: ['test/**/*.test.ts'] } },
      { test: { name: 'mime', root: 'packages/mime', include: ['test/**/*.test.ts'] } },
      { test: { name: 'http', root: 'packages/http', include: ['test/**/*.test.ts'] } },
      { test: { name: 'local', root: 'packages/local', include: ['test/**/*.test.ts'] } },
      { test: { name: 'intake', root: 'services/intake', include: ['test/**/*.test.ts'] } },
      { test: { name: 'router', root: 'services/router', include: ['test/**/*.test.ts'] } },
      { test: { name: 'sla', root: 'services/sla', include: ['test/**/*.test.ts'] } },
      { test: { name: 'reporting', root: 'services/reporting', include: ['test/**/*.test.ts'] } },
      { test: { name: 'outbox', root: 'services/outbox', include: ['test/**/*.test.ts'] } },
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
    ],
  },
});
