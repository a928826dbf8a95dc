// The cluster suites (the `test-cluster` target): a real Kubernetes, so not the default `test` run.
import { defineConfig } from 'vitest/config';
import { BaseSequencer, type TestSpecification } from 'vitest/node';
import { testConfig } from '../../vitest.shared.mjs';

/** The dev suite (deploy.test.ts) first, then the production one (prod.test.ts), then watch: by file name, not by duration. */
class ByName extends BaseSequencer {
  override async sort(files: TestSpecification[]) {
    return [...files].sort((a, b) => a.moduleId.localeCompare(b.moduleId));
  }
}

export default defineConfig(
  testConfig(
    { dir: import.meta.dirname, name: 'deploy-e2e', target: 'test-cluster' },
    {
      globals: false,
      // the suites; their helpers' own unit tests (tests/support) run in the default `test` target
      include: ['tests/*.test.ts'],
      // Each suite is one release in its own namespace, step after step: each test builds on the one before.
      fileParallelism: false,
      sequence: { concurrent: false, sequencer: ByName },
      testTimeout: 900_000,
      hookTimeout: 900_000,
    },
  ),
);
