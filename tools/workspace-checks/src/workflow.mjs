// @ts-check
// Reads a GitHub Actions workflow and finds every Nx invocation in its `run:` steps.
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';

/**
 * @typedef {{ name?: string, id?: string, uses?: string, run?: string, with?: Record<string, unknown>, env?: Record<string, unknown>, if?: string }} Step
 * @typedef {{ 'runs-on'?: string, if?: string, needs?: string | string[], environment?: string | { name: string },
 *   permissions?: Record<string, string>, env?: Record<string, unknown>, steps: Step[] }} Job
 * @typedef {{ on: Record<string, unknown>, permissions?: Record<string, string>, env?: Record<string, unknown>, jobs: Record<string, Job> }} Workflow
 *
 * @typedef {object} NxInvocation
 * @property {string} job
 * @property {number} step index of the step in the job
 * @property {string} line the command line as written
 * @property {'affected' | 'run-many' | 'run' | 'target' | 'builtin'} kind
 * @property {string} [command] for builtin: the nx command (`sync:check`, `show`, ...)
 * @property {string[]} targets
 * @property {string[]} projects named with -p/--projects, `run p:t` or `nx <target> <project>`
 * @property {string} [configuration]
 * @property {string[]} passthrough arguments after `--`
 */

/** Nx's own commands (not targets): `nx <command>` never names a project target. */
const BUILTIN_COMMANDS = new Set([
  'add', 'affected', 'connect', 'daemon', 'exec', 'format', 'format:check', 'format:write', 'g', 'generate', 'graph',
  'import', 'init', 'list', 'migrate', 'release', 'repair', 'report', 'reset', 'run', 'run-many', 'show', 'sync',
  'sync:check', 'view-logs', 'watch',
]);

/** @param {string} file */
export function readWorkflow(file) {
  return /** @type {Workflow} */ (parse(readFileSync(file, 'utf8')));
}

/**
 * Splits a shell line into words (plain words and simple quotes; enough for workflow commands).
 * @param {string} text
 */
function words(text) {
  return [...text.matchAll(/'([^']*)'|"([^"]*)"|(\S+)/g)].map((m) => m[1] ?? m[2] ?? m[3]);
}

/**
 * Parses the words after `nx`.
 * @param {string[]} args
 * @returns {Omit<NxInvocation, 'job' | 'step' | 'line'>}
 */
export function parseNxArgs(args) {
  const separator = args.indexOf('--');
  const passthrough = separator >= 0 ? args.slice(separator + 1) : [];
  const own = separator >= 0 ? args.slice(0, separator) : args;
  const [first, ...rest] = own;
  /** @type {string[]} */
  const targets = [];
  /** @type {string[]} */
  const projects = [];
  /** @type {string | undefined} */
  let configuration;

  /** @param {string} value */
  const list = (value) => value.split(',').filter(Boolean);
  for (let i = 0; i < rest.length; i++) {
    const word = rest[i];
    const [flag, inline] = word.startsWith('-') ? [word.split('=')[0], word.includes('=') ? word.slice(word.indexOf('=') + 1) : undefined] : [word, undefined];
    if (flag === '-t' || flag === '--targets' || flag === '--target') {
      if (inline !== undefined) targets.push(...list(inline));
      else while (rest[i + 1] !== undefined && !rest[i + 1].startsWith('-')) targets.push(...list(rest[++i]));
    } else if (flag === '-p' || flag === '--projects') {
      if (inline !== undefined) projects.push(...list(inline));
      else while (rest[i + 1] !== undefined && !rest[i + 1].startsWith('-')) projects.push(...list(rest[++i]));
    } else if (flag === '-c' || flag === '--configuration') {
      configuration = inline ?? rest[++i];
    }
  }

  if (first === 'affected' || first === 'run-many') return { kind: first, targets, projects, configuration, passthrough };
  if (first === 'run') {
    const [project, target, config] = (rest.find((w) => !w.startsWith('-')) ?? '').split(':');
    return { kind: 'run', targets: target ? [target] : [], projects: project ? [project] : [], configuration: config ?? configuration, passthrough };
  }
  if (BUILTIN_COMMANDS.has(first)) return { kind: 'builtin', command: first, targets: [], projects: [], passthrough };
  // `nx <target> <project>` (or `nx <project>:<target>` shorthand is not used here)
  const project = rest.find((w) => !w.startsWith('-'));
  return { kind: 'target', targets: [first], projects: project ? [project] : [], configuration, passthrough };
}

/**
 * Every `nx ...` / `npx nx ...` command in the workflow's run steps, in order.
 * @param {Workflow} workflow
 * @returns {NxInvocation[]}
 */
export function nxInvocations(workflow) {
  /** @type {NxInvocation[]} */
  const found = [];
  for (const [job, { steps }] of Object.entries(workflow.jobs)) {
    steps.forEach((step, index) => {
      if (typeof step.run !== 'string') return;
      const script = step.run.replace(/\\\n\s*/g, ' ');
      for (const rawLine of script.split('\n')) {
        // a line may chain commands: `a && npx nx b; c`
        for (const command of rawLine.replace(/(^|\s)#.*$/, '').split(/&&|\|\||;|\|/)) {
          const match = /^\s*(?:npx\s+)?nx\s+(.+)$/.exec(command);
          if (!match) continue;
          found.push({ job, step: index, line: command.trim(), ...parseNxArgs(words(match[1])) });
        }
      }
    });
  }
  return found;
}

/**
 * Every direct call of the deploy tool (`node tools/deploy/src/cli.mjs ...`) in the workflow's run steps, in order;
 * `args` are its words as written (quotes kept inside a word, e.g. `--app="$APPS"`).
 * @param {Workflow} workflow
 * @returns {{ job: string, step: number, args: string[] }[]}
 */
export function deployToolInvocations(workflow) {
  /** @type {{ job: string, step: number, args: string[] }[]} */
  const found = [];
  for (const [job, { steps }] of Object.entries(workflow.jobs)) {
    steps.forEach((step, index) => {
      for (const match of (step.run ?? '').replace(/\\\n\s*/g, ' ').matchAll(/(?:^|[;&|]\s*|\s)node tools\/deploy\/src\/cli\.mjs\b([^\n;&|]*)/g)) {
        found.push({ job, step: index, args: match[1].trim().split(/\s+/).filter(Boolean) });
      }
    });
  }
  return found;
}

/**
 * Index of the first step of a job that satisfies the predicate (-1 when none does).
 * @param {Job} job
 * @param {(step: Step) => boolean} predicate
 */
export function stepIndex(job, predicate) {
  return job.steps.findIndex(predicate);
}
