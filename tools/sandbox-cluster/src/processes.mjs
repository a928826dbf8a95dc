// Background processes: started in their own session with output to a log file (so nothing holds the
// caller's stdout), remembered by PID file, stopped by that PID.
import { spawn } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

/** @param {number} pid */
export function isAlive(pid) {
  try {
    process.kill(pid, 0);
    return !readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.startsWith('Z');
  } catch {
    return false;
  }
}

/**
 * @param {string} pidDir
 * @param {string} name
 */
export function recordedPid(pidDir, name) {
  const file = join(pidDir, `${name}.pid`);
  if (!existsSync(file)) return undefined;
  const pid = Number(readFileSync(file, 'utf8').trim());
  return Number.isInteger(pid) && pid > 0 ? pid : undefined;
}

/**
 * The pid of a component's process when it is alive, else undefined.
 * @param {string} pidDir
 * @param {string} name
 */
export function runningPid(pidDir, name) {
  const pid = recordedPid(pidDir, name);
  return pid !== undefined && isAlive(pid) ? pid : undefined;
}

/**
 * @param {{ name: string, command: string, args: string[], logFile: string, pidDir: string, env?: NodeJS.ProcessEnv }} daemon
 * @returns {number} pid
 */
export function startDaemon({ name, command, args, logFile, pidDir, env }) {
  mkdirSync(pidDir, { recursive: true });
  const log = openSync(logFile, 'a');
  const child = spawn(command, args, { detached: true, stdio: ['ignore', log, log], env: env ?? process.env });
  closeSync(log);
  if (child.pid === undefined) throw new Error(`could not start ${command}`);
  child.unref();
  writeFileSync(join(pidDir, `${name}.pid`), `${child.pid}\n`);
  return child.pid;
}

/**
 * SIGTERM, then SIGKILL after graceMs.
 * @param {number} pid
 * @param {number} graceMs
 */
export async function stopPid(pid, graceMs = 10_000) {
  if (!isAlive(pid)) return false;
  try { process.kill(pid, 'SIGTERM'); } catch { return false; }
  const deadline = Date.now() + graceMs;
  while (Date.now() < deadline) {
    if (!isAlive(pid)) return true;
    await sleep(100);
  }
  try { process.kill(pid, 'SIGKILL'); } catch { /* already gone */ }
  return true;
}

/**
 * @param {string} pidDir
 * @param {string} name
 */
export async function stopDaemon(pidDir, name) {
  const pid = recordedPid(pidDir, name);
  const stopped = pid !== undefined && (await stopPid(pid));
  rmSync(join(pidDir, `${name}.pid`), { force: true });
  return stopped;
}

/** PIDs whose command line contains every one of the given fragments. */
export function pidsMatching(/** @type {string[]} */ fragments) {
  /** @type {number[]} */
  const found = [];
  for (const entry of readdirSafe('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let cmdline;
    try { cmdline = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0').join(' '); } catch { continue; }
    if (fragments.every((fragment) => cmdline.includes(fragment))) found.push(Number(entry));
  }
  return found;
}

/** @param {string} dir */
function readdirSafe(dir) {
  try { return readdirSync(dir); } catch { return []; }
}

/** Clock ticks per second of /proc/<pid>/stat's CPU times (USER_HZ: 100 on Linux). */
const CLOCK_TICKS = 100;

/**
 * A process's resident memory and the CPU time it has used since it started, from /proc; undefined once gone.
 * @param {number} pid
 * @returns {{ rssMiB: number, cpuSeconds: number } | undefined}
 */
export function processUsage(pid) {
  try {
    const rssKiB = Number(/^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);
    // Fields after the command name (which may hold spaces): utime and stime are the 12th and 13th.
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return { rssMiB: rssKiB / 1024, cpuSeconds: (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS };
  } catch {
    return undefined;
  }
}
