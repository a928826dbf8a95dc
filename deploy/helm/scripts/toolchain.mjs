// @ts-check
// Finds the binaries the chart needs: the environment (set by tools/ci/setup/30-helm.sh), then the
// versioned cache that script fills, then PATH. Never downloads anything itself.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

export const VERSIONS = { helm3: '3.17.3', helm4: '4.1.4', kubeconform: '0.7.0', kubernetes: '1.34.4', prometheusOperator: '0.85.0' };
export const SETUP_HINT = 'run `bash tools/ci/setup/30-helm.sh` (installs Helm 3 and 4, kubeconform and the schemas into ~/.cache/todo-app/tools)';

export const chartDir = new URL('..', import.meta.url).pathname.replace(/\/$/, '');

function cacheRoot() {
  return process.env.TODO_TOOLS_CACHE ?? join(homedir(), '.cache', 'todo-app', 'tools');
}

/** @param {string} name */
function onPath(name) {
  for (const dir of (process.env.PATH ?? '').split(':')) {
    if (dir && existsSync(join(dir, name))) return join(dir, name);
  }
  return undefined;
}

/**
 * Major version of a helm binary (3 or 4), or undefined when it does not run.
 * @param {string} binary
 */
export function helmMajor(binary) {
  try {
    const version = execFileSync(binary, ['version', '--short'], { encoding: 'utf8' }).trim();
    const match = /^v(\d+)\./.exec(version);
    return match ? Number(match[1]) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Path of a Helm binary of the given major version, or undefined.
 * @param {3 | 4} major
 */
export function findHelm(major) {
  const version = major === 3 ? VERSIONS.helm3 : VERSIONS.helm4;
  const candidates = [
    process.env[`HELM${major}`],
    join(cacheRoot(), `helm-v${version}`, 'helm'),
    onPath('helm'),
  ];
  return candidates.find((c) => c && existsSync(c) && helmMajor(c) === major);
}

export function findKubeconform() {
  const candidates = [
    process.env.KUBECONFORM,
    join(cacheRoot(), `kubeconform-v${VERSIONS.kubeconform}`, 'kubeconform'),
    onPath('kubeconform'),
  ];
  return candidates.find((c) => c && existsSync(c));
}

/** The folder holding v<version>-standalone-strict/, or undefined when the schemas are missing. */
export function findSchemaDir() {
  const dir = process.env.K8S_SCHEMA_DIR ?? join(cacheRoot(), 'k8s-schemas');
  return existsSync(join(dir, `v${kubernetesVersion()}-standalone-strict`, 'deployment-apps-v1.json')) ? dir : undefined;
}

/** Strict schemas of the Prometheus Operator's ServiceMonitor and PodMonitor CRDs (30-helm.sh makes them). */
export function findCrdSchemaDir() {
  const dir = process.env.CRD_SCHEMA_DIR ?? join(cacheRoot(), 'k8s-schemas', 'crds', `prometheus-operator-v${VERSIONS.prometheusOperator}`);
  return existsSync(join(dir, 'monitoring.coreos.com', 'servicemonitor_v1.json')) ? dir : undefined;
}

export function kubernetesVersion() {
  return process.env.K8S_SCHEMA_VERSION ?? VERSIONS.kubernetes;
}
