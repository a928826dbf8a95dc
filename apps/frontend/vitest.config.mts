import { defineConfig } from 'vitest/config';
import react from '@vitejs/plugin-react';
import { join } from 'node:path';

export default defineConfig(() => ({
  root: import.meta.dirname,
  cacheDir: '../../node_modules/.vite/apps/frontend',
  plugins: [react()],
  resolve: {
    alias: {
      '@': join(import.meta.dirname, '.'),
      // Tests run against the library's source, so they need no prior build of libs/health.
      '@todo/health': join(import.meta.dirname, '../../libs/health/src/index.ts'),
      // lib/server/* import 'server-only', which throws outside React's server build: the specs run those
      // modules in Node directly, as the server does (the guard is for the client bundle: next build).
      'server-only': join(import.meta.dirname, '../../node_modules/server-only/empty.js'),
      '@todo/observability': join(import.meta.dirname, '../../libs/observability/src/index.ts'),
    },
  },
  test: {
    name: 'frontend',
    watch: false,
    // The CI machine is shared by several builds; jsdom role queries get slow under load.
    testTimeout: 30_000,
    globals: true,
    environment: 'jsdom',
    passWithNoTests: true,
    include: [
      '{src,app,pages,specs}/**/*.{test,spec}.{js,mjs,cjs,ts,mts,cts,jsx,tsx}',
    ],
    reporters: ['default', 'json'],
    outputFile: { json: 'test-output/vitest/results.json' },
    coverage: {
      reportsDirectory: './test-output/vitest/coverage',
      provider: 'v8' as const,
    },
  },
}));
