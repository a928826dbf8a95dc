import { defineConfig } from 'vitest/config';

export default defineConfig({
  root: import.meta.dirname,
  cacheDir: '../../node_modules/.vite/deploy/helm',
  test: {
    name: 'chart',
    watch: false,
    globals: true,
    environment: 'node',
    // the run fails when a test leaves anything in the temporary folder (@todo/toolkit)
    globalSetup: ['@todo/toolkit/vitest-tmp-guard'],
    include: ['tests/**/*.test.ts'],
    // Each test spawns real `helm template` processes; one worker leaves the other suites their cores.
    pool: 'forks',
    maxWorkers: 1,
    testTimeout: 30_000,
    reporters: ['default', ['json', { outputFile: 'test-output/vitest/results.json' }]],
  },
});
