// `nx deploy <app> --watch`: which saved files start a cycle, and what each cycle runs.
import { cycleArgs, isSourceChange } from '../src/watch.mjs';

describe('the watch loop', () => {
  it('starts a cycle for a source, a test, a config or a migration, never for build output, caches or editor files', () => {
    for (const path of ['apps/backend/src/routes/tasks.ts', 'apps/backend/tests/tasks.test.ts', 'apps/backend/package.json', 'apps/backend/src/db/migrations/0004_x.sql', 'libs/health/src/index.ts']) {
      expect(isSourceChange(path), path).toBe(true);
    }
    for (const path of [
      'apps/backend/dist/main.js',
      'apps/frontend/.next/server/app.js',
      'libs/health/dist/index.js',
      'apps/backend/node_modules/x/index.js',
      'apps/backend/test-output/test/results.json',
      'libs/api-contract/tsconfig.lib.tsbuildinfo',
      'apps/backend/src/.tasks.ts.swp',
      'apps/backend/src/tasks.ts~',
      'apps/backend/src/4913', // vim's write test file
      'apps/frontend/next-env.d.ts',
    ]) {
      expect(isSourceChange(path), path).toBe(false);
    }
  });

  it('deploys each cycle with the loop\'s own arguments, without --watch', () => {
    expect(cycleArgs(['--app=backend', '--environment=dev', '--watch', '--namespace=x', '--context=sandbox'])).toEqual(['--app=backend', '--environment=dev', '--namespace=x', '--context=sandbox']);
  });
});
