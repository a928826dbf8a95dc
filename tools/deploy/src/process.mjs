// @ts-check
// Running the commands a deploy is made of (kubectl, helm, docker): captured, streamed, and shown as typed.
import { execFile, execFileSync, spawn, spawnSync } from 'node:child_process';

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

/** @param {string[]} command */
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

/** A failure that says what failed and what to do next. */
export class DeployFailure extends Error {
  /** @param {string} message @param {string} next */
  constructor(message, next) {
    super(message);
    this.next = next;
  }
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
  return new DeployFailure(`step ${number} failed after ${secondsSince(started)}s (${reason}): ${title}`, hint ?? 'read the output above');
}

/**
 * Runs one step with its output on the terminal; throws with the hint when it fails.
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
