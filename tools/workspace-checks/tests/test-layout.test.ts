// One test layout (vitest.shared.mjs): every test file in <project>/tests/, named *.test.ts, *.test.tsx or
// *.test.mjs; every Vitest config built by the shared `testConfig`; the default `test` target runs
// vitest.config.mts and each engine suite a target test-<engine> that runs vitest.test-<engine>.config.mts.
// And docs/architecture.md's boundary table names each project under the tags it really carries.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import { ownerOf, readProjectGraph, workspaceRoot } from '../src/nx.mjs';

const graph = readProjectGraph(inject('projectGraphFile'));
const tracked = execFileSync('git', ['ls-files', '-co', '--exclude-standard'], { cwd: workspaceRoot, encoding: 'utf8' })
  .trim()
  .split('\n')
  .filter((f) => !f.includes('node_modules/'));
const TEST_NAME = /\.(test|spec|e2e)\.[cm]?[jt]sx?$/;
const CONFIG_NAME = /^vitest(\.([\w-]+))?\.config\.mts$/;

describe('the test layout', () => {
  it('keeps every test file in its project\'s tests/ folder, named *.test.ts, *.test.tsx or *.test.mjs', () => {
    const tests = tracked.filter((f) => TEST_NAME.test(f));
    expect(tests.length).toBeGreaterThan(50);
    const misplaced = tests.filter((file) => {
      const project = ownerOf(graph, file);
      const root = project ? graph.nodes[project].data.root : undefined;
      return !root || !file.startsWith(`${root}/tests/`) || !/\.test\.(ts|tsx|mjs)$/.test(file);
    });
    expect(misplaced).toEqual([]);
  });

  it('builds every Vitest config with the shared testConfig, and runs each by the target its name gives', () => {
    const configs = tracked.filter((f) => CONFIG_NAME.test(basename(f)) && f.includes('/'));
    expect(configs.length).toBeGreaterThan(10);
    const problems: string[] = [];
    for (const config of configs) {
      const target = CONFIG_NAME.exec(basename(config))?.[2] ?? 'test';
      const project = ownerOf(graph, config);
      const targets = project ? graph.nodes[project].data.targets ?? {} : {};
      const text = readFileSync(join(workspaceRoot, config), 'utf8');
      if (!/\btestConfig\(/.test(text) || !text.includes('vitest.shared.mjs'))
        problems.push(`${config}: not built by testConfig from vitest.shared.mjs`);
      if (target !== 'test' && !target.startsWith('test-')) problems.push(`${config}: an engine suite's target is named test-<engine>, not ${target}`);
      if (!(target in targets)) problems.push(`${config}: project ${project} has no target ${target}`);
      else if (target !== 'test' && !JSON.stringify(targets[target].options ?? {}).includes(`--config ${basename(config)}`))
        problems.push(`${config}: target ${project}:${target} does not run it`);
      if (target !== 'test' && !text.includes(`target: '${target}'`))
        problems.push(`${config}: does not pass target '${target}' to testConfig, so its report would overwrite another's`);
    }
    expect(problems).toEqual([]);
  });

  it('names every engine suite run by npm test test-<engine>, each a real target', () => {
    const extra = execFileSync(process.execPath, ['tools/ci/extra-targets.mjs'], { cwd: workspaceRoot, encoding: 'utf8' }).trim().split('\n');
    const owners = (target: string) => Object.keys(graph.nodes).filter((p) => target in (graph.nodes[p].data.targets ?? {}));
    // helm-lint keeps the name the SPEC gives it; it is a lint, whose render tests run under the chart's `test`
    expect(extra.filter((t) => t !== 'helm-lint' && !t.startsWith('test-'))).toEqual([]);
    expect(extra.map((t) => [t, owners(t).length > 0])).toEqual(extra.map((t) => [t, true]));
  });
});

describe('docs/architecture.md#boundaries', () => {
  it('lists each project under every type and scope tag it carries, and under no other', () => {
    const text = readFileSync(join(workspaceRoot, 'docs/architecture.md'), 'utf8');
    const section = text.slice(text.indexOf('## Boundaries'), text.indexOf('\n## ', text.indexOf('## Boundaries') + 1) >>> 0);
    const documented: Record<string, string[]> = {};
    for (const row of section.split('\n').filter((l) => /^\| `(type|scope):/.test(l))) {
      const [tags, projects] = row.split('|').slice(1, 3);
      const names = [...projects.matchAll(/`([\w-]+)`/g)].map((m) => m[1]).sort();
      const tagNames = [...tags.matchAll(/`([\w:-]+)`/g)].map((m) => m[1]);
      // a row "`scope:backend` / `scope:frontend` | `backend` / `frontend`, `frontend-e2e`" pairs them in order
      if (tagNames.length === 2 && projects.includes(' / ')) {
        const [first, second] = projects.split(' / ');
        documented[tagNames[0]] = [...first.matchAll(/`([\w-]+)`/g)].map((m) => m[1]).sort();
        documented[tagNames[1]] = [...second.matchAll(/`([\w-]+)`/g)].map((m) => m[1]).sort();
      } else documented[tagNames[0]] = names;
    }
    const actual: Record<string, string[]> = {};
    for (const [name, node] of Object.entries(graph.nodes))
      for (const tag of (node.data.tags ?? []).filter((t) => /^(type|scope):/.test(t))) (actual[tag] ??= []).push(name);
    for (const names of Object.values(actual)) names.sort();
    expect(documented).toEqual(actual);
  });
});
