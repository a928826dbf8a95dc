// @ts-check
// actionlint (with shellcheck on every `run:` script) and zizmor on GitHub workflow files, as findings.
// The binaries are the ones tools/ci/setup/35-workflow-lint.sh installs (its versions are the only ones):
// it writes their paths to dist/test-results/env as ACTIONLINT, SHELLCHECK and ZIZMOR.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

/** @typedef {{ linter: 'actionlint' | 'zizmor', file: string, line: number, rule: string, message: string }} Finding */

export const SETUP_HINT = 'run `bash tools/ci/setup/35-workflow-lint.sh` and `set -a; . dist/test-results/env; set +a` (npm test does both)';

/** The linters' paths from the environment, and which of them are missing. */
export function workflowLinters() {
  const linters = { actionlint: process.env.ACTIONLINT ?? '', shellcheck: process.env.SHELLCHECK ?? '', zizmor: process.env.ZIZMOR ?? '' };
  const missing = Object.entries(linters)
    .filter(([, path]) => !path || !existsSync(path))
    .map(([name]) => name);
  return { ...linters, missing };
}

/**
 * @param {string} binary
 * @param {string[]} args
 */
function run(binary, args) {
  const result = spawnSync(binary, args, { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  if (result.error) throw new Error(`${binary} did not run: ${result.error.message}`);
  return result;
}

/**
 * actionlint's findings; shellcheck's come through it, with rule `shellcheck`.
 * @param {{ actionlint: string, shellcheck: string }} linters
 * @param {string[]} files
 * @returns {Finding[]}
 */
export function actionlintFindings({ actionlint, shellcheck }, files) {
  const result = run(actionlint, ['-shellcheck', shellcheck, '-format', '{{json .}}', ...files]);
  // Exit codes: 0 clean, 1 findings, 2 bad options, 3 a failure of its own.
  if (result.status !== 0 && result.status !== 1) throw new Error(`actionlint exited ${result.status}: ${result.stderr.trim()}`);
  /** @type {{ filepath: string, line: number, kind: string, message: string }[]} */
  const errors = JSON.parse(result.stdout.trim() || '[]');
  return errors.map((e) => ({ linter: 'actionlint', file: e.filepath, line: e.line, rule: e.kind, message: e.message }));
}

/**
 * zizmor's findings, offline (no GitHub API), with the pedantic persona: every audit, code smells included.
 * A finding justified inline (`# zizmor: ignore[<rule>]` with the reason) is suppressed and not listed.
 * @param {{ zizmor: string }} linters
 * @param {string[]} files
 * @returns {Finding[]}
 */
export function zizmorFindings({ zizmor }, files) {
  const result = run(zizmor, ['--offline', '--persona=pedantic', '--format=json', '--no-progress', ...files]);
  // Exit codes: 0 clean, 10-14 findings by highest severity; anything else is a failure of its own.
  if (result.status !== 0 && !(result.status && result.status >= 10 && result.status <= 14)) {
    throw new Error(`zizmor exited ${result.status}: ${result.stderr.trim()}`);
  }
  /** @type {{ ident: string, desc: string, locations: { symbolic: { key: { Local?: { verbatim_path: string } }, annotation: string }, concrete: { location: { start_point: { row: number } } } }[] }[]} */
  const findings = JSON.parse(result.stdout.trim() || '[]');
  return findings.map((f) => {
    const where = f.locations[0];
    return {
      linter: 'zizmor',
      file: where?.symbolic.key.Local?.verbatim_path ?? '?',
      line: (where?.concrete.location.start_point.row ?? -1) + 1,
      rule: f.ident,
      message: `${f.desc}${where?.symbolic.annotation ? `: ${where.symbolic.annotation}` : ''}`,
    };
  });
}

/** @param {Finding} f */
export const showFinding = (f) => `${f.file}:${f.line}: ${f.linter} [${f.rule}] ${f.message}`;
