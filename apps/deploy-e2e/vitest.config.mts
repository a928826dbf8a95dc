import { defineConfig } from 'vitest/config';
import { testConfig } from '../../vitest.shared.mjs';

// Unit tests of the suite's helpers (no cluster); the cluster suites run with vitest.test-cluster.config.mts.
export default defineConfig(
  testConfig({ dir: import.meta.dirname, name: 'deploy-e2e', tmpGuard: true }, {
    // the suite's helpers; the cluster suites (tests/*.test.ts) run as test-cluster
    include: ['tests/support/**/*.test.ts'],
  }),
);
