// kubectl (the one built with the cluster) against the admin kubeconfig.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

/**
 * @param {string} bin
 * @param {string} kubeconfig
 * @param {string[]} args
 * @param {string} [input]
 */
export function kubectl(bin, kubeconfig, args, input) {
  const result = spawnSync(join(bin, 'kubectl'), [`--kubeconfig=${kubeconfig}`, ...args], { encoding: 'utf8', input });
  return { ok: result.status === 0, stdout: result.stdout ?? '', stderr: (result.stderr ?? '') + (result.error ? String(result.error) : '') };
}
