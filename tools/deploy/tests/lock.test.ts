import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { acquireLocalLock, isLeaseStale, leaseManifest } from '../src/lock.mjs';

// Every temporary folder of this file is made inside scratch, which is removed when the file's tests end.
const scratch = mkdtempSync(join(tmpdir(), 'lock-test-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('deploy locks', () => {
  const target = { context: 'kind-todo', namespace: 'todo-app', release: 'todo-app' };

  it('lets one deploy of a release hold the local lock at a time', () => {
    const dir = mkdtempSync(join(scratch, 'locks-'));
    const release = acquireLocalLock({ ...target, dir });
    expect(() => acquireLocalLock({ ...target, dir })).toThrow(/another deploy of todo-app \(pid \d+/);
    expect(() => acquireLocalLock({ ...target, release: 'other', dir })()).not.toThrow();
    release();
    expect(() => acquireLocalLock({ ...target, dir })()).not.toThrow();
  });

  it('takes over a lock left by a deploy that died', () => {
    const dir = mkdtempSync(join(scratch, 'locks-'));
    acquireLocalLock({ ...target, dir });
    const [file] = readdirSync(dir);
    writeFileSync(join(dir, file), JSON.stringify({ pid: 2 ** 22 + 12345, since: 'earlier' }));
    expect(() => acquireLocalLock({ ...target, dir })()).not.toThrow();
  });

  it('writes a Lease named after the release and treats an expired one as stale', () => {
    const now = new Date('2026-11-25T17:00:00Z');
    const lease = leaseManifest({ release: 'todo-app', namespace: 'todo-app', holder: 'ci/1', now });
    expect(lease.metadata.name).toBe('todo-app-deploy-lock');
    expect(lease.spec.renewTime).toBe('2026-11-25T17:00:00.000000Z');
    expect(isLeaseStale(lease, new Date('2026-11-25T17:10:00Z'))).toBe(false);
    expect(isLeaseStale(lease, new Date('2026-11-25T17:31:00Z'))).toBe(true);
  });
});
