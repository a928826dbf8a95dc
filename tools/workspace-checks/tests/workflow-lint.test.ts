// actionlint (shellcheck included) and zizmor find nothing in the GitHub workflows, and each `uses:` is pinned
// to a full commit SHA with the release it is. The linters come from tools/ci/setup/35-workflow-lint.sh.
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { workspaceRoot } from '../src/nx.mjs';
import { readWorkflow } from '../src/workflow.mjs';
import { actionlintFindings, SETUP_HINT, showFinding, workflowLinters, zizmorFindings } from '../src/workflow-lint.mjs';

// Every temporary folder of this file is made inside scratch, which is removed when the file's tests end.
const scratch = mkdtempSync(join(tmpdir(), 'workflow-lint-test-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const workflowsDir = join(workspaceRoot, '.github', 'workflows');
const workflowFiles = readdirSync(workflowsDir)
  .filter((f) => /\.ya?ml$/.test(f))
  .map((f) => join(workflowsDir, f));
const linters = workflowLinters();

// A workflow with one known finding per check, so that a linter that silently checks nothing fails here.
const BAD_WORKFLOW = `name: bad
on: [pull_request]
jobs:
  x:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - run: echo \${{ github.event.pull_request.title }}
      - run: echo $FOO
`;

/**
 * The rule for a suite whose binaries are missing, as for the chart's (deploy/helm/tests/helpers.ts): under
 * `npm test` (TODO_REQUIRE_ENGINES=1) it fails with the setup message; elsewhere (a developer's `nx test`,
 * the GitHub workflow's affected checks) it is skipped with that message as a warning.
 */
function describeWithLinters(name: string, body: () => void) {
  if (linters.missing.length === 0) return describe(name, body);
  const message = `${name}: missing ${linters.missing.join(', ')}: ${SETUP_HINT}`;
  if (process.env.TODO_REQUIRE_ENGINES === '1') {
    return describe(name, () => {
      it('has the linters it needs (TODO_REQUIRE_ENGINES=1: a missing one fails the suite)', () => {
        throw new Error(message);
      });
    });
  }
  console.warn(`skipped ${message}`);
  return describe.skip(name, body);
}

describe('pinned actions', () => {
  it('pins every `uses:` to a full commit SHA, with the release tag in a comment', () => {
    const problems: string[] = [];
    let count = 0;
    for (const file of workflowFiles) {
      readFileSync(file, 'utf8')
        .split('\n')
        .forEach((line, i) => {
          const uses = /^\s*(?:-\s+)?uses:\s*(\S+)(.*)$/.exec(line);
          if (!uses) return;
          count++;
          if (!/^[\w.-]+\/[\w./-]+@[0-9a-f]{40}$/.test(uses[1])) problems.push(`${file}:${i + 1}: ${uses[1]} is not pinned to a commit SHA`);
          if (!/^\s+# v\d+\.\d+\.\d+\s*$/.test(uses[2])) problems.push(`${file}:${i + 1}: ${uses[1]} has no "# vX.Y.Z" comment`);
        });
    }
    expect(count).toBeGreaterThan(0);
    expect(problems).toEqual([]);
  });

  it('keeps no token in .git/config: every checkout sets persist-credentials: false', () => {
    const checkouts = workflowFiles.flatMap((file) =>
      Object.entries(readWorkflow(file).jobs).flatMap(([job, { steps }]) =>
        steps.filter((s) => s.uses?.startsWith('actions/checkout@')).map((s) => ({ where: `${file} ${job}`, persist: s.with?.['persist-credentials'] })),
      ),
    );
    expect(checkouts.length).toBeGreaterThan(0);
    expect(checkouts.filter((c) => c.persist !== false)).toEqual([]);
  });
});

describeWithLinters('workflow linters (actionlint with shellcheck, zizmor)', () => {
  it('actionlint and shellcheck find nothing in the workflows', () => {
    const findings = actionlintFindings(linters, workflowFiles);
    expect(findings.map(showFinding)).toEqual([]);
  });

  it('zizmor (offline, pedantic) finds nothing in the workflows that is not justified inline', () => {
    const findings = zizmorFindings(linters, workflowFiles);
    expect(findings.map(showFinding)).toEqual([]);
  });

  it('would find an unquoted variable, an injected expression, an unpinned action and a persisted token', () => {
    const file = join(mkdtempSync(join(scratch, 'workflow-lint-')), 'bad.yml');
    writeFileSync(file, BAD_WORKFLOW);
    const actionlint = actionlintFindings(linters, [file]);
    expect(actionlint.filter((f) => f.rule === 'shellcheck' && f.message.includes('SC2086')).map((f) => f.line)).toEqual([9]);
    expect(actionlint.some((f) => f.rule === 'expression' && f.message.includes('potentially untrusted'))).toBe(true);
    const zizmor = zizmorFindings(linters, [file]).map((f) => `${f.rule}:${f.line}`);
    expect(zizmor).toEqual(expect.arrayContaining(['unpinned-uses:7', 'artipacked:7', 'template-injection:8']));
  });
});
