// `down`: stop every component (pods first, so nothing is restarted behind our back), then remove the
// cluster's state, mounts, links and iptables rules. The binary cache stays.
import { readdirSync } from 'node:fs';
import { killContainers, removeHostState } from './host.mjs';
import { isAlive, recordedPid, stopDaemon } from './processes.mjs';

/**
 * Stop order: kube-router and kube-proxy first (their rules go with the state), the kubelet before containers,
 * containerd after them (then the registry it pulls from), the store last.
 */
export const STOP_ORDER = ['traefik', 'kube-router', 'kube-proxy', 'kubelet', 'containerd', 'registry', 'kube-scheduler', 'kube-controller-manager', 'kube-apiserver', 'etcd'];

/**
 * @param {{ paths: import('./layout.mjs').Paths, cluster: import('./layout.mjs').Cluster, keepLogs: boolean, quiet?: boolean }} options
 */
export async function teardown({ paths, cluster, keepLogs, quiet = false }) {
  const log = (/** @type {string} */ message) => quiet || process.stderr.write(`[sandbox-cluster] ${message}\n`);
  /** @type {string[]} */
  let recorded = [];
  try { recorded = readdirSync(paths.pids).filter((file) => file.endsWith('.pid')).map((file) => file.slice(0, -'.pid'.length)); } catch { /* none */ }
  for (const component of STOP_ORDER) {
    if (component === 'containerd') {
      const { processes, shims } = await killContainers(paths);
      if (processes + shims > 0) log(`killed ${processes} pod processes and ${shims} containerd shims`);
    }
    // The component on every node: `kubelet`, then `kubelet.sandbox-node-2` and so on.
    for (const name of recorded.filter((entry) => entry === component || entry.startsWith(`${component}.`))) {
      const pid = recordedPid(paths.pids, name);
      if (pid !== undefined && isAlive(pid)) {
        await stopDaemon(paths.pids, name);
        log(`stopped ${name} (pid ${pid})`);
      }
    }
  }
  removeHostState(paths, cluster, { keepLogs });
  log(`removed state under ${paths.state}, ${paths.run} and ${paths.shm}${keepLogs ? ` (logs kept in ${paths.logs})` : ''}`);
}
