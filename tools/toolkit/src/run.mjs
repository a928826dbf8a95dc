// @ts-check
// Running the commands the tools are made of (kubectl, helm, docker): captured, streamed, or as numbered
// steps that print their command and time; failures say what failed and what to do next.
import { execFile, execFileSync, spawn, spawnSync } from 'node:child_process';

/** A failure that says what failed (message) and what to do next (next). */
export class Failure extends Error {
  /** @param {string} message @param {string} next */
  constructor(message, next) {
    super(message);
    this.next = next;
  }
}

/**
 * Prints `<tool>: <message>` and `  next: <next>` on stderr and exits with status 1.
 * @param {string} tool
 * @param {string} message
 * @param {string} [next]
 * @returns {never}
 */
export function fail(tool, message, next) {
  console.error(`${tool}: ${message}`);
  if (next) console.error(`  next: ${next}`);
  process.exit(1);
}

/**
 * Runs a command and returns its trimmed stdout, or an Error saying why it failed (never throws).
 * @param {string} binary
 * @param {string[]} args
 * @returns {string | Error}
 */
export function tryRun(binary, args, timeoutMs = 15_000) {
  try {
    return execFileSync(binary, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: timeoutMs }).trim();
  } catch (error) {
    const e = /** @type {{ stderr?: string, code?: string, message: string }} */ (error);
    if (e.code === 'ENOENT') return new Error(`${binary} is not installed (not on PATH)`);
    return new Error((e.stderr ?? '').trim().split('\n').pop() || e.message);
  }
}

/**
 * @param {string} binary
 * @param {string[]} args
 * @param {{ input?: string }} [options]
 */
export function capture(binary, args, options = {}) {
  return execFileSync(binary, args, { encoding: 'utf8', input: options.input, stdio: ['pipe', 'pipe', 'pipe'] }).trim();
}

/**
 * @param {string} binary
 * @param {string[]} args
 * @param {{ timeoutMs?: number }} [options]
 * @returns {Promise<string>} stdout; rejects with stderr's last line in the message
 */
export function captureAsync(binary, args, { timeoutMs = 20_000 } = {}) {
  return new Promise((resolve, reject) => {
    execFile(binary, args, { encoding: 'utf8', timeout: timeoutMs, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error) reject(new Error(`${show([binary, ...args.slice(0, 4)])}…: ${String(stderr || error.message).trim().split('\n').pop()}`));
      else resolve(stdout);
    });
  });
}

/**
 * A command as a shell would take it, quoted where needed.
 * @param {string[]} command
 */
export function show(command) {
  return command.map((part) => (/^[\w@%+=:,./-]+$/.test(part) ? part : `'${part.replace(/'/g, `'\\''`)}'`)).join(' ');
}

/** @typedef {{ code: number | null, signal: NodeJS.Signals | null, error?: Error }} Exit */
/** @typedef {{ child: import('node:child_process').ChildProcess, output: () => string, exited: Promise<Exit> }} Streaming */

/**
 * Starts a command whose output is passed through as it comes and also kept.
 * @param {string[]} command
 * @param {{ cwd?: string }} [options]
 * @returns {Streaming}
 */
export function startStreaming(command, { cwd } = {}) {
  const child = spawn(command[0], command.slice(1), { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout?.on('data', (chunk) => {
    output += chunk;
    process.stdout.write(chunk);
  });
  child.stderr?.on('data', (chunk) => {
    output += chunk;
    process.stderr.write(chunk);
  });
  const exited = new Promise((resolve) => {
    child.on('error', (error) => resolve({ code: null, signal: null, error }));
    child.on('close', (code, signal) => resolve({ code, signal }));
  });
  return { child, output: () => output, exited: /** @type {Promise<Exit>} */ (exited) };
}

let stepNumber = 0;
/**
 * Prints the numbered header of a step: its title and its command.
 * @param {string} title
 * @param {string[]} command
 */
export function beginStep(title, command) {
  stepNumber += 1;
  console.log(`\n[${stepNumber}] ${title}\n    $ ${show(command)}`);
  return { number: stepNumber, started: Date.now() };
}

/** @param {number} started ms */
export function secondsSince(started) {
  return ((Date.now() - started) / 1000).toFixed(1);
}

/**
 * The failure of a step begun with beginStep: which step, after how long, why, and the step's hint.
 * @param {{ number: number, started: number }} step
 * @param {string} reason
 * @param {{ title: string, hint?: string }} what
 */
export function stepFailure({ number, started }, reason, { title, hint }) {
  return new Failure(`step ${number} failed after ${secondsSince(started)}s (${reason}): ${title}`, hint ?? 'read the output above');
}

/**
 * Runs one step with its output on the terminal; throws a Failure with the hint when it fails.
 * @param {string} title
 * @param {string[]} command
 * @param {{ hint?: string, cwd?: string }} [options]
 */
export function runStep(title, command, { hint, cwd } = {}) {
  const step = beginStep(title, command);
  const result = spawnSync(command[0], command.slice(1), { stdio: 'inherit', cwd });
  if (result.status !== 0) throw stepFailure(step, result.error ? result.error.message : `exit code ${result.status}`, { title, hint });
  console.log(`    done in ${secondsSince(step.started)}s`);
}
