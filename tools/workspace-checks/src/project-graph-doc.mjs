// @ts-check
// The Nx project graph as a Mermaid diagram for docs/architecture.md, from `nx graph --file` output.

/** @param {string} name */
const id = (name) => name.replace(/[^A-Za-z0-9]/g, '_');

/**
 * @param {import('./nx.mjs').ProjectGraph} graph
 */
export function renderProjectGraph(graph) {
  const nodes = Object.values(graph.nodes).sort((a, b) => a.data.root.localeCompare(b.data.root));
  /** @type {Map<string, typeof nodes>} */
  const folders = new Map();
  for (const node of nodes) {
    const folder = node.data.root.split('/')[0];
    folders.set(folder, [...(folders.get(folder) ?? []), node]);
  }
  const lines = ['```mermaid', 'flowchart LR'];
  for (const [folder, members] of folders) {
    lines.push(`  subgraph ${id(folder)}_dir ["${folder}/"]`);
    for (const node of members) lines.push(`    ${id(node.name)}["${node.name}<br/>${node.data.root}"]`);
    lines.push('  end');
  }
  const edges = Object.entries(graph.dependencies)
    .flatMap(([source, deps]) => deps.filter((d) => graph.nodes[d.target]).map((d) => ({ source, target: d.target, type: d.type })))
    .sort((a, b) => `${a.source} ${a.target}`.localeCompare(`${b.source} ${b.target}`));
  for (const { source, target, type } of edges) {
    lines.push(type === 'implicit' ? `  ${id(source)} -. implicit .-> ${id(target)}` : `  ${id(source)} --> ${id(target)}`);
  }
  lines.push('```');
  return lines.join('\n');
}
