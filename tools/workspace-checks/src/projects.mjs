// @ts-check
// Facts about projects read from their folders, to derive which targets each one must have.
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { workspaceRoot } from './nx.mjs';

const SKIPPED_DIRS = new Set(['node_modules', 'dist', '.next', 'out-tsc', 'test-output', 'go', 'go-coredns']);

/**
 * Names of the projects whose root folder holds a file matching the pattern.
 * @param {import('./nx.mjs').ProjectGraph} graph
 * @param {RegExp} pattern tested against file names in the project root
 */
export function projectsWithRootFile(graph, pattern) {
  return Object.values(graph.nodes)
    .filter((node) => node.data.root !== '.' && existsSync(join(workspaceRoot, node.data.root)))
    .filter((node) => readdirSync(join(workspaceRoot, node.data.root)).some((file) => pattern.test(file)))
    .map((node) => node.name)
    .sort();
}

/**
 * Test files (`*.spec.*`, `*.test.*`, `*.e2e.*`) under a project root, build output and dependencies left out.
 * @param {string} root project root relative to the workspace
 * @returns {string[]}
 */
export function testFiles(root) {
  /** @type {string[]} */
  const found = [];
  /** @param {string} dir */
  const walk = (dir) => {
    for (const entry of readdirSync(join(workspaceRoot, dir), { withFileTypes: true })) {
      if (entry.isDirectory()) {
        if (!SKIPPED_DIRS.has(entry.name)) walk(join(dir, entry.name));
      } else if (/\.(spec|test|e2e)\.(ts|tsx|mts|mjs|js)$/.test(entry.name)) {
        found.push(join(dir, entry.name));
      }
    }
  };
  walk(root);
  return found;
}
