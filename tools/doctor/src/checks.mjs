// @ts-check
// Each check looks at one thing a deploy needs and never throws: it returns ok / warn / fail with the
// next thing to try, so the doctor always reports every problem, not just the first.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { clusterTypeOf, dockerBinary, findHelm, HELM_SETUP_HINT, kubectlBinary, tryRun } from '@todo/toolkit';

/** @typedef {{ name: string, status: 'ok' | 'warn' | 'fail', detail: string, hint?: string }} CheckResult */
/** @typedef {{ context?: string, clusterType?: import('@todo/toolkit').ClusterType }} Facts facts later checks use */

export { tryRun };

/** @returns {CheckResult} */
export function checkNode() {
  const [major, minor] = process.versions.node.split('.').map(Number);
  const ok = major > 20 || (major === 20 && minor >= 19);
  return { name: 'Node.js', status: ok ? 'ok' : 'fail', detail: `v${process.versions.node}`, hint: ok ? undefined : 'install Node 20.19 or newer' };
}

/** @returns {CheckResult} */
export function checkDocker() {
  const docker = dockerBinary();
  const server = tryRun(docker, ['version', '--format', '{{.Server.Version}}']);
  if (server instanceof Error) {
    return { name: 'Docker daemon', status: 'fail', detail: server.message, hint: 'install Docker and start the daemon (`dockerd`, or Docker Desktop); images are built locally' };
  }
  const buildx = tryRun(docker, ['buildx', 'version']);
  if (buildx instanceof Error) {
    return { name: 'Docker daemon', status: 'warn', detail: `server ${server}, no buildx`, hint: 'install the buildx plugin (docker-buildx); DOCKER_BUILDKIT=1 builds need it' };
  }
  return { name: 'Docker daemon', status: 'ok', detail: `server ${server}, ${buildx.split(' ').slice(0, 2).join(' ')}` };
}

/** @returns {CheckResult} */
export function checkKubectl() {
  const out = tryRun(kubectlBinary(), ['version', '--client', '-o', 'json']);
  if (out instanceof Error) return { name: 'kubectl', status: 'fail', detail: out.message, hint: 'install kubectl (apt-get install kubectl, or from your cluster vendor)' };
  return { name: 'kubectl', status: 'ok', detail: JSON.parse(out).clientVersion?.gitVersion ?? 'installed' };
}

/** @returns {CheckResult[]} */
export function checkHelm() {
  /** @type {Map<number, string>} */
  const found = new Map();
  for (const major of /** @type {const} */ ([4, 3])) {
    const binary = findHelm(major);
    const version = binary ? tryRun(binary, ['version', '--short']) : undefined;
    if (binary && typeof version === 'string') found.set(major, `${version} (${binary})`);
  }
  const hint = HELM_SETUP_HINT;
  return [
    found.has(4)
      ? { name: 'Helm 4 (deploys)', status: 'ok', detail: /** @type {string} */ (found.get(4)) }
      : { name: 'Helm 4 (deploys)', status: found.has(3) ? 'warn' : 'fail', detail: found.has(3) ? 'missing; deploys fall back to Helm 3' : 'no Helm found', hint },
    found.has(3)
      ? { name: 'Helm 3 (helm-lint)', status: 'ok', detail: /** @type {string} */ (found.get(3)) }
      : { name: 'Helm 3 (helm-lint)', status: 'warn', detail: 'missing; helm-lint needs both majors', hint },
  ];
}

/**
 * @param {Facts} facts filled with the current context
 * @returns {CheckResult}
 */
export function checkContext(facts) {
  const context = tryRun(kubectlBinary(), ['config', 'current-context']);
  if (context instanceof Error || !context) {
    return { name: 'kube context', status: 'fail', detail: context instanceof Error ? context.message : 'none set', hint: 'start a cluster (`minikube start`, `kind create cluster`, `npx nx run sandbox-cluster:up`) or `kubectl config use-context NAME`' };
  }
  facts.context = context;
  facts.clusterType = clusterTypeOf(context);
  return { name: 'kube context', status: 'ok', detail: `${context} (${facts.clusterType === 'registry' ? 'images are pushed to $TODO_REGISTRY' : `images are loaded into ${facts.clusterType}`})` };
}

/**
 * @param {Facts} facts
 * @returns {CheckResult}
 */
export function checkClusterReachable(facts) {
  if (!facts.context) return { name: 'cluster reachable', status: 'fail', detail: 'skipped: no kube context' };
  const ready = tryRun(kubectlBinary(), ['--context', facts.context, '--request-timeout=5s', 'get', '--raw', '/readyz']);
  if (ready instanceof Error) {
    return { name: 'cluster reachable', status: 'fail', detail: ready.message, hint: `is the cluster of context ${facts.context} running? (see the ${facts.clusterType} check below)` };
  }
  const nodes = tryRun(kubectlBinary(), ['--context', facts.context, '--request-timeout=5s', 'get', 'nodes', '-o', 'json']);
  if (nodes instanceof Error) return { name: 'cluster reachable', status: 'warn', detail: `API ready, nodes unreadable: ${nodes.message}` };
  const items = JSON.parse(nodes).items ?? [];
  const readyNodes = items.filter((/** @type {any} */ n) => n.status?.conditions?.some((/** @type {any} */ c) => c.type === 'Ready' && c.status === 'True'));
  if (readyNodes.length === 0) return { name: 'cluster reachable', status: 'fail', detail: `API ready, 0 of ${items.length} nodes Ready`, hint: 'kubectl describe nodes' };
  return { name: 'cluster reachable', status: 'ok', detail: `API ready, ${readyNodes.length} of ${items.length} nodes Ready` };
}

/**
 * @param {Facts} facts
 * @returns {CheckResult}
 */
export function checkLocalCluster(facts) {
  const context = facts.context ?? '';
  switch (facts.clusterType) {
    case 'minikube': {
      const status = tryRun('minikube', ['status', '-p', context, '-o', 'json']);
      if (status instanceof Error) return { name: 'Minikube', status: 'fail', detail: status.message, hint: `minikube start -p ${context} --cpus=2 --memory=4096` };
      const host = JSON.parse(status).Host;
      return host === 'Running'
        ? { name: 'Minikube', status: 'ok', detail: `profile ${context} running` }
        : { name: 'Minikube', status: 'fail', detail: `profile ${context} host is ${host}`, hint: `minikube start -p ${context}` };
    }
    case 'kind': {
      const name = context.slice('kind-'.length);
      const clusters = tryRun('kind', ['get', 'clusters']);
      if (clusters instanceof Error) return { name: 'kind', status: 'fail', detail: clusters.message, hint: 'install kind (go install sigs.k8s.io/kind@latest)' };
      return clusters.split('\n').includes(name)
        ? { name: 'kind', status: 'ok', detail: `cluster ${name} exists` }
        : { name: 'kind', status: 'fail', detail: `no kind cluster ${name}`, hint: `kind create cluster --name ${name}` };
    }
    case 'sandbox':
      return { name: 'sandbox cluster', status: 'ok', detail: 'images load with `node tools/sandbox-cluster/src/cli.mjs load-image`' };
    case 'registry':
      return process.env.TODO_REGISTRY
        ? { name: 'image registry', status: 'ok', detail: `images are pushed to ${process.env.TODO_REGISTRY}` }
        : { name: 'image registry', status: 'warn', detail: 'not Minikube/kind/sandbox and TODO_REGISTRY is unset', hint: 'export TODO_REGISTRY=host/path (and docker login) or pass --registry to nx deploy' };
    default:
      return { name: 'Minikube/kind', status: 'warn', detail: 'skipped: no kube context' };
  }
}

/** @param {string} workspaceRoot @returns {CheckResult} */
export function checkImageRecords(workspaceRoot) {
  const missing = ['backend', 'frontend'].filter((p) => !existsSync(join(workspaceRoot, 'dist', 'images', `${p}.json`)));
  return missing.length === 0
    ? { name: 'built images', status: 'ok', detail: 'dist/images/backend.json and frontend.json present' }
    : { name: 'built images', status: 'warn', detail: `no record for ${missing.join(', ')} yet`, hint: 'nx deploy builds them; or npx nx run-many -t docker-build' };
}

/**
 * @param {CheckResult[]} results
 * @returns {{ text: string, failed: number }}
 */
export function summarize(results) {
  const mark = { ok: 'ok  ', warn: 'WARN', fail: 'FAIL' };
  const lines = results.map((r) => `  ${mark[r.status]}  ${r.name}: ${r.detail}${r.hint && r.status !== 'ok' ? `\n          next: ${r.hint}` : ''}`);
  const count = (/** @type {CheckResult['status']} */ s) => results.filter((r) => r.status === s).length;
  const failed = count('fail');
  lines.push('', `doctor: ${count('ok')} ok, ${count('warn')} warnings, ${failed} failed`);
  return { text: lines.join('\n'), failed };
}
