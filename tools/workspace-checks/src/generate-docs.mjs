#!/usr/bin/env node
// @ts-check
// `npx nx run workspace-checks:generate-docs`: rewrites the generated sections of the docs:
//   docs/configuration.md  chart values, from deploy/helm/values.schema.json and the values files
//   docs/architecture.md   the Nx project graph, from `nx graph`
// `--check` fails instead of writing when a section is stale (the workspace-checks tests do the same).
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { chartValueRows, renderChartValues } from './chart-values.mjs';
import { replaceSection } from './doc-sections.mjs';
import { readProjectGraph, workspaceRoot, writeProjectGraph } from './nx.mjs';
import { renderProjectGraph } from './project-graph-doc.mjs';

export const CONFIGURATION_DOC = 'docs/configuration.md';
export const ARCHITECTURE_DOC = 'docs/architecture.md';
const CHART = 'deploy/helm';

/** @param {string} relative */
const read = (relative) => readFileSync(join(workspaceRoot, relative), 'utf8');

/** docs/configuration.md as the generator writes it. */
export function generatedConfigurationDoc() {
  const rows = chartValueRows({
    schema: JSON.parse(read(`${CHART}/values.schema.json`)),
    values: parse(read(`${CHART}/values.yaml`)),
    dev: parse(read(`${CHART}/values-dev.yaml`)),
    prod: parse(read(`${CHART}/values-prod.yaml`)),
  });
  return replaceSection(read(CONFIGURATION_DOC), 'generated:chart-values', renderChartValues(rows), CONFIGURATION_DOC);
}

/**
 * docs/architecture.md as the generator writes it.
 * @param {import('./nx.mjs').ProjectGraph} graph
 */
export function generatedArchitectureDoc(graph) {
  return replaceSection(read(ARCHITECTURE_DOC), 'generated:project-graph', renderProjectGraph(graph), ARCHITECTURE_DOC);
}

function main() {
  const check = process.argv.includes('--check');
  const dir = mkdtempSync(join(tmpdir(), 'generate-docs-'));
  try {
    console.log('generate-docs: computing the project graph (nx graph)');
    const graph = readProjectGraph(writeProjectGraph(join(dir, 'graph.json')));
    const stale = [];
    for (const [file, wanted] of [
      [CONFIGURATION_DOC, generatedConfigurationDoc()],
      [ARCHITECTURE_DOC, generatedArchitectureDoc(graph)],
    ]) {
      if (read(file) === wanted) {
        console.log(`generate-docs: ${file} is up to date`);
      } else if (check) {
        stale.push(file);
      } else {
        writeFileSync(join(workspaceRoot, file), wanted);
        console.log(`generate-docs: wrote ${file}`);
      }
    }
    if (stale.length) {
      console.error(`generate-docs: ${stale.join(', ')} stale: run \`npx nx run workspace-checks:generate-docs\` and commit the result`);
      process.exitCode = 1;
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  try {
    main();
  } catch (error) {
    console.error(`generate-docs failed: ${error instanceof Error ? error.message : error}`);
    process.exit(1);
  }
}
