// @ts-check
// Policy checks over rendered manifests: what kube-linter would flag for this chart, kept to the rules
// the team agreed (non-root, read-only root filesystem, no privilege escalation, capabilities dropped,
// resources with limits, probes on long-running containers, pinned images, no `latest` in production),
// plus two that Helm and the API server never catch: NetworkPolicy rules that allow everything, and hook
// pods that reference objects not there yet at their hook's phase.

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
  violations.push(...allowAllRules(objects), ...hookReferenceViolations(objects));
  return violations;
}

/**
 * NetworkPolicy rules with neither peers nor ports: `- {}` (or `ports: []` without peers) allows all traffic.
 * @param {K8sObject[]} objects
 */
export function allowAllRules(objects) {
  /** @type {string[]} */
  const violations = [];
  for (const policy of objects.filter((o) => o.kind === 'NetworkPolicy')) {
    for (const [direction, peers] of /** @type {const} */ ([['ingress', 'from'], ['egress', 'to']])) {
      (policy.spec?.[direction] ?? []).forEach((/** @type {K8sObject} */ rule, /** @type {number} */ i) => {
        if (!rule[peers]?.length && !rule.ports?.length) {
          violations.push(`NetworkPolicy/${policy.metadata?.name}: ${direction}[${i}] has no ${peers} and no ports, so it allows all ${direction}`);
        }
      });
    }
  }
  return violations;
}

/** @typedef {{ kind: string, name: string, via: string }} Reference */

/**
 * Every object a pod spec names: its ServiceAccount, the Secrets and ConfigMaps of env, envFrom and volumes,
 * claimed PVCs, and pull secrets.
 * @param {K8sObject} pod
 * @returns {Reference[]}
 */
export function podReferences(pod) {
  /** @type {Reference[]} */
  const refs = [];
  if (pod.serviceAccountName) refs.push({ kind: 'ServiceAccount', name: pod.serviceAccountName, via: 'serviceAccountName' });
  for (const s of pod.imagePullSecrets ?? []) refs.push({ kind: 'Secret', name: s.name, via: 'imagePullSecrets' });
  for (const container of [...(pod.initContainers ?? []), ...(pod.containers ?? [])]) {
    const at = `container ${container.name}`;
    for (const env of container.env ?? []) {
      const from = env.valueFrom ?? {};
      if (from.secretKeyRef) refs.push({ kind: 'Secret', name: from.secretKeyRef.name, via: `${at} env ${env.name}` });
      if (from.configMapKeyRef) refs.push({ kind: 'ConfigMap', name: from.configMapKeyRef.name, via: `${at} env ${env.name}` });
    }
    for (const source of container.envFrom ?? []) {
      if (source.secretRef) refs.push({ kind: 'Secret', name: source.secretRef.name, via: `${at} envFrom` });
      if (source.configMapRef) refs.push({ kind: 'ConfigMap', name: source.configMapRef.name, via: `${at} envFrom` });
    }
  }
  for (const volume of pod.volumes ?? []) {
    const at = `volume ${volume.name}`;
    if (volume.secret) refs.push({ kind: 'Secret', name: volume.secret.secretName, via: at });
    if (volume.configMap) refs.push({ kind: 'ConfigMap', name: volume.configMap.name, via: at });
    if (volume.persistentVolumeClaim) refs.push({ kind: 'PersistentVolumeClaim', name: volume.persistentVolumeClaim.claimName, via: at });
    for (const source of volume.projected?.sources ?? []) {
      if (source.secret) refs.push({ kind: 'Secret', name: source.secret.name, via: at });
      if (source.configMap) refs.push({ kind: 'ConfigMap', name: source.configMap.name, via: at });
    }
  }
  return refs;
}

/** @param {K8sObject} object @returns {string[]} the hook phases of a Helm hook, [] for a release object */
function hookPhases(object) {
  const hook = object.metadata?.annotations?.['helm.sh/hook'];
  return hook ? String(hook).split(',').map((p) => p.trim()) : [];
}

/** @param {K8sObject} object */
function hookWeight(object) {
  return Number(object.metadata?.annotations?.['helm.sh/hook-weight'] ?? 0);
}

/**
 * Helm creates the release's own objects after the pre-* hooks and deletes them before post-delete: a
 * hook pod may name only hook objects of the same phase with a lower weight (created before it), objects
 * the chart does not render (made outside it), or, in post-install/-upgrade/-rollback and test hooks, the
 * release's own objects.
 * @param {K8sObject[]} objects
 */
export function hookReferenceViolations(objects) {
  const rendered = new Map(objects.map((o) => [`${o.kind}/${o.metadata?.name}`, o]));
  /** @type {string[]} */
  const violations = [];
  for (const hook of objects.filter((o) => hookPhases(o).length && WORKLOADS.has(o.kind))) {
    const pod = podSpecOf(hook) ?? {};
    for (const phase of hookPhases(hook)) {
      const releaseObjectsExist = (phase.startsWith('post-') && phase !== 'post-delete') || phase === 'test';
      for (const ref of podReferences(pod)) {
        const target = rendered.get(`${ref.kind}/${ref.name}`);
        if (!target) continue;
        const targetPhases = hookPhases(target);
        const ok = targetPhases.length
          ? targetPhases.includes(phase) && hookWeight(target) < hookWeight(hook)
          : releaseObjectsExist;
        if (ok) continue;
        const why = targetPhases.length
          ? `a hook of ${targetPhases.join(',')} with weight ${hookWeight(target)} (needs ${phase} and a weight below ${hookWeight(hook)})`
          : 'a release object, created only after the pre-* hooks';
        violations.push(`${hook.kind}/${hook.metadata.name} (${phase} hook) ${ref.via} names ${ref.kind}/${ref.name}, ${why}`);
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
