// `nx affected` selects what the docs say it selects: runs the real `nx show projects --affected --files=...`
// for a backend file, the shared library, a chart template and a docs page, compares with the project
// graph, and re-checks every row of the table in docs/lifecycle.md ("What affected-only means").
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import { readSection, tableRows } from '../src/doc-sections.mjs';
import { affectedProjects, dependantsOf, ownerOf, readProjectGraph, workspaceRoot, type ProjectGraph } from '../src/nx.mjs';

const graph: ProjectGraph = readProjectGraph(inject('projectGraphFile'));
const projects = Object.keys(graph.nodes).sort();

const seen = new Map<string, string[]>();
/** Each file is asked about once per run (every nx call computes the graph, seconds each). */
function affected(file: string) {
  if (!seen.has(file)) seen.set(file, affectedProjects([file]));
  return seen.get(file) ?? [];
}

/** The owning project plus everything that depends on it: what Nx should select for a change of the file. */
function expectedFor(file: string) {
  const owner = ownerOf(graph, file);
  if (!owner) throw new Error(`no project owns ${file}`);
  return [owner, ...dependantsOf(graph, owner)].sort();
}

/** Projects whose target inputs name files under a workspace folder outside every project. */
function projectsReading(folder: string) {
  return Object.values(graph.nodes)
    .filter((node) => Object.values(node.data.targets).some((t) => JSON.stringify(t.inputs ?? []).includes(`{workspaceRoot}/${folder}/`)))
    .map((node) => node.name)
    .sort();
}

const withTarget = (target: string) => projects.filter((p) => target in graph.nodes[p].data.targets);
const deployable = [...withTarget('deploy'), ...withTarget('helm-deploy')];

describe('nx affected', () => {
  it('selects the backend, and what depends on it, for a backend source change, never the frontend', () => {
    const selected = affected('apps/backend/src/main.ts');
    expect(selected).toEqual(expectedFor('apps/backend/src/main.ts'));
    expect(selected).toContain('backend');
    expect(selected).not.toContain('frontend');
    expect(selected).not.toContain('chart');
  });

  it('selects the library, both apps and everything that depends on them for a libs/health change', () => {
    const selected = affected('libs/health/src/index.ts');
    expect(selected).toEqual(expectedFor('libs/health/src/index.ts'));
    expect(selected).toEqual(expect.arrayContaining(['health', 'backend', 'frontend', 'frontend-e2e']));
  });

  it('selects the chart, and no app, for a chart template change', () => {
    const selected = affected('deploy/helm/templates/backend-deployment.yaml');
    expect(selected).toEqual(expectedFor('deploy/helm/templates/backend-deployment.yaml'));
    expect(selected).toContain('chart');
    expect(selected).not.toContain('backend');
    expect(selected).not.toContain('frontend');
  });

  it('selects no app, library or chart for a docs change, only the checks that read the docs', () => {
    const selected = affected('docs/deploy.md');
    expect(selected).toEqual(projectsReading('docs'));
    expect(selected.filter((p) => deployable.includes(p) || p === 'health')).toEqual([]);
  });

  it('selects what docs/lifecycle.md says, row by row', () => {
    const doc = readFileSync(join(workspaceRoot, 'docs', 'lifecycle.md'), 'utf8');
    const rows = tableRows(readSection(doc, 'checked:affected', 'docs/lifecycle.md'));
    expect(rows.length).toBeGreaterThan(5);
    /** Project names mentioned in a cell ("every project" = all of them; "nothing" / "—" = none). */
    const named = (cell: string) => (/every project/.test(cell) ? projects : projects.filter((p) => new RegExp(`(^|[ ,(])${p}($|[ ,)])`).test(cell)));
    const wrong: string[] = [];
    for (const [files, selected, deploys, chartDeploys] of rows) {
      const file = /`([^`]+)`/.exec(files)?.[1] ?? '';
      const actual = affected(file);
      const claims = {
        affected: named(selected),
        deploy: named(deploys.split('(')[0]),
        'helm-deploy': named(chartDeploys),
      };
      const truth = {
        affected: actual,
        deploy: actual.filter((p) => withTarget('deploy').includes(p)),
        'helm-deploy': actual.filter((p) => withTarget('helm-deploy').includes(p)),
      };
      for (const key of Object.keys(truth) as (keyof typeof truth)[]) {
        if (claims[key].join() !== truth[key].join()) wrong.push(`${file}: doc says ${key} [${claims[key]}], nx says [${truth[key]}]`);
      }
    }
    expect(wrong).toEqual([]);
  }, 600_000); // up to eight cold `nx show projects` runs on a busy machine
});
