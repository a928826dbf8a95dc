// @ts-check
// How an image reaches the cluster behind a kube context: loaded into the node (Minikube, kind, the
// sandbox cluster), or, for any other cluster and whenever a registry is given, pushed (plan.mjs).

// The cluster type of a context is @todo/toolkit's.
export { CLUSTER_TYPES, clusterTypeOf } from '@todo/toolkit';
/** @typedef {import('@todo/toolkit').ClusterType} ClusterType */

/**
 * Commands that load a local Docker image into the node of a local cluster.
 * @param {{ type: Exclude<ClusterType, 'registry'>, context: string, ref: string }} input
 * @returns {string[][]}
 */
export function imageLoadCommands({ type, context, ref }) {
  switch (type) {
    case 'minikube':
      return [['minikube', 'image', 'load', ref, '--profile', context]];
    case 'kind':
      return [['kind', 'load', 'docker-image', ref, '--name', context.slice('kind-'.length)]];
    case 'sandbox':
      return [['node', 'tools/sandbox-cluster/src/cli.mjs', 'load-image', `--image=${ref}`]];
  }
}
