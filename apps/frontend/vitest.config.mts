import { defineConfig } from 'vitest/config';
import react from '@vitejs/plugin-react';
import { join } from 'node:path';
import { testConfig } from '../../vitest.shared.mjs';

export default defineConfig({
  ...testConfig(
    { dir: import.meta.dirname, name: 'frontend', tmpGuard: true },
    {
      // The CI machine is shared by several builds; jsdom role queries get slow under load.
      testTimeout: 30_000,
      environment: 'jsdom',
    },
  ),
  plugins: [react()],
  resolve: {
    alias: {
      '@': join(import.meta.dirname, '.'),
      // Tests run against the library's source, so they need no prior build of libs/health.
      '@todo/health': join(import.meta.dirname, '../../libs/health/src/index.ts'),
      // lib/server/* import 'server-only', which throws outside React's server build: the tests run those
      // modules in Node directly, as the server does (the guard is for the client bundle: next build).
      'server-only': join(import.meta.dirname, '../../node_modules/server-only/empty.js'),
      '@todo/observability/random': join(import.meta.dirname, '../../libs/observability/src/lib/random.ts'),
      '@todo/observability': join(import.meta.dirname, '../../libs/observability/src/index.ts'),
    },
  },
});
