// Every tool file is type-checked: each JavaScript and TypeScript file under tools/ is in a TypeScript project
// that some project's `typecheck` target builds (`tsc --build <project>/tsconfig.json` and the references
// below it), with checkJs on for JavaScript.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import ts from 'typescript';
import { afterAll, describe, expect, it } from 'vitest';
import { workspaceRoot } from '../src/nx.mjs';

const SOURCE = /\.[cm]?[jt]sx?$/;
const JAVASCRIPT = /\.[cm]?jsx?$/;

/** The files a `tsc --build tsconfig` type-checks: its own and those of every project it references. */
function checkedFiles(tsconfig: string, into = new Set<string>(), seen = new Set<string>()): Set<string> {
  if (seen.has(tsconfig)) return into;
  seen.add(tsconfig);
  const parsed = ts.getParsedCommandLineOfConfigFile(tsconfig, {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: (d) => { throw new Error(ts.flattenDiagnosticMessageText(d.messageText, '\n')); } });
  if (!parsed) throw new Error(`cannot read ${tsconfig}`);
  for (const file of parsed.fileNames) if (!JAVASCRIPT.test(file) || parsed.options.checkJs) into.add(file);
  for (const reference of parsed.projectReferences ?? []) checkedFiles(ts.resolveProjectReferencePath(reference), into, seen);
  return into;
}

const scratch = mkdtempSync(join(tmpdir(), 'typecheck-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('the tools are type-checked', () => {
  it('counts a JavaScript file only where checkJs is on', () => {
    writeFileSync(join(scratch, 'a.mjs'), 'export const a = 1;\n');
    writeFileSync(join(scratch, 'b.ts'), 'export const b = 1;\n');
    writeFileSync(join(scratch, 'tsconfig.json'), JSON.stringify({ compilerOptions: { allowJs: true }, include: ['*.mjs', '*.ts'] }));
    expect([...checkedFiles(join(scratch, 'tsconfig.json'))].map((f) => relative(scratch, f))).toEqual(['b.ts']);
  });

  it('leaves no .mjs, .js, .cjs or .ts file under tools/ outside every typecheck target', () => {
    const projects = execFileSync('git', ['ls-files', '-co', '--exclude-standard', 'tools/*/tsconfig.json'], { cwd: workspaceRoot, encoding: 'utf8' }).trim().split('\n');
    const checked = new Set<string>();
    for (const project of projects) checkedFiles(join(workspaceRoot, project), checked);
    const files = execFileSync('git', ['ls-files', '-co', '--exclude-standard', 'tools'], { cwd: workspaceRoot, encoding: 'utf8' })
      .trim()
      .split('\n')
      .filter((file) => SOURCE.test(file) && !file.endsWith('.d.ts'));
    expect(files.length).toBeGreaterThan(100);
    expect(files.filter((file) => !checked.has(join(workspaceRoot, file)))).toEqual([]);
  });
});
