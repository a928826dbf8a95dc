import { defineConfig } from 'vitest/config';

export default defineConfig({
  root: import.meta.dirname,
  cacheDir: '../../node_modules/.vite/tools/sandbox-cluster',
  test: {
    name: 'sandbox-cluster',
    watch: false,
    globals: true,
    environment: 'node',
    // the run fails when a test leaves anything in the temporary folder (@todo/toolkit)
    globalSetup: ['@todo/toolkit/vitest-tmp-guard'],
    include: ['{src,tests}/**/*.{test,spec}.{js,mjs,ts,mts}'],
    reporters: ['default', ['json', { outputFile: 'test-output/vitest/results.json' }]],
  },
});
