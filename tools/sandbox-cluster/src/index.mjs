// The package entry point (@todo/sandbox-cluster) for other projects: where the cluster is and whether it
// runs, and the registry client. The CLI (src/cli.mjs) is the way to start or stop it.
export { extraNodeNamespaces } from './host.mjs';
export { clusterAddresses, clusterPaths, INGRESS_CLASS, K8S_VERSION, REGISTRY_VERSION } from './layout.mjs';
export { manifestDigest, repositories, RegistryError } from './registry.mjs';
export { sandboxCluster, START_HINT } from './running.mjs';
