// `nx affected` selects what the docs say it selects (docs/lifecycle.md "What affected-only means",
// docs/architecture.md): runs the real `nx show projects --affected --files=...` for each kind of change.
import { describe, expect, inject, it } from 'vitest';
import { affectedProjects, dependantsOf, ownerOf, readProjectGraph, type ProjectGraph } from '../src/nx.mjs';

const graph: ProjectGraph = readProjectGraph(inject('projectGraphFile'));

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

const deployable = Object.keys(graph.nodes).filter((p) => 'deploy' in graph.nodes[p].data.targets || 'helm-deploy' in graph.nodes[p].data.targets);

describe('nx affected', () => {
  it('selects the backend, and what depends on it, for a backend source change, never the frontend', () => {
    const selected = affectedProjects(['apps/backend/src/main.ts']);
    expect(selected).toEqual(expectedFor('apps/backend/src/main.ts'));
    expect(selected).toContain('backend');
    expect(selected).not.toContain('frontend');
    expect(selected).not.toContain('chart');
  });

  it('selects the library, both apps and everything that depends on them for a libs/health change', () => {
    const selected = affectedProjects(['libs/health/src/index.ts']);
    expect(selected).toEqual(expectedFor('libs/health/src/index.ts'));
    expect(selected).toEqual(expect.arrayContaining(['health', 'backend', 'frontend', 'frontend-e2e']));
  });

  it('selects the chart, and no app, for a chart template change', () => {
    const selected = affectedProjects(['deploy/helm/templates/backend-deployment.yaml']);
    expect(selected).toEqual(expectedFor('deploy/helm/templates/backend-deployment.yaml'));
    expect(selected).toContain('chart');
    expect(selected).not.toContain('backend');
    expect(selected).not.toContain('frontend');
  });

  it('selects no app, library or chart for a docs change, only the checks that read the docs', () => {
    const selected = affectedProjects(['docs/deploy.md']);
    expect(selected).toEqual(projectsReading('docs'));
    expect(selected.filter((p) => deployable.includes(p) || p === 'health')).toEqual([]);
  });
});
