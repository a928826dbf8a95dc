import { defineConfig } from 'vitest/config';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

/** The dev suite (deploy.e2e.ts) first, then the production one (prod.e2e.ts): by file name, not by duration. */
class ByName extends BaseSequencer {
  override async sort(files: TestSpecification[]) {
    return [...files].sort((a, b) => a.moduleId.localeCompare(b.moduleId));
  }
}

export default defineConfig({
  root: import.meta.dirname,
  cacheDir: '../../node_modules/.vite/apps/deploy-e2e',
  test: {
    name: 'deploy-e2e',
    watch: false,
    environment: 'node',
    include: ['src/**/*.e2e.ts'],
    // Each suite is one release in its own namespace, step after step: each test builds on the one before.
    fileParallelism: false,
    sequence: { concurrent: false, sequencer: ByName },
    testTimeout: 900_000,
    hookTimeout: 900_000,
    reporters: ['default', 'json'],
    outputFile: { json: 'test-output/vitest/results.json' },
  },
});
