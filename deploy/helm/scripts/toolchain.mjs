// @ts-check
// The binaries and schemas the chart needs. Helm and kubeconform are found by @todo/toolkit (the environment
// set by tools/ci/setup/30-helm.sh, then the versioned cache that script fills, then PATH); the versions are
// its versions.json. Never downloads anything itself.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { findHelm, findKubeconform, HELM_SETUP_HINT, helmMajor, toolsCache, VERSIONS } from '@todo/toolkit';

export { findHelm, findKubeconform, helmMajor };
export const SETUP_HINT = HELM_SETUP_HINT;

export const chartDir = new URL('..', import.meta.url).pathname.replace(/\/$/, '');

/** The folder holding v<version>-standalone-strict/, or undefined when the schemas are missing. */
export function findSchemaDir() {
  const dir = process.env.K8S_SCHEMA_DIR ?? join(toolsCache(), 'k8s-schemas');
  return existsSync(join(dir, `v${kubernetesVersion()}-standalone-strict`, 'deployment-apps-v1.json')) ? dir : undefined;
}

/** Strict schemas of the Prometheus Operator's ServiceMonitor and PodMonitor CRDs (30-helm.sh makes them). */
export function findCrdSchemaDir() {
  const dir = process.env.CRD_SCHEMA_DIR ?? join(toolsCache(), 'k8s-schemas', 'crds', `prometheus-operator-v${VERSIONS.prometheusOperator.version}`);
  return existsSync(join(dir, 'monitoring.coreos.com', 'servicemonitor_v1.json')) ? dir : undefined;
}

export function kubernetesVersion() {
  return process.env.K8S_SCHEMA_VERSION ?? VERSIONS.kubernetes.version;
}
