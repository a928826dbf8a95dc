// The browser suites (the `test-browser` target): Chromium, both apps and PostgreSQL, so not the default `test` run.
import { defineConfig } from 'vitest/config';
import { testConfig } from '../../vitest.shared.mjs';

export default defineConfig(
  testConfig(
    { dir: import.meta.dirname, name: 'frontend-e2e', target: 'test-browser' },
    {
      globals: false,
      // One browser, one backend, one frontend per file; the machine is shared, so be patient.
      fileParallelism: false,
      testTimeout: 120_000,
      hookTimeout: 420_000,
    },
  ),
);
