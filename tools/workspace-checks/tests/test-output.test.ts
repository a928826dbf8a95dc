// The test summary counts every suite once (tools/ci/summarize.mjs), and an app's build output holds no
// library's sources, tests or test output (tools/docker-build/workspace-modules.mjs, `nx prune backend`).
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { workspaceRoot } from '../src/nx.mjs';

const folders: string[] = [];
afterEach(() => {
  for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true });
});
const scratch = () => {
  const folder = mkdtempSync(join(tmpdir(), 'summary-'));
  folders.push(folder);
  return folder;
};
const write = (path: string, content: unknown) => {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
};
const run = (script: string, cwd: string, ...args: string[]) => {
  const result = spawnSync(process.execPath, [join(workspaceRoot, script), ...args], { cwd, encoding: 'utf8' });
  return { status: result.status, out: `${result.stdout}${result.stderr}` };
};
const filesUnder = (dir: string): string[] =>
  readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => relative(dir, join(e.parentPath, e.name)))
    .sort();

/** A Vitest JSON report of one suite file with the given test statuses. */
const report = (file: string, statuses: string[], suiteStatus = 'passed') => ({
  numPassedTests: statuses.filter((s) => s === 'passed').length,
  numFailedTests: statuses.filter((s) => s === 'failed').length,
  numPendingTests: 0,
  numTodoTests: 0,
  testResults: [{ name: file, status: suiteStatus, assertionResults: statuses.map((status, i) => ({ title: `t${i}`, status })) }],
});
const results = (project: string, target = 'test') => join(project, 'test-output', target, 'results.json');

describe('the test summary', () => {
  it('counts a library\'s suite once when a copy of its report sits in an app\'s build output', () => {
    const root = scratch();
    const health = report('/w/libs/health/tests/health.test.ts', ['passed', 'passed', 'skipped']);
    write(results(join(root, 'libs', 'health')), health);
    write(results(join(root, 'apps', 'backend', 'dist', 'workspace_modules', '@todo', 'health')), health);
    write(results(join(root, 'apps', 'backend')), report('/w/apps/backend/tests/tasks.test.ts', ['passed', 'failed']));
    const { status, out } = run('tools/ci/summarize.mjs', root);
    expect(out.trim().split('\n').at(-1)).toBe('3 passed, 1 failed, 1 skipped');
    expect(out).not.toContain('dist/workspace_modules');
    expect(status).toBe(1);
  });

  it('counts a suite named by two reports once, and a suite that failed to load as one failure', () => {
    const root = scratch();
    write(results(join(root, 'a')), report('/w/a/x.test.ts', ['passed']));
    write(results(join(root, 'b')), { ...report('/w/a/x.test.ts', ['passed']), testResults: [...report('/w/a/x.test.ts', ['passed']).testResults, ...report('/w/b/broken.test.ts', [], 'failed').testResults] });
    const { out } = run('tools/ci/summarize.mjs', root);
    expect(out).toMatch(/b\/test-output\/test\/results\.json: 0 passed, 1 failed, 0 skipped \(1 suite already counted from another report\)/);
    expect(out.trim().split('\n').at(-1)).toBe('1 passed, 1 failed');
  });

  it("counts each target's report of one project: the unit suite and an engine suite side by side", () => {
    const root = scratch();
    const project = join(root, 'apps', 'deploy-e2e');
    write(results(project), report('/w/apps/deploy-e2e/tests/support/metrics.test.ts', ['passed', 'passed']));
    write(results(project, 'test-cluster'), report('/w/apps/deploy-e2e/tests/deploy.test.ts', ['passed', 'failed', 'skipped']));
    // a results.json outside test-output/<target>/ is not a report of this workspace's convention
    write(join(project, 'fixtures', 'results.json'), report('/w/elsewhere.test.ts', ['failed']));
    const { out } = run('tools/ci/summarize.mjs', root);
    expect(out).toContain('apps/deploy-e2e/test-output/test/results.json: 2 passed');
    expect(out).toContain('apps/deploy-e2e/test-output/test-cluster/results.json: 1 passed, 1 failed, 1 skipped');
    expect(out.trim().split('\n').at(-1)).toBe('3 passed, 1 failed, 1 skipped');
  });

  it('fails when there is nothing to count', () => {
    const { status, out } = run('tools/ci/summarize.mjs', scratch());
    expect([status, out.trim().split('\n').at(-1)]).toEqual([1, '0 passed, 1 failed']);
  });
});

describe("an app's workspace_modules (nx copy-workspace-modules)", () => {
  it("holds each library's package.json and built files only: no sources, tests, test output or build info", () => {
    const root = scratch();
    const lib = join(root, 'libs', 'health');
    write(join(lib, 'package.json'), { name: '@todo/health', version: '0.0.1', dependencies: { tslib: '^2.3.0' } });
    for (const file of ['src/index.ts', 'tests/health.test.ts', 'test-output/test/results.json', 'tsconfig.lib.json', 'vitest.config.mts', 'README.md', 'eslint.config.mjs'])
      write(join(lib, file), 'x');
    for (const file of ['dist/index.js', 'dist/index.d.ts', 'dist/tsconfig.lib.tsbuildinfo']) write(join(lib, file), 'x');
    mkdirSync(join(root, 'node_modules', '@todo'), { recursive: true });
    symlinkSync(lib, join(root, 'node_modules', '@todo', 'health'));
    const dist = join(root, 'apps', 'backend', 'dist');
    write(join(dist, 'package.json'), { name: '@todo/backend', dependencies: { '@todo/health': 'file:./workspace_modules/@todo/health', fastify: '^5' } });

    const { status, out } = run('tools/docker-build/workspace-modules.mjs', root, '--dist', dist, '--workspace', root);
    expect(status, out).toBe(0);
    expect(filesUnder(join(dist, 'workspace_modules'))).toEqual(['@todo/health/dist/index.d.ts', '@todo/health/dist/index.js', '@todo/health/package.json']);
  });

  it('says what to do when a library is not built', () => {
    const root = scratch();
    write(join(root, 'libs', 'health', 'package.json'), { name: '@todo/health', nx: { name: 'health' } });
    mkdirSync(join(root, 'node_modules', '@todo'), { recursive: true });
    symlinkSync(join(root, 'libs', 'health'), join(root, 'node_modules', '@todo', 'health'));
    write(join(root, 'dist', 'package.json'), { dependencies: { '@todo/health': 'file:./workspace_modules/@todo/health' } });
    const { status, out } = run('tools/docker-build/workspace-modules.mjs', root, '--dist', join(root, 'dist'), '--workspace', root);
    expect(status).toBe(1);
    expect(out).toContain('next: build it first (nx build health)');
  });
});
