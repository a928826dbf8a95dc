// @ts-check
// Two deploys of one release never run at once: a local lock file (same machine) plus a Lease in the
// release's namespace (any machine). Helm's own "another operation is in progress" check is the third line.
import { closeSync, mkdirSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { cacheDir } from '@todo/toolkit';

const STALE_LEASE_SECONDS = 30 * 60;

/** @param {number} pid */
function isAlive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return /** @type {NodeJS.ErrnoException} */ (error).code === 'EPERM';
  }
}

/**
 * Takes the local lock for one release; throws naming the holder when another deploy has it.
 * @param {{ context: string, namespace: string, release: string, dir?: string }} target
 * @returns {() => void} releases the lock
 */
export function acquireLocalLock({ context, namespace, release, dir = cacheDir('locks') }) {
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${context}__${namespace}__${release}.lock`.replace(/[^A-Za-z0-9_.-]/g, '_'));
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(file, 'wx');
      writeSync(fd, JSON.stringify({ pid: process.pid, since: new Date().toISOString() }));
      closeSync(fd);
      return () => rmSync(file, { force: true });
    } catch (error) {
      if (/** @type {NodeJS.ErrnoException} */ (error).code !== 'EEXIST') throw error;
      const holder = readHolder(file);
      if (holder && isAlive(holder.pid)) {
        throw new Error(`another deploy of ${release} (pid ${holder.pid}, since ${holder.since}) holds ${file}; wait for it to finish`);
      }
      rmSync(file, { force: true }); // left by a deploy that died
    }
  }
  throw new Error(`could not take the deploy lock ${file}`);
}

/** @param {string} file */
function readHolder(file) {
  try {
    return /** @type {{ pid: number, since: string }} */ (JSON.parse(readFileSync(file, 'utf8')));
  } catch {
    return undefined;
  }
}

/**
 * Name of the Lease that guards a release's deploys.
 * @param {string} release
 */
export function leaseName(release) {
  return `${release}-deploy-lock`.slice(0, 63);
}

/**
 * Manifest of the Lease a deploy creates (kubectl create fails when it exists: that is the lock).
 * @param {{ release: string, namespace: string, holder?: string, now?: Date }} input
 */
export function leaseManifest({ release, namespace, holder = `${hostname()}/${process.pid}`, now = new Date() }) {
  return {
    apiVersion: 'coordination.k8s.io/v1',
    kind: 'Lease',
    metadata: {
      name: leaseName(release),
      namespace,
      labels: { 'app.kubernetes.io/instance': release, 'app.kubernetes.io/managed-by': 'todo-deploy' },
    },
    spec: {
      holderIdentity: holder,
      leaseDurationSeconds: STALE_LEASE_SECONDS,
      acquireTime: now.toISOString().replace(/\.\d{3}Z$/, '.000000Z'),
      renewTime: now.toISOString().replace(/\.\d{3}Z$/, '.000000Z'),
    },
  };
}

/**
 * Whether an existing Lease is older than its duration (its deploy died without releasing it).
 * @param {{ spec?: { renewTime?: string, leaseDurationSeconds?: number } }} lease
 * @param {Date} now
 */
export function isLeaseStale(lease, now = new Date()) {
  const renewed = Date.parse(lease.spec?.renewTime ?? '');
  if (Number.isNaN(renewed)) return true;
  return now.getTime() - renewed > (lease.spec?.leaseDurationSeconds ?? STALE_LEASE_SECONDS) * 1000;
}
