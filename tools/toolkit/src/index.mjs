// @ts-check
// @todo/toolkit: what every tool under tools/ shares (docs/architecture.md#the-toolkit).
export { VERSIONS, VERSIONS_FILE } from './versions.mjs';
export { cacheDir, toolsCache } from './cache.mjs';
export { dockerBinary, findDeployHelm, findHelm, findKubeconform, helmCandidates, helmMajor, HELM_SETUP_HINT, kubectlBinary, which } from './binaries.mjs';
export { CLUSTER_TYPES, clusterTypeOf } from './cluster.mjs';
export { beginStep, capture, captureAsync, fail, Failure, runStep, secondsSince, show, startStreaming, stepFailure, tryRun } from './run.mjs';
/** @typedef {import('./cluster.mjs').ClusterType} ClusterType */
/** @typedef {import('./run.mjs').Exit} Exit */
/** @typedef {import('./run.mjs').Streaming} Streaming */
/** @typedef {import('./versions.mjs').GoProgram} GoProgram */
/** @typedef {import('./versions.mjs').Versions} Versions */
