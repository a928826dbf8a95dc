import { defineConfig } from 'vitest/config';
import { testConfig } from '../../vitest.shared.mjs';

export default defineConfig(
  testConfig({ dir: import.meta.dirname, name: 'doctor', tmpGuard: true }, {
    // Tests spawn the doctor as a process.
    pool: 'forks',
    maxWorkers: 1,
    testTimeout: 30_000,
  }),
);
