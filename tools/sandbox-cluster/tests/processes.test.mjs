import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { waitUntil } from '../src/probes.mjs';
import { isAlive, processUsage, recordedPid, startDaemon, stopDaemon } from '../src/processes.mjs';

let dir = '';
beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'sandbox-proc-'))));
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('daemons', () => {
  it('runs a process in the background with its output in a log, and stops it by its PID file', async () => {
    const pid = startDaemon({ name: 'echoer', command: 'sh', args: ['-c', 'echo hello-from-daemon; exec sleep 60'], logFile: join(dir, 'echoer.log'), pidDir: dir });
    expect(recordedPid(dir, 'echoer')).toBe(pid);
    expect(await waitUntil(async () => (readFileSync(join(dir, 'echoer.log'), 'utf8').includes('hello-from-daemon') ? '' : 'no output yet'), { timeoutMs: 5000, intervalMs: 50 })).toBe('');
    expect(isAlive(pid)).toBe(true);
    expect(await stopDaemon(dir, 'echoer')).toBe(true);
    expect(isAlive(pid)).toBe(false);
    expect(recordedPid(dir, 'echoer')).toBeUndefined();
  });

  it('reports a process that exits before it is ready instead of waiting out the timeout', async () => {
    const pid = startDaemon({ name: 'crasher', command: 'sh', args: ['-c', 'exit 3'], logFile: join(dir, 'crasher.log'), pidDir: dir });
    const started = Date.now();
    const reason = await waitUntil(async () => 'port closed', { timeoutMs: 10_000, intervalMs: 50, alive: () => isAlive(pid) });
    expect(reason).toBe('the process exited (port closed)');
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('gives up after the timeout with the last reason', async () => {
    expect(await waitUntil(async () => 'still starting', { timeoutMs: 200, intervalMs: 50 })).toBe('not ready after 0s: still starting');
  });
});

describe('processUsage', () => {
  it("reads a process's resident memory and CPU time from /proc, and nothing for one that is gone", () => {
    const spin = Date.now() + 300;
    while (Date.now() < spin) { /* burn CPU so this process has used some */ }
    const used = processUsage(process.pid);
    expect(used?.rssMiB).toBeGreaterThan(10);
    expect(used?.cpuSeconds).toBeGreaterThan(0.2);
    expect(processUsage(2 ** 22 + 1)).toBeUndefined();
  });
});
