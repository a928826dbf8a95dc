import { defineConfig } from 'vitest/config';

export default defineConfig({
  root: import.meta.dirname,
  cacheDir: '../../node_modules/.vite/tools/deploy',
  test: {
    name: 'deploy-tool',
    watch: false,
    globals: true,
    environment: 'node',
    // the run fails when a test leaves anything in the temporary folder (@todo/toolkit)
    globalSetup: ['@todo/toolkit/vitest-tmp-guard'],
    include: ['tests/**/*.test.ts'],
    // Tests spawn nx (a cold project graph each, slow on a busy machine) and helm; one worker.
    pool: 'forks',
    maxWorkers: 1,
    testTimeout: 180_000,
    reporters: ['default', ['json', { outputFile: 'test-output/vitest/results.json' }]],
  },
});
