// @ts-check
// Policy checks over rendered manifests: what kube-linter would flag for this chart, kept to the rules
// the team agreed (non-root, read-only root filesystem, no privilege escalation, capabilities dropped,
// resources with limits, probes on long-running containers, pinned images, no `latest` in production).

/** @typedef {Record<string, any>} K8sObject */

const WORKLOADS = new Set(['Deployment', 'StatefulSet', 'Job', 'DaemonSet', 'CronJob']);

/** @param {K8sObject} object */
function podSpecOf(object) {
  if (object.kind === 'CronJob') return object.spec?.jobTemplate?.spec?.template?.spec;
  return object.spec?.template?.spec;
}

/**
 * @param {K8sObject[]} objects rendered manifests
 * @param {{ production: boolean }} options production forbids `latest` and untagged images
 * @returns {string[]} one line per violation, empty when every rule holds
 */
export function checkPolicies(objects, { production }) {
  /** @type {string[]} */
  const violations = [];
  for (const object of objects) {
    if (!WORKLOADS.has(object.kind)) continue;
    const where = `${object.kind}/${object.metadata?.name}`;
    const pod = podSpecOf(object) ?? {};
    const podSecurity = pod.securityContext ?? {};
    if (podSecurity.runAsNonRoot !== true) violations.push(`${where}: pod securityContext.runAsNonRoot is not true`);
    if (podSecurity.runAsUser === 0) violations.push(`${where}: pod runs as uid 0`);
    if (podSecurity.seccompProfile?.type !== 'RuntimeDefault') violations.push(`${where}: pod seccompProfile is not RuntimeDefault`);
    if (pod.automountServiceAccountToken !== false) violations.push(`${where}: automountServiceAccountToken is not false`);
    if (pod.hostNetwork || pod.hostPID || pod.hostIPC) violations.push(`${where}: uses host namespaces`);
    const longRunning = object.kind !== 'Job' && object.kind !== 'CronJob';
    for (const [list, isInit] of /** @type {const} */ ([[pod.containers, false], [pod.initContainers, true]])) {
      for (const container of list ?? []) {
        const at = `${where} container ${container.name}`;
        const security = container.securityContext ?? {};
        if (security.allowPrivilegeEscalation !== false) violations.push(`${at}: allowPrivilegeEscalation is not false`);
        if (security.readOnlyRootFilesystem !== true) violations.push(`${at}: readOnlyRootFilesystem is not true`);
        if (security.privileged === true) violations.push(`${at}: privileged`);
        if (!(security.capabilities?.drop ?? []).includes('ALL')) violations.push(`${at}: capabilities do not drop ALL`);
        if (security.runAsUser === 0) violations.push(`${at}: runs as uid 0`);
        for (const kind of ['requests', 'limits']) {
          for (const resource of ['cpu', 'memory']) {
            if (!container.resources?.[kind]?.[resource]) violations.push(`${at}: no ${kind}.${resource}`);
          }
        }
        violations.push(...imageViolations(at, String(container.image ?? ''), production));
        if (longRunning && !isInit) {
          for (const probe of ['startupProbe', 'livenessProbe', 'readinessProbe']) {
            if (!container[probe]) violations.push(`${at}: no ${probe}`);
          }
        }
      }
    }
  }
  return violations;
}

/**
 * @param {string} at
 * @param {string} image
 * @param {boolean} production
 */
function imageViolations(at, image, production) {
  const lastSegment = image.split('/').pop() ?? '';
  const tag = image.includes('@') ? 'digest' : lastSegment.includes(':') ? lastSegment.split(':').pop() : '';
  if (!tag) return [`${at}: image ${image} has no tag`];
  if (production && tag === 'latest') return [`${at}: image ${image} uses the latest tag in production`];
  return [];
}
