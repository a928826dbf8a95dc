import { defineConfig } from 'vitest/config';

export default defineConfig({
  root: import.meta.dirname,
  cacheDir: '../../node_modules/.vite/apps/frontend-e2e',
  test: {
    name: 'frontend-e2e',
    watch: false,
    environment: 'node',
    include: ['src/**/*.e2e.ts'],
    // One browser, one backend, one frontend per file; the machine is shared, so be patient.
    fileParallelism: false,
    testTimeout: 120_000,
    hookTimeout: 420_000,
    reporters: ['default', 'json'],
    outputFile: { json: 'test-output/vitest/results.json' },
  },
});
