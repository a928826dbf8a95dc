// @ts-check
// A no-op deploy in one cluster read. After a deploy that Helm ran, or whose dry run found nothing to change,
// the tool writes a fingerprint of everything the upgrade is made of on that revision's Helm release Secret
// (an annotation): the exact `helm upgrade` argv (images, tags, digests, --set, values files, context,
// namespace), the bytes of the chart and of every values file, the Helm binary, and the data of the Secrets
// the chart reads back with `lookup`. The next deploy computes the same fingerprint; when the newest revision
// is `deployed` and carries it, nothing differs and neither Helm's dry run nor the lease is needed.
// Anything else (another revision on top, made by hand or by a rollback; a pending or failed release; a file,
// value, image or kept Secret that differs) falls back to the dry run. Pure but for reading files.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { gunzipSync } from 'node:zlib';

/** The annotation on `sh.helm.release.v1.<release>.v<revision>` holding the fingerprint of its inputs. */
export const FINGERPRINT_ANNOTATION = 'todo-deploy/inputs';
/** Bumped when what goes into the fingerprint changes, so older annotations never match. */
const SCHEME = 'todo-deploy-inputs/1';

/** @typedef {{ metadata?: { name?: string, labels?: Record<string, string>, annotations?: Record<string, string> }, type?: string, data?: Record<string, string> }} Secret */

/**
 * Files of a folder, recursively, as [path relative to it, bytes], sorted by path.
 * @param {string} dir
 * @returns {[string, Buffer][]}
 */
function filesOf(dir) {
  /** @type {[string, Buffer][]} */
  const files = [];
  const walk = (/** @type {string} */ at) => {
    for (const entry of readdirSync(at, { withFileTypes: true })) {
      const path = join(at, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.isFile()) files.push([relative(dir, path), readFileSync(path)]);
    }
  };
  walk(dir);
  return files.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

/**
 * Which Helm binary renders: its real path, size and modification time (another Helm version renders differently).
 * @param {string} binary absolute, relative to cwd, or a name looked up on PATH
 * @param {string} cwd
 */
function binaryIdentity(binary, cwd) {
  const candidates = binary.includes('/') ? [resolve(cwd, binary)] : (process.env.PATH ?? '').split(':').filter(Boolean).map((dir) => join(dir, binary));
  for (const candidate of candidates) {
    try {
      const path = realpathSync(candidate);
      const stat = statSync(path);
      return `${path} ${stat.size} ${stat.mtimeMs}`;
    } catch {
      // not this one
    }
  }
  return `${binary} (not found)`;
}

/**
 * The values files an upgrade argv names (`-f FILE`).
 * @param {string[]} upgrade
 */
function valuesFiles(upgrade) {
  return upgrade.flatMap((arg, i) => (arg === '-f' || arg === '--values' ? [upgrade[i + 1]] : []));
}

/**
 * Fingerprint of a deploy's inputs: sha256 hex.
 * @param {{ upgrade: string[], chartDir: string, cwd: string, keptSecrets: Secret[] }} input
 *   upgrade: the `helm upgrade --install ...` argv the deploy runs (after pushes: with digests);
 *   chartDir: the chart folder; cwd: where relative paths of the argv resolve;
 *   keptSecrets: the release's own Secrets (what `lookup` reads back while rendering)
 */
export function deployFingerprint({ upgrade, chartDir, cwd, keptSecrets }) {
  const hash = createHash('sha256');
  const part = (/** @type {string} */ label, /** @type {string | Buffer} */ value) => {
    hash.update(`${label}\0${Buffer.byteLength(value)}\0`);
    hash.update(value);
  };
  part('scheme', SCHEME);
  // --no-hooks only skips the migration Job when the migrations are already applied: the same deploy either way.
  part('argv', JSON.stringify(upgrade.filter((arg) => arg !== '--no-hooks')));
  part('helm', binaryIdentity(upgrade[0], cwd));
  for (const [path, bytes] of filesOf(join(cwd, chartDir))) part(`chart ${path}`, bytes);
  for (const file of valuesFiles(upgrade)) part(`values ${file}`, readFileSync(resolve(cwd, file)));
  for (const secret of [...keptSecrets].sort((a, b) => String(a.metadata?.name).localeCompare(String(b.metadata?.name)))) {
    part(`secret ${secret.metadata?.name}`, JSON.stringify(Object.entries(secret.data ?? {}).sort(([a], [b]) => a.localeCompare(b))));
  }
  return hash.digest('hex');
}

/**
 * sha256 hex of a folder's files (their paths relative to it and their bytes).
 * @param {string} dir
 */
export function folderChecksum(dir) {
  const hash = createHash('sha256');
  for (const [path, bytes] of filesOf(dir)) hash.update(`${path}\0${bytes.length}\0`).update(bytes);
  return hash.digest('hex');
}

/**
 * Helm's release object stored in a release Secret (data.release: base64 of gzipped JSON).
 * @param {Secret} secret
 * @returns {import('./unchanged.mjs').HelmRelease & { config?: Record<string, any> }}
 */
export function decodeRelease(secret) {
  const stored = Buffer.from(Buffer.from(secret.data?.release ?? '', 'base64').toString('utf8'), 'base64');
  const json = stored[0] === 0x1f && stored[1] === 0x8b ? gunzipSync(stored) : stored;
  return JSON.parse(json.toString('utf8'));
}

/**
 * From the Secrets of the release's namespace: its newest Helm revision and its own Secrets.
 * @param {Secret[]} secrets `kubectl get secrets -o json`'s items
 * @param {string} release
 * @returns {{ newest?: { secret: Secret, revision: number, status: string, fingerprint?: string }, keptSecrets: Secret[] }}
 */
export function releaseSecrets(secrets, release) {
  const revisions = secrets
    .filter((s) => s.type === 'helm.sh/release.v1' && s.metadata?.labels?.owner === 'helm' && s.metadata?.labels?.name === release)
    .map((secret) => ({
      secret,
      revision: Number(secret.metadata?.labels?.version),
      status: String(secret.metadata?.labels?.status),
      fingerprint: secret.metadata?.annotations?.[FINGERPRINT_ANNOTATION],
    }))
    .sort((a, b) => b.revision - a.revision);
  const keptSecrets = secrets.filter(
    (s) => s.type !== 'helm.sh/release.v1' && s.metadata?.labels?.['app.kubernetes.io/instance'] === release && s.metadata?.labels?.['app.kubernetes.io/managed-by'] === 'Helm',
  );
  return { newest: revisions[0], keptSecrets };
}
