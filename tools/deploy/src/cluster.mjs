// @ts-check
// How an image reaches the cluster behind a kube context: loaded into the node (Minikube, kind, the
// sandbox cluster) or pushed to a registry the cluster pulls from.

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

/**
 * Commands that make a local Docker image usable by the cluster.
 * @param {{ type: ClusterType, context: string, ref: string, registry?: string, repository: string, tag: string }} input
 * @returns {{ commands: string[][], repository: string }} repository the chart must use afterwards
 */
export function imageLoadCommands({ type, context, ref, registry, repository, tag }) {
  switch (type) {
    case 'minikube':
      return { commands: [['minikube', 'image', 'load', ref, '--profile', context]], repository };
    case 'kind':
      return { commands: [['kind', 'load', 'docker-image', ref, '--name', context.slice('kind-'.length)]], repository };
    case 'sandbox':
      return {
        commands: [['node', 'tools/sandbox-cluster/src/cli.mjs', 'load-image', `--image=${ref}`]],
        repository,
      };
    case 'registry': {
      if (!registry) {
        throw new Error(
          `context "${context}" is not Minikube, kind or the sandbox cluster, so the image must be pushed: pass --registry=<host/path> (or set TODO_REGISTRY)`,
        );
      }
      const remote = `${registry.replace(/\/$/, '')}/${repository}`;
      return {
        commands: [
          ['docker', 'tag', ref, `${remote}:${tag}`],
          ['docker', 'push', `${remote}:${tag}`],
        ],
        repository: remote,
      };
    }
  }
}
