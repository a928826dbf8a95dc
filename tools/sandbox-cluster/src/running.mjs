// Finding the sandbox cluster on this machine from outside the tool: the cached kubectl, and whether the
// cluster and its registry run. Exported through the package entry point (src/index.mjs).
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { clusterAddresses, clusterNodes, clusterPaths, K8S_VERSION, nodeCountFile } from './layout.mjs';
import { runningPid } from './processes.mjs';

/** The newest cached bin directory for our Kubernetes version, if any. @param {string} cache */
export function cachedBin(cache) {
  const root = join(cache, K8S_VERSION);
  if (!existsSync(root)) return undefined;
  const builds = readdirSync(root).filter((entry) => !entry.includes('.tmp') && existsSync(join(root, entry, 'bin', 'kubectl')));
  return builds.length ? join(root, builds.sort().at(-1) ?? '', 'bin') : undefined;
}

/**
 * The nodes `up` started (its record; one when there is none, as a cluster started before nodes were counted).
 * @param {import('./layout.mjs').Paths} paths
 * @param {import('./layout.mjs').Cluster} cluster
 */
export function recordedNodes(paths, cluster) {
  let count = 1;
  try { count = Number(JSON.parse(readFileSync(nodeCountFile(paths), 'utf8')).nodes) || 1; } catch { /* no record */ }
  return clusterNodes(paths, cluster, count);
}

export const START_HINT = "start it with 'npx nx run sandbox-cluster:up' (as root; the first run compiles Kubernetes, 10-26 min)";

/**
 * The sandbox cluster as another project sees it. `running` means its kube-apiserver process is alive and its
 * admin kubeconfig exists; `reason` says why not, and how to start it.
 * @param {NodeJS.ProcessEnv} [env]
 * @returns {{ running: boolean, reason: string, kubeconfig: string, bin: string | undefined, registry: string, registryRunning: boolean }}
 */
export function sandboxCluster(env = process.env) {
  const paths = clusterPaths(env);
  const alive = (/** @type {string} */ name) => runningPid(paths.pids, name) !== undefined;
  const bin = cachedBin(paths.cache);
  const registry = clusterAddresses().registry;
  const registryRunning = alive('registry');
  let reason = '';
  if (!alive('kube-apiserver')) reason = `the sandbox cluster is not running (no live kube-apiserver recorded in ${paths.pids}); ${START_HINT}`;
  else if (!existsSync(paths.kubeconfig)) reason = `the sandbox cluster runs but its kubeconfig ${paths.kubeconfig} is missing; restart it: 'npx nx run sandbox-cluster:down' then 'npx nx run sandbox-cluster:up'`;
  else if (!bin) reason = `the sandbox cluster runs but no cached kubectl was found under ${join(paths.cache, K8S_VERSION)}; run 'npx nx run sandbox-cluster:build-binaries'`;
  return { running: reason === '', reason, kubeconfig: paths.kubeconfig, bin, registry, registryRunning };
}
