// The one rule of helpers.ts › describeNeeding, run for real: a chart suite whose Helm is missing fails
// under `npm test` (TODO_REQUIRE_ENGINES=1) and is skipped with a warning in a developer's `nx test chart`.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { chartDir } from '../scripts/toolchain.mjs';

// Every temporary folder of this file is made inside scratch, which is removed when the file's tests end.
const scratch = mkdtempSync(join(tmpdir(), 'chart-engines-test-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const vitest = join(dirname(createRequire(import.meta.url).resolve('vitest/package.json')), 'vitest.mjs');

/** Runs notes.test.ts (it needs Helm 4) in a child vitest that cannot find any Helm. */
function runWithoutHelm(requireEngines: boolean) {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    HELM3: '',
    HELM4: '',
    TODO_TOOLS_CACHE: mkdtempSync(join(scratch, 'no-tools-')),
    PATH: dirname(process.execPath),
    FORCE_COLOR: '0',
    NO_COLOR: '1',
  };
  delete env.TODO_REQUIRE_ENGINES;
  delete env.VITEST;
  delete env.VITEST_WORKER_ID;
  delete env.VITEST_POOL_ID;
  if (requireEngines) env.TODO_REQUIRE_ENGINES = '1';
  const result = spawnSync(process.execPath, [vitest, 'run', 'tests/notes.test.ts', '--reporter=default'], {
    cwd: chartDir,
    env,
    encoding: 'utf8',
    timeout: 120_000,
  });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

describe('a chart suite whose Helm is missing', () => {
  it('fails with the setup message when TODO_REQUIRE_ENGINES=1 (npm test)', () => {
    const { status, output } = runWithoutHelm(true);
    expect(output).toContain('NOTES.txt (Helm 4): missing Helm 4: run `bash tools/ci/setup/30-helm.sh`');
    expect(output).toMatch(/1 failed/);
    expect(status).toBe(1);
  }, 150_000);

  it('is skipped with the setup message as a warning otherwise (nx test chart)', () => {
    const { status, output } = runWithoutHelm(false);
    expect(output).toContain('skipped NOTES.txt (Helm 4): missing Helm 4: run `bash tools/ci/setup/30-helm.sh`');
    expect(output).toMatch(/3 skipped/);
    expect(output).not.toMatch(/failed/);
    expect(status).toBe(0);
  }, 150_000);
});
