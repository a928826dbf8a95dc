import { defineConfig } from 'vitest/config';

export default defineConfig({
  root: import.meta.dirname,
  cacheDir: '../../node_modules/.vite/apps/deploy-e2e',
  test: {
    name: 'deploy-e2e',
    watch: false,
    environment: 'node',
    include: ['src/**/*.e2e.ts'],
    // One release in one namespace, step after step: each test builds on the one before.
    fileParallelism: false,
    sequence: { concurrent: false },
    testTimeout: 900_000,
    hookTimeout: 900_000,
    reporters: ['default', 'json'],
    outputFile: { json: 'test-output/vitest/results.json' },
  },
});
