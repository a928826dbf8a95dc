// Computes the real project graph once per test run and hands its path to every test file.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { writeProjectGraph } from '../../src/nx.mjs';

declare module 'vitest' {
  export interface ProvidedContext {
    projectGraphFile: string;
  }
}

export default function setup(project: TestProject) {
  const dir = mkdtempSync(join(tmpdir(), 'workspace-checks-'));
  project.provide('projectGraphFile', writeProjectGraph(join(dir, 'graph.json')));
  return () => rmSync(dir, { recursive: true, force: true });
}
