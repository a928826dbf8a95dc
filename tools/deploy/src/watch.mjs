// @ts-check
// `nx deploy <app> --watch`: deploy, then stream the app's logs, and on every save under the app or the
// libraries rebuild its image (`nx run <app>:docker-build`: the content tag decides whether anything changed)
// and deploy it again, until Ctrl+C. Like `skaffold dev`, but the release stays when the loop stops.
// Each cycle is a plain deploy (`todo-deploy` without --watch, a child process), so a cycle that fails says
// why exactly as `nx deploy` does, and the loop keeps watching.
import { spawn } from 'node:child_process';
import { readdirSync, statSync, watch as watchFiles } from 'node:fs';
import { join, relative, sep } from 'node:path';

/** Path segments whose files are build output, caches or tools' state, never a source change. */
const NOT_SOURCES = new Set(['node_modules', 'dist', '.next', 'test-output', 'out-tsc', '.nx', 'coverage', '.turbo', 'tmp']);
/** How long the loop waits after a change for more (an editor saving several files, a formatter). */
const SETTLE_MS = 300;

/**
 * Whether a changed path (relative to the workspace root) is a source the image may be built from.
 * @param {string} path
 */
export function isSourceChange(path) {
  const parts = path.split(sep).filter(Boolean);
  const name = parts.at(-1) ?? '';
  if (parts.some((part) => NOT_SOURCES.has(part))) return false;
  if (name.startsWith('.') || name.endsWith('~') || /\.(swp|swx|tmp|tsbuildinfo)$/.test(name) || /^\d+$/.test(name)) return false;
  return name !== 'next-env.d.ts';
}

/** @param {string} path */
function isFolder(path) {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

/**
 * The deploy's argv for one cycle: the loop's own, without --watch.
 * @param {string[]} argv
 */
export function cycleArgs(argv) {
  return argv.filter((arg) => arg !== '--watch');
}

/**
 * @typedef {object} WatchInput
 * @property {string} app
 * @property {string[]} argv the CLI's arguments (with --watch)
 * @property {string} workspaceRoot
 * @property {string} cli path of cli.mjs
 * @property {{ context: string, namespace: string, release: string }} target
 * @property {string[]} [folders] folders to watch, relative to the workspace root (default: the app and libs)
 */

/** @param {string} message */
const say = (message) => console.log(`watch: ${message}`);

/**
 * Runs a command with its output passed through; resolves to its exit code (null when killed).
 * @param {string} command
 * @param {string[]} args
 * @param {{ cwd: string, env?: NodeJS.ProcessEnv }} options
 * @param {(child: import('node:child_process').ChildProcess | undefined) => void} track
 * @returns {Promise<number | null>}
 */
function passThrough(command, args, { cwd, env }, track) {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd, env, stdio: ['ignore', 'inherit', 'inherit'] });
    track(child);
    child.on('error', (error) => {
      console.error(`watch: could not run ${command}: ${error.message}`);
      track(undefined);
      resolve(1);
    });
    child.on('close', (code) => {
      track(undefined);
      resolve(code);
    });
  });
}

/**
 * @param {WatchInput} input
 * @returns {Promise<void>} resolves when Ctrl+C (SIGINT) or SIGTERM stopped the loop
 */
export function runWatch({ app, argv, workspaceRoot, cli, target, folders = [join('apps', app), 'libs'] }) {
  const env = { ...process.env };
  // The outer `nx deploy` task's own identity; the rebuild is a task of its own.
  for (const name of Object.keys(env)) if (name.startsWith('NX_TASK_')) delete env[name];
  /** @type {import('node:child_process').ChildProcess | undefined} */
  let running;
  /** @type {import('node:child_process').ChildProcess | undefined} */
  let logs;
  /** @type {Set<string>} */
  const pending = new Set();
  let busy = false;
  let stopped = false;
  /** @type {NodeJS.Timeout | undefined} */
  let settle;
  /** @type {Map<string, import('node:fs').FSWatcher>} */
  const watched = new Map();
  const selector = `app.kubernetes.io/instance=${target.release},app.kubernetes.io/component=${app}`;

  /** @param {string} since RFC 3339 time: lines from then on (the first stream shows the last 10 lines instead) */
  function streamLogs(since) {
    logs?.kill();
    const args = ['--context', target.context, '-n', target.namespace, 'logs', '-f', '-l', selector, '--prefix', '--max-log-requests=20', '--ignore-errors'];
    args.push(...(since ? [`--since-time=${since}`] : ['--tail=10']));
    const child = spawn('kubectl', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    logs = child;
    child.stdout?.on('data', (chunk) => process.stdout.write(chunk));
    child.stderr?.on('data', (chunk) => process.stderr.write(`watch: kubectl logs: ${chunk}`));
    child.on('close', () => {
      if (logs !== child || stopped) return;
      // The pods it followed are gone (replaced outside a cycle, or the app was scaled down): follow the new ones.
      logs = undefined;
      const now = new Date(Date.now() - 2000).toISOString();
      setTimeout(() => {
        if (!stopped && !logs && !busy) streamLogs(now);
      }, 2000);
    });
  }

  /**
   * One cycle: rebuild (unless Nx just built it, on the first), deploy, follow the new pods' logs.
   * @param {boolean} build
   */
  async function cycle(build) {
    busy = true;
    const began = new Date();
    if (build) {
      say(`rebuilding ${app}: npx nx run ${app}:docker-build`);
      const code = await passThrough('npx', ['nx', 'run', `${app}:docker-build`, '--outputStyle=static'], { cwd: workspaceRoot, env }, (c) => (running = c));
      if (stopped) return;
      if (code !== 0) {
        say(`the build of ${app} failed (its output is above); fix it and save again. Still watching; Ctrl+C stops.`);
        busy = false;
        return next();
      }
    }
    const built = Date.now();
    const code = await passThrough(process.execPath, [cli, ...cycleArgs(argv)], { cwd: workspaceRoot, env }, (c) => (running = c));
    if (stopped) return;
    const seconds = ((Date.now() - began.getTime()) / 1000).toFixed(1);
    const split = build ? `: build ${((built - began.getTime()) / 1000).toFixed(1)} s, deploy ${((Date.now() - built) / 1000).toFixed(1)} s` : '';
    if (code === 0) {
      say(`${app} is up to date (this cycle took ${seconds} s${split}); following its logs. Save a file to deploy again; Ctrl+C stops.`);
      streamLogs(build ? began.toISOString() : '');
    } else {
      say(`the deploy failed after ${seconds} s (why and what to do is above); the release keeps what it ran. Still watching; Ctrl+C stops.`);
      if (!logs) streamLogs('');
    }
    busy = false;
    next();
  }

  function next() {
    if (stopped || busy || pending.size === 0) return;
    const changed = [...pending].sort();
    pending.clear();
    say(`changed: ${changed.slice(0, 5).join(', ')}${changed.length > 5 ? ` and ${changed.length - 5} more` : ''}`);
    void cycle(true);
  }

  return new Promise((resolve) => {
    const stop = (/** @type {string} */ signal) => {
      if (stopped) return;
      stopped = true;
      clearTimeout(settle);
      for (const watcher of watched.values()) watcher.close();
      logs?.kill();
      running?.kill('SIGINT');
      say(`stopped (${signal}); release ${target.release} in namespace ${target.namespace} keeps running what the last deploy shipped`);
      resolve();
    };
    process.once('SIGINT', () => stop('Ctrl+C'));
    process.once('SIGTERM', () => stop('SIGTERM'));

    // One watcher per source folder, never inside build output: Node 20's recursive watch walks every folder,
    // dist/ included, and throws when a build removes one under it.
    /** @param {string} dir */
    const watchFolder = (dir) => {
      if (stopped || watched.has(dir)) return;
      /** @type {import('node:fs').FSWatcher} */
      let watcher;
      try {
        watcher = watchFiles(dir, (_event, file) => {
          if (!file) return;
          const full = join(dir, file.toString());
          const path = relative(workspaceRoot, full);
          if (!isSourceChange(path)) return;
          if (isFolder(full)) watchFolder(full);
          pending.add(path);
          clearTimeout(settle);
          settle = setTimeout(next, SETTLE_MS);
        });
      } catch {
        return; // gone meanwhile
      }
      watcher.on('error', () => {
        watcher.close();
        watched.delete(dir);
      });
      watched.set(dir, watcher);
      let entries = [];
      try {
        entries = readdirSync(dir, { withFileTypes: true });
      } catch {
        return;
      }
      for (const entry of entries) {
        const sub = join(dir, entry.name);
        if (entry.isDirectory() && isSourceChange(relative(workspaceRoot, sub))) watchFolder(sub);
      }
    };
    for (const folder of folders) {
      if (isFolder(join(workspaceRoot, folder))) watchFolder(join(workspaceRoot, folder));
      else say(`cannot watch ${folder}: not a folder`);
    }
    say(`watching ${folders.join(', ')} (${watched.size} folders) for changes to ${app}; deploying to release ${target.release}, namespace ${target.namespace}, context ${target.context}`);
    void cycle(false);
  });
}
