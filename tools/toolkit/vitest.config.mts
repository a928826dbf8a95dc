import { defineConfig } from 'vitest/config';
import { testConfig } from '../../vitest.shared.mjs';

export default defineConfig(
  testConfig({ dir: import.meta.dirname, name: 'toolkit', tmpGuard: true }, {
    // Tests spawn helm, docker and the shell-env script as processes.
    pool: 'forks',
    maxWorkers: 1,
    testTimeout: 30_000,
  }),
);
