import { defineConfig } from 'vitest/config';

// Unit tests of the suite's helpers (no cluster); the cluster suites run with vitest.e2e.mts (cluster-e2e).
export default defineConfig({
  root: import.meta.dirname,
  cacheDir: '../../node_modules/.vite/apps/deploy-e2e-unit',
  test: {
    name: 'deploy-e2e',
    watch: false,
    environment: 'node',
    include: ['src/**/*.spec.ts'],
    reporters: ['default', 'json'],
    outputFile: { json: 'test-output/vitest/unit-results.json' },
  },
});
