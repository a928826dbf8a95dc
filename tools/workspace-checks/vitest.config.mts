import { defineConfig } from 'vitest/config';

export default defineConfig({
  root: import.meta.dirname,
  cacheDir: '../../node_modules/.vite/tools/workspace-checks',
  test: {
    name: 'workspace-checks',
    watch: false,
    globals: true,
    environment: 'node',
    include: ['tests/**/*.test.ts'],
    // The project graph is computed once (a real `nx graph`) and shared by every file.
    globalSetup: ['tests/support/project-graph.setup.ts'],
    // Tests spawn the real nx (a cold project graph each, slow on a busy machine); one worker.
    pool: 'forks',
    maxWorkers: 1,
    testTimeout: 240_000,
    hookTimeout: 240_000,
    reporters: ['default', ['json', { outputFile: 'test-output/vitest/results.json' }]],
  },
});
