// @ts-check
// The one Vitest convention of the workspace, imported by every project's vitest config:
// - tests live in <project>/tests/ and end in .test.ts, .test.tsx (React components) or .test.mjs;
// - each target writes its JSON report to <project>/test-output/<target>/results.json, which
//   tools/ci/summarize.mjs adds up (every target its own folder, so two targets never overwrite one report);
// - the default `test` target is the unit suite; suites that need an engine run as test-<engine>
//   targets (test-docker, test-browser, test-cluster) with vitest.test-<engine>.config.mts.
// tools/workspace-checks/tests/test-layout.test.ts fails when a test file or a config leaves it.
import { relative } from 'node:path';

export const WORKSPACE_ROOT = import.meta.dirname;
/** Where a project's test files are, relative to the project. */
export const TEST_FILES = 'tests/**/*.test.{ts,tsx,mjs}';
/** The folder a target's report goes to, relative to the project. */
/** @type {typeof import('./vitest.shared.d.mts').reportDir} */
export const reportDir = (target) => `test-output/${target}`;

/** @type {typeof import('./vitest.shared.d.mts').testConfig} */
export const testConfig = ({ dir, name, target = 'test', tmpGuard = false }, overrides = {}) => {
  const out = reportDir(target);
  return {
    root: dir,
    cacheDir: `${relative(dir, WORKSPACE_ROOT)}/node_modules/.vite/${relative(WORKSPACE_ROOT, dir)}/${target}`,
    test: {
      name,
      watch: false,
      globals: true,
      environment: 'node',
      include: [TEST_FILES],
      reporters: ['default', ['json', { outputFile: `${out}/results.json` }]],
      ...overrides,
      globalSetup: [...(tmpGuard ? ['@todo/toolkit/vitest-tmp-guard'] : []), ...[overrides.globalSetup ?? []].flat()],
      coverage: { reportsDirectory: `./${out}/coverage`, provider: 'v8' },
    },
  };
};
