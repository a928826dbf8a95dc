import { defineConfig } from 'vitest/config';
import { testConfig } from '../../vitest.shared.mjs';

export default defineConfig(
  testConfig({ dir: import.meta.dirname, name: 'backend', tmpGuard: true }, {
    // A zone other than UTC, so naive-timestamp handling cannot pass by accident.
    env: { TZ: 'America/New_York' },
    // argon2id at the original cost and PGlite start-up are slow on a shared 2-core machine.
    testTimeout: 60_000,
    hookTimeout: 180_000,
  }),
);
