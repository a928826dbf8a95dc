// @ts-check
// What kind of cluster a kube context names, which decides how an image reaches it: loaded into the node
// (Minikube, kind, the sandbox cluster), or pushed to a registry (any other cluster).

/** @typedef {'minikube' | 'kind' | 'sandbox' | 'registry'} ClusterType */
export const CLUSTER_TYPES = /** @type {const} */ (['minikube', 'kind', 'sandbox', 'registry']);

/**
 * @param {string} context kube context name
 * @returns {ClusterType}
 */
export function clusterTypeOf(context) {
  if (context === 'minikube' || context.startsWith('minikube-')) return 'minikube';
  if (context.startsWith('kind-')) return 'kind';
  if (context.includes('sandbox')) return 'sandbox';
  return 'registry';
}
