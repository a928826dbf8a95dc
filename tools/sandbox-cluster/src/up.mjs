// `up`: build or reuse the binaries, then start etcd → API server → controllers → registry → containerd →
// kubelet → kube-proxy → kube-router (on every node) → Traefik → CoreDNS → metrics-server, each waited for before
// the next, and write the admin kubeconfig.
import { spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { components, UNBUILT } from './components.mjs';
import {
  clusterRbac, cniConflist, containerdConfig, corednsManifest, metricsServerManifest, kubeletConfig, kubeProxyConfig, registryConfig, registryHostsToml, schedulerConfig,
} from './configs.mjs';
import { restoreSysctls, setUpHostNetwork, setUpNodeNetwork, snapshotSysctls } from './host.mjs';
import { buildSystemImages, importImage } from './images.mjs';
import { kubectl } from './kubectl.mjs';
import { clusterNodes, GO_PROGRAMS, nodeCountFile } from './layout.mjs';
import { generatePki, writeKubeconfigs } from './pki.mjs';
import { checkProbe, waitUntil } from './probes.mjs';
import { isAlive, runningPid, startDaemon } from './processes.mjs';
import { recordedNodes } from './running.mjs';
import { teardown } from './down.mjs';

const TOOL_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');

/** A failure of one component, with the log to read. */
export class ComponentError extends Error {
  /** @param {string} component @param {string} message @param {string} [logPath] */
  constructor(component, message, logPath) {
    super(message);
    this.component = component;
    this.logPath = logPath;
  }
}

/** @param {string} message */
export function say(message) {
  process.stderr.write(`[sandbox-cluster] ${message}\n`);
}

/**
 * Runs a build script (progress on stderr) and returns the path it prints last, once `expected(path)` exists.
 * @param {string} what @param {string} script @param {string[]} args @param {(path: string) => string} expected
 * @returns {Promise<string>}
 */
function runBuild(what, script, args, expected) {
  return new Promise((resolve, reject) => {
    const child = spawn('bash', [join(TOOL_ROOT, script), ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (chunk) => (out += chunk));
    child.on('close', (code) => {
      const path = out.trim().split('\n').pop() ?? '';
      if (code === 0 && existsSync(expected(path))) resolve(path);
      else reject(new ComponentError('build', `building ${what} failed (exit ${code}); the build output is above`));
    });
  });
}

/** scripts/build.sh: the Kubernetes, etcd, CoreDNS and pause binaries; resolves to their bin directory. */
export function buildBinaries() {
  return runBuild('the binaries', 'scripts/build.sh', [], (bin) => join(bin, 'kubelet'));
}

/**
 * scripts/build-go-program.sh: one of GO_PROGRAMS at its version; resolves to the binary's path.
 * @param {keyof typeof GO_PROGRAMS} name
 */
export function buildGoProgram(name) {
  const { module, package: pkg, version, versionVar, goMod = [] } = GO_PROGRAMS[name];
  return runBuild(`${name} ${version}`, 'scripts/build-go-program.sh', [name, module, pkg, version, versionVar ?? '', goMod.join('\n')], (binary) => binary);
}

/** Every Go program of GO_PROGRAMS, built one after the other (each build uses both cores). */
async function buildGoPrograms() {
  /** @type {Record<string, string>} */
  const built = {};
  for (const name of /** @type {(keyof typeof GO_PROGRAMS)[]} */ (Object.keys(GO_PROGRAMS))) built[name] = await buildGoProgram(name);
  return /** @type {Record<keyof typeof GO_PROGRAMS, string>} */ (built);
}

/** Host tools the cluster needs, with the package that brings each one. */
const HOST_TOOLS = [
  ['/usr/bin/containerd', 'containerd'], ['/usr/sbin/runc', 'runc'], ['/usr/bin/ctr', 'containerd'],
  ['/usr/lib/cni/bridge', 'containernetworking-plugins'], ['/usr/sbin/conntrack', 'conntrack'],
  ['/usr/sbin/iptables', 'iptables'], ['/usr/sbin/ipset', 'ipset'], ['/usr/bin/openssl', 'openssl'], ['/usr/bin/gcc', 'gcc'], ['/usr/bin/docker', 'docker.io'],
];

export function preflight() {
  if (process.getuid?.() !== 0) throw new ComponentError('preflight', 'the sandbox cluster needs root (it runs containerd, the kubelet and iptables)');
  const missing = HOST_TOOLS.filter(([path]) => !existsSync(path)).map(([path, pkg]) => `${path} (${pkg})`);
  if (missing.length) {
    throw new ComponentError('preflight', `missing host tools: ${missing.join(', ')}; run: bash tools/ci/setup/50-sandbox-cluster.sh (or apt-get install them)`);
  }
}

/**
 * @param {import('./layout.mjs').Paths} paths
 * @param {import('./layout.mjs').Cluster} cluster
 * @param {import('./layout.mjs').Node[]} nodes
 */
function writeConfigs(paths, cluster, nodes) {
  for (const dir of [paths.config, paths.logs, paths.pids, paths.shm, paths.registryData]) mkdirSync(dir, { recursive: true });
  /** @type {Record<string, string>} */
  const files = {
    [join(paths.config, 'registry.yml')]: registryConfig(paths, cluster),
    [join(paths.config, 'kube-scheduler.yaml')]: schedulerConfig(paths),
    [join(paths.config, 'cluster-rbac.yaml')]: clusterRbac(),
    [join(paths.config, 'metrics-server.yaml')]: metricsServerManifest(cluster),
    [join(paths.config, 'coredns.yaml')]: corednsManifest(cluster),
  };
  for (const node of nodes) {
    const registryHosts = join(node.registryHostsDir, cluster.registry);
    for (const dir of [node.config, node.cniConfDir, node.kubeletRoot, node.containerdRoot, node.podLogsDir, registryHosts]) mkdirSync(dir, { recursive: true });
    Object.assign(files, {
      [join(registryHosts, 'hosts.toml')]: registryHostsToml(cluster, node),
      [join(node.config, 'containerd.toml')]: containerdConfig(paths, node),
      [join(node.cniConfDir, '10-sandbox-cluster.conflist')]: cniConflist(cluster, node),
      [join(node.config, 'kubelet.yaml')]: kubeletConfig(paths, cluster, node),
      [join(node.config, 'kube-proxy.yaml')]: kubeProxyConfig(paths, cluster, node),
    });
  }
  for (const [file, text] of Object.entries(files)) writeFileSync(file, text);
}

/** The last lines of a log, for a failure message. @param {string} file @param {number} count */
export function tail(file, count = 15) {
  try {
    return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-count).join('\n');
  } catch {
    return '(no log)';
  }
}

/**
 * @param {{ paths: import('./layout.mjs').Paths, cluster: import('./layout.mjs').Cluster, timeoutMs: number }} context
 * @param {import('./components.mjs').Component} component
 */
async function startAndWait({ paths, timeoutMs }, component) {
  const logFile = join(paths.logs, `${component.name}.log`);
  const started = Date.now();
  const env = component.env ? { ...process.env, ...component.env } : undefined;
  const pid = startDaemon({ name: component.name, command: component.command, args: component.args, env, logFile, pidDir: paths.pids });
  const reason = await waitUntil(() => checkProbe(component.probe, paths.pki), { timeoutMs, alive: () => isAlive(pid) });
  if (reason) throw new ComponentError(component.name, `${reason}\n  hint: ${component.hint}`, logFile);
  say(`${component.name} ready (pid ${pid}, ${((Date.now() - started) / 1000).toFixed(1)}s)`);
}

/**
 * @param {string} bin
 * @param {import('./layout.mjs').Paths} paths
 * @param {string} what
 * @param {string[]} args
 * @param {string} component
 */
function mustKubectl(bin, paths, what, args, component) {
  const result = kubectl(bin, paths.kubeconfig, args);
  if (!result.ok) throw new ComponentError(component, `${what} failed: ${result.stderr.trim() || result.stdout.trim()}`, join(paths.logs, `${component}.log`));
  return result.stdout;
}

/**
 * @param {{ paths: import('./layout.mjs').Paths, cluster: import('./layout.mjs').Cluster, nodes: number, timeoutMs: number, keepOnFailure: boolean }} options
 * @returns {Promise<{ kubeconfig: string, bin: string, registry: string }>} the admin kubeconfig, the folder of the
 *   cluster's binaries (kubectl) and the registry's host:port
 */
export async function up({ paths, cluster, nodes: nodeCount, timeoutMs, keepOnFailure }) {
  const t0 = Date.now();
  const elapsed = () => `${((Date.now() - t0) / 1000).toFixed(0)}s`;
  preflight();
  const running = runningPid(paths.pids, 'kube-apiserver');
  if (running !== undefined) {
    const restart = `'npx nx run sandbox-cluster:down' then 'npx nx run sandbox-cluster:up --nodes=${nodeCount}'`;
    say(`already running (kube-apiserver pid ${running}); run 'npx nx run sandbox-cluster:down' first to start afresh`);
    const runningNodes = recordedNodes(paths, cluster);
    if (runningNodes.length !== nodeCount) {
      throw new ComponentError('up', `the running cluster has ${runningNodes.length} node(s), not the ${nodeCount} asked for; restart it: ${restart}`);
    }
    const missing = components(paths, cluster, UNBUILT, runningNodes)
      .map((component) => component.name)
      .filter((name) => runningPid(paths.pids, name) === undefined);
    if (missing.length) {
      throw new ComponentError(missing[0], `the running cluster has no ${missing.join(', ')} (started by an older version of this tool, or it died); restart it: ${restart}`, join(paths.logs, `${missing[0]}.log`));
    }
    return { kubeconfig: paths.kubeconfig, bin: await buildBinaries(), registry: cluster.registry };
  }
  const nodes = clusterNodes(paths, cluster, nodeCount);
  say('step 1/8: binaries');
  const bin = await buildBinaries();
  const programs = await buildGoPrograms();
  say(`binaries: ${bin}; ${Object.entries(programs).map(([name, path]) => `${name} ${path}`).join(', ')} (${elapsed()})`);
  say(`step 2/8: clean state, host network${nodes.length > 1 ? ` and ${nodes.length - 1} more node network namespace(s)` : ''}, certificates, configs`);
  await teardown({ paths, cluster, keepLogs: false, quiet: true });
  writeConfigs(paths, cluster, nodes);
  writeFileSync(nodeCountFile(paths), JSON.stringify({ nodes: nodes.length }));
  snapshotSysctls(join(paths.state, 'sysctls.json'));
  setUpHostNetwork(cluster);
  for (const node of nodes) setUpNodeNetwork(cluster, node);
  generatePki(paths.pki, cluster, nodes);
  writeKubeconfigs(paths.pki, nodes);
  copyFileSync(join(paths.pki, 'admin.kubeconfig'), paths.kubeconfig);
  say(`state in ${paths.state}, logs in ${paths.logs}; nodes ${nodes.map((node) => `${node.name} ${node.ip} (pods ${node.podCidr}${node.netns ? `, network namespace ${node.netns}` : ''})`).join(', ')} (${elapsed()})`);
  const context = { paths, cluster, timeoutMs };
  const byName = Object.fromEntries(components(paths, cluster, { bin, programs }, nodes).map((component) => [component.name, component]));
  const onEveryNode = (/** @type {string} */ component) => nodes.map((node) => byName[`${component}${node.suffix}`]);
  const sockets = nodes.map((node) => node.containerdSocket);
  const waitForRollout = (/** @type {string} */ name, /** @type {string} */ selector, /** @type {string} */ log) => {
    const rollout = kubectl(bin, paths.kubeconfig, ['-n', 'kube-system', 'rollout', 'status', `deployment/${name}`, `--timeout=${Math.round(timeoutMs / 1000)}s`]);
    if (!rollout.ok) {
      const pods = kubectl(bin, paths.kubeconfig, ['-n', 'kube-system', 'describe', 'pods', '-l', selector]).stdout;
      throw new ComponentError(name, `${name} did not become ready: ${rollout.stderr.trim()}\n${pods.split('\n').slice(-15).join('\n')}`, join(paths.logs, log));
    }
  };
  try {
    say('step 3/8: control plane (etcd, kube-apiserver, kube-controller-manager, kube-scheduler)');
    await startAndWait(context, byName['etcd']);
    await startAndWait(context, byName['kube-apiserver']);
    mustKubectl(bin, paths, "granting the API server access to the kubelet, kube-router and Traefik their reads, and Traefik's IngressClass", ['apply', '-f', join(paths.config, 'cluster-rbac.yaml')], 'kube-apiserver');
    await startAndWait(context, byName['kube-controller-manager']);
    await startAndWait(context, byName['kube-scheduler']);
    say(`step 4/8: registry, containerd and the pause, CoreDNS and metrics-server images (${elapsed()})`);
    await startAndWait(context, byName['registry']);
    say(`registry: http://${cluster.registry} (storage ${paths.registryData}); docker push ${cluster.registry}/<repository>:<tag>, pods pull it as ${cluster.registry}/<repository>`);
    for (const containerd of onEveryNode('containerd')) await startAndWait(context, containerd);
    for (const ref of buildSystemImages(bin, programs['metrics-server'])) {
      await importImage(ref, sockets).catch((error) => {
        throw new ComponentError('containerd', error.message, join(paths.logs, 'containerd.log'));
      });
      say(`imported ${ref}`);
    }
    say(`step 5/8: kubelet${nodes.length > 1 ? ` on each of the ${nodes.length} nodes` : ''} (${elapsed()})`);
    for (const node of nodes) {
      await startAndWait(context, byName[`kubelet${node.suffix}`]);
      const nodeReason = await waitUntil(
        async () => {
          const result = kubectl(bin, paths.kubeconfig, ['get', 'node', node.name, '-o', 'jsonpath={.status.conditions[?(@.type=="Ready")].status}']);
          return result.stdout.trim() === 'True' ? '' : `node ${node.name} Ready=${result.stdout.trim() || 'unknown'} ${result.stderr.trim()}`;
        },
        { timeoutMs, intervalMs: 1000 },
      );
      if (nodeReason) throw new ComponentError(`kubelet${node.suffix}`, nodeReason, join(paths.logs, `kubelet${node.suffix}.log`));
      say(`node ${node.name} Ready (${elapsed()})`);
      restoreSysctls(join(paths.state, 'sysctls.json'), ['kernel/panic_on_oops']);
    }
    say('step 6/8: kube-proxy (Services) and kube-router (NetworkPolicy enforcement) on each node, Traefik (Ingress, https://localhost)');
    for (const component of [...onEveryNode('kube-proxy'), ...onEveryNode('kube-router')]) await startAndWait(context, component);
    await startAndWait(context, byName['traefik']);
    say(`step 7/8: CoreDNS (${elapsed()})`);
    mustKubectl(bin, paths, 'applying CoreDNS', ['apply', '-f', join(paths.config, 'coredns.yaml')], 'kubelet');
    waitForRollout('coredns', 'k8s-app=kube-dns', 'kubelet.log');
    say(`step 8/8: metrics-server (the metrics.k8s.io API behind kubectl top and the HPA) (${elapsed()})`);
    mustKubectl(bin, paths, 'applying metrics-server', ['apply', '-f', join(paths.config, 'metrics-server.yaml')], 'kube-apiserver');
    waitForRollout('metrics-server', 'k8s-app=metrics-server', 'kube-apiserver.log');
    const apiReason = await waitUntil(
      async () => {
        const result = kubectl(bin, paths.kubeconfig, ['get', 'apiservice', 'v1beta1.metrics.k8s.io', '-o', 'jsonpath={.status.conditions[?(@.type=="Available")].message}{" "}{.status.conditions[?(@.type=="Available")].status}']);
        return result.stdout.trim().endsWith('True') ? '' : `APIService v1beta1.metrics.k8s.io not Available: ${result.stdout.trim() || result.stderr.trim()}`;
      },
      { timeoutMs, intervalMs: 1000 },
    );
    if (apiReason) throw new ComponentError('metrics-server', `${apiReason}\n  hint: the API server reaches metrics-server through its front-proxy client certificate; see kube-apiserver.log`, join(paths.logs, 'kube-apiserver.log'));
  } catch (error) {
    if (!keepOnFailure) {
      say('stopping the components that did start (logs are kept; use --keep-on-failure to inspect them running)');
      await teardown({ paths, cluster, keepLogs: true, quiet: true });
    }
    throw error;
  }
  say(`cluster ready in ${elapsed()}: ${nodes.length === 1 ? 'node' : `${nodes.length} nodes`} ${nodes.map((node) => node.name).join(', ')}, Kubernetes ${bin.split('/').slice(-3, -2)[0]}, registry ${cluster.registry}`);
  return { kubeconfig: paths.kubeconfig, bin, registry: cluster.registry };
}
