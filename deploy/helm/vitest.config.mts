import { defineConfig } from 'vitest/config';
import { testConfig } from '../../vitest.shared.mjs';

export default defineConfig(
  testConfig({ dir: import.meta.dirname, name: 'chart', tmpGuard: true }, {
    // Each test spawns real `helm template` processes; one worker leaves the other suites their cores.
    pool: 'forks',
    maxWorkers: 1,
    testTimeout: 30_000,
  }),
);
