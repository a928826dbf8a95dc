// @ts-check
// Runs the workspace's real nx (never the daemon or Nx Cloud) and reads its project graph.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const workspaceRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

/**
 * @typedef {{ executor?: string, command?: string, options?: Record<string, any>, configurations?: Record<string, any>,
 *   defaultConfiguration?: string, dependsOn?: unknown[], inputs?: unknown[] }} TargetConfig
 * @typedef {{ name: string, type: string, data: { root: string, targets: Record<string, TargetConfig>, implicitDependencies?: string[], tags?: string[] } }} ProjectNode
 * @typedef {{ source: string, target: string, type: string }} Dependency
 * @typedef {{ nodes: Record<string, ProjectNode>, dependencies: Record<string, Dependency[]> }} ProjectGraph
 */

/**
 * @param {string[]} args
 * @param {{ timeoutMs?: number }} [options]
 */
export function nx(args, { timeoutMs = 180_000 } = {}) {
  const result = spawnSync('npx', ['nx', ...args], {
    cwd: workspaceRoot,
    encoding: 'utf8',
    timeout: timeoutMs,
    env: { ...process.env, NX_DAEMON: 'false', NX_NO_CLOUD: 'true', NX_TUI: 'false', FORCE_COLOR: '0' },
  });
  if (result.status !== 0) {
    throw new Error(`npx nx ${args.join(' ')} failed (${result.error?.message ?? `exit ${result.status}`}):\n${result.stdout}\n${result.stderr}`.trim());
  }
  return result.stdout;
}

/**
 * Writes the project graph with `nx graph --file` and returns the path.
 * @param {string} file absolute path of a .json file
 */
export function writeProjectGraph(file) {
  nx(['graph', `--file=${file}`]);
  return file;
}

/**
 * @param {string} file written by writeProjectGraph
 * @returns {ProjectGraph}
 */
export function readProjectGraph(file) {
  return JSON.parse(readFileSync(file, 'utf8')).graph;
}

/**
 * Projects `nx show projects --affected --files=...` selects for a change of the given files.
 * @param {string[]} files paths relative to the workspace root
 * @returns {string[]} sorted project names
 */
export function affectedProjects(files) {
  const out = nx(['show', 'projects', '--affected', `--files=${files.join(',')}`, '--json']);
  return /** @type {string[]} */ (JSON.parse(out.slice(out.indexOf('[')))).sort();
}

/**
 * Every project that depends on `name`, directly or through others.
 * @param {ProjectGraph} graph
 * @param {string} name
 */
export function dependantsOf(graph, name) {
  /** @type {Set<string>} */
  const found = new Set();
  const queue = [name];
  while (queue.length) {
    const current = /** @type {string} */ (queue.shift());
    for (const [source, deps] of Object.entries(graph.dependencies)) {
      if (deps.some((d) => d.target === current) && !found.has(source)) {
        found.add(source);
        queue.push(source);
      }
    }
  }
  return [...found].sort();
}

/**
 * The project that owns a file (the one with the longest root that contains it).
 * @param {ProjectGraph} graph
 * @param {string} file
 */
export function ownerOf(graph, file) {
  const owners = Object.values(graph.nodes).filter((n) => n.data.root !== '.' && file.startsWith(`${n.data.root}/`));
  return owners.sort((a, b) => b.data.root.length - a.data.root.length)[0]?.name;
}

