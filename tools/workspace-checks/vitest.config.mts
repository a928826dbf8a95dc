import { defineConfig } from 'vitest/config';
import { testConfig } from '../../vitest.shared.mjs';

export default defineConfig(
  testConfig({ dir: import.meta.dirname, name: 'workspace-checks', tmpGuard: true }, {
    // The project graph is computed once (a real `nx graph`) and shared by every file.
    globalSetup: ['tests/support/project-graph.setup.ts'],
    // Tests spawn the real nx (a cold project graph each, slow on a busy machine); one worker.
    pool: 'forks',
    maxWorkers: 1,
    testTimeout: 240_000,
    hookTimeout: 240_000,
  }),
);
