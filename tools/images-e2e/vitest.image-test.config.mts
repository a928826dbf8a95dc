// Not named vitest.config.mts on purpose: the suite needs a Docker engine, so it runs as the
// `image-test` target (tools/ci/extra-targets.mjs), not in the default `test` run.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  root: import.meta.dirname,
  cacheDir: '../../node_modules/.vite/tools/images-e2e',
  test: {
    name: 'images-e2e',
    watch: false,
    environment: 'node',
    include: ['src/**/*.spec.ts'],
    fileParallelism: false,
    testTimeout: 120_000,
    hookTimeout: 1_200_000,
    reporters: ['default', ['json', { outputFile: 'test-output/vitest/results.json' }]],
  },
});
