// The image suites (the `test-docker` target): they need a Docker engine, so not the default `test` run.
import { defineConfig } from 'vitest/config';
import { testConfig } from '../../vitest.shared.mjs';

export default defineConfig(
  testConfig(
    { dir: import.meta.dirname, name: 'images-e2e', target: 'test-docker', tmpGuard: true },
    {
      globals: false,
      fileParallelism: false,
      testTimeout: 120_000,
      hookTimeout: 1_200_000,
    },
  ),
);
