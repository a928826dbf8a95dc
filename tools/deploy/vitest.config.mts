import { defineConfig } from 'vitest/config';
import { testConfig } from '../../vitest.shared.mjs';

export default defineConfig(
  testConfig({ dir: import.meta.dirname, name: 'deploy-tool', tmpGuard: true }, {
    // Tests spawn nx (a cold project graph each, slow on a busy machine) and helm; one worker.
    pool: 'forks',
    maxWorkers: 1,
    testTimeout: 180_000,
  }),
);
