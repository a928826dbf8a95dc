// Host plumbing around the components: the node's own bridge and address, forwarding and guard rules,
// and a teardown that removes every trace (containers, cgroups, mounts, links, rules) but the caches.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { registryPort } from './configs.mjs';
import { EXTRA_NODE_PREFIX } from './layout.mjs';
import { pidsMatching, stopPid } from './processes.mjs';

/** @param {string} command @param {string[]} args */
function run(command, args) {
  return execFileSync(command, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

/** @param {string} command @param {string[]} args */
function tryRun(command, args) {
  return spawnSync(command, args, { encoding: 'utf8' }).status === 0;
}

/** Interfaces that lead off this machine (those of a default route). */
export function externalInterfaces() {
  const routes = run('ip', ['-4', 'route', 'show', 'default']);
  return [...new Set([...routes.matchAll(/ dev (\S+)/g)].map((match) => match[1]))];
}

/**
 * iptables rules, as argument lists for `iptables -t <table> -A <chain>`, that (a) let pod traffic past
 * Docker's FORWARD DROP policy and (b) drop any pod or Service packet about to leave the machine.
 * @param {import('./layout.mjs').Cluster} cluster
 * @param {string[]} externalIfs
 */
export function firewallRules(cluster, externalIfs) {
  const forward = [['-s', cluster.podCidr, '-j', 'ACCEPT'], ['-d', cluster.podCidr, '-j', 'ACCEPT']];
  const guard = externalIfs.flatMap((dev) => [
    ['-o', dev, '-s', cluster.podCidr, '-j', 'DROP'],
    ['-o', dev, '-d', cluster.podCidr, '-j', 'DROP'],
    ['-o', dev, '-d', cluster.serviceCidr, '-j', 'DROP'],
    ['-o', dev, '-s', cluster.nodeNetwork, '-j', 'DROP'],
  ]);
  return [
    { table: 'filter', chain: 'SANDBOX-FORWARD', hook: 'FORWARD', rules: forward },
    { table: 'mangle', chain: 'SANDBOX-GUARD', hook: 'POSTROUTING', rules: guard },
    { table: 'nat', chain: 'SANDBOX-REGISTRY', hook: 'PREROUTING', rules: [registryForward(cluster)] },
  ];
}

/**
 * The registry listens on loopback (Docker pushes plain HTTP only there); the other nodes' containerds reach it
 * at the first node's address on the node bridge, which this rule sends on to loopback (with route_localnet on
 * that bridge alone).
 * @param {import('./layout.mjs').Cluster} cluster
 */
export function registryForward(cluster) {
  const port = String(registryPort(cluster));
  return ['-i', cluster.nodeBridge, '-d', cluster.nodeIp, '-p', 'tcp', '--dport', port, '-j', 'DNAT', '--to-destination', cluster.registry];
}

/** @param {string} path @param {string} value */
function sysctl(path, value) {
  writeFileSync(join('/proc/sys', path), value);
}

/**
 * Host settings the kubelet and kube-proxy change at start (the kubelet sets kernel.panic_on_oops=1,
 * which would turn any kernel oops on this shared machine into a reboot); restored by restoreSysctls.
 */
export const GUARDED_SYSCTLS = ['kernel/panic_on_oops', 'kernel/panic', 'vm/overcommit_memory', 'net/ipv4/conf/all/route_localnet'];

/** @param {string} file */
export function snapshotSysctls(file) {
  if (existsSync(file)) return;
  const values = Object.fromEntries(GUARDED_SYSCTLS.map((key) => [key, readFileSync(join('/proc/sys', key), 'utf8').trim()]));
  writeFileSync(file, JSON.stringify(values));
}

/** @param {string} file @param {string[]} keys */
export function restoreSysctls(file, keys = GUARDED_SYSCTLS) {
  if (!existsSync(file)) return;
  const values = JSON.parse(readFileSync(file, 'utf8'));
  for (const key of keys) if (values[key] !== undefined) try { sysctl(key, values[key]); } catch { /* read-only here */ }
}

/** A node's address on the node network, with that network's prefix length. @param {import('./layout.mjs').Cluster} cluster @param {string} ip */
const onNodeNetwork = (cluster, ip) => `${ip}/${cluster.nodeNetwork.split('/')[1]}`;

/** @param {import('./layout.mjs').Cluster} cluster */
export function setUpHostNetwork(cluster) {
  if (!existsSync(`/sys/class/net/${cluster.nodeBridge}`)) run('ip', ['link', 'add', cluster.nodeBridge, 'type', 'bridge']);
  run('ip', ['addr', 'replace', onNodeNetwork(cluster, cluster.nodeIp), 'dev', cluster.nodeBridge]);
  run('ip', ['link', 'set', cluster.nodeBridge, 'up']);
  sysctl('net/ipv4/ip_forward', '1');
  sysctl(`net/ipv4/conf/${cluster.nodeBridge}/route_localnet`, '1');
  if (existsSync('/proc/sys/net/bridge/bridge-nf-call-iptables')) sysctl('net/bridge/bridge-nf-call-iptables', '1');
  for (const { table, chain, hook, rules } of firewallRules(cluster, externalInterfaces())) {
    if (!tryRun('iptables', ['-t', table, '-N', chain])) run('iptables', ['-t', table, '-F', chain]);
    for (const rule of rules) run('iptables', ['-t', table, '-A', chain, ...rule]);
    if (!tryRun('iptables', ['-t', table, '-C', hook, '-j', chain])) run('iptables', ['-t', table, '-I', hook, '1', '-j', chain]);
  }
}

/** The cgroup hierarchies' mount points (cgroup v1: one per controller; v2: /sys/fs/cgroup itself). */
function cgroupHierarchies() {
  let entries = [];
  try { entries = readdirSync('/sys/fs/cgroup', { withFileTypes: true }); } catch { return []; }
  const v1 = entries.filter((entry) => entry.isDirectory()).map((entry) => join('/sys/fs/cgroup', entry.name));
  return existsSync('/sys/fs/cgroup/cgroup.controllers') ? ['/sys/fs/cgroup'] : v1;
}

/** The other nodes' cgroup roots (`/<sandbox-node-N>` in every hierarchy) that exist now. */
function extraNodeCgroupRoots() {
  return cgroupHierarchies().flatMap((hierarchy) => {
    try {
      return readdirSync(hierarchy).filter((entry) => entry.startsWith(EXTRA_NODE_PREFIX)).map((entry) => join(hierarchy, entry));
    } catch {
      return [];
    }
  });
}

/**
 * Another node's kubelet cgroup root, made in every hierarchy before it starts (the kubelet refuses a missing one);
 * cpuset's cpus and mems are copied from the parent, as a v1 cpuset child starts without any.
 * @param {import('./layout.mjs').Node} node
 */
function makeCgroupRoot(node) {
  for (const hierarchy of cgroupHierarchies()) {
    const dir = join(hierarchy, node.cgroupRoot);
    mkdirSync(dir, { recursive: true });
    for (const file of ['cpuset.cpus', 'cpuset.mems']) {
      if (!existsSync(join(dir, file)) || readFileSync(join(dir, file), 'utf8').trim()) continue;
      writeFileSync(join(dir, file), readFileSync(join(hierarchy, file), 'utf8').trim());
    }
  }
}

/** Every process in the kubelets' pod cgroups (cgroupfs driver, cgroup v1 or v2), every node's. */
function podProcesses() {
  const roots = [
    '/sys/fs/cgroup/pids/kubepods', '/sys/fs/cgroup/memory/kubepods', '/sys/fs/cgroup/kubepods',
    ...extraNodeCgroupRoots().map((root) => join(root, 'kubepods')),
  ];
  /** @type {Set<number>} */
  const pids = new Set();
  const walk = (/** @type {string} */ dir) => {
    try {
      for (const line of readFileSync(join(dir, 'cgroup.procs'), 'utf8').split('\n')) if (line) pids.add(Number(line));
      for (const entry of readdirSync(dir, { withFileTypes: true })) if (entry.isDirectory()) walk(join(dir, entry.name));
    } catch { /* gone meanwhile */ }
  };
  for (const root of roots) if (existsSync(root)) walk(root);
  return [...pids];
}

/** Removes the kubepods cgroup trees, deepest first (rmdir only works on empty cgroups). */
function removePodCgroups() {
  const remove = (/** @type {string} */ dir) => {
    try {
      for (const entry of readdirSync(dir, { withFileTypes: true })) if (entry.isDirectory()) remove(join(dir, entry.name));
      rmdirSync(dir);
    } catch { /* busy or gone */ }
  };
  let controllers = [];
  try { controllers = readdirSync('/sys/fs/cgroup'); } catch { return; }
  for (const controller of controllers) remove(join('/sys/fs/cgroup', controller, 'kubepods'));
  remove('/sys/fs/cgroup/kubepods');
  for (const root of extraNodeCgroupRoots()) remove(root);
}

/** Kills pod containers and the shims of our containerd (never dockerd's). @param {import('./layout.mjs').Paths} paths */
export async function killContainers(paths) {
  let killed = 0;
  for (let round = 0; round < 3; round++) {
    const victims = podProcesses();
    killed += victims.length;
    for (const pid of victims) try { process.kill(pid, 'SIGKILL'); } catch { /* gone */ }
    if (victims.length === 0) break;
    await new Promise((resolve) => setTimeout(resolve, 300));
  }
  // Every node's containerd socket lies under paths.run (nodeLayout), and dockerd's does not.
  const shims = pidsMatching(['containerd-shim', paths.run]);
  for (const pid of shims) await stopPid(pid, 2000);
  removePodCgroups();
  return { processes: killed, shims: shims.length };
}

/** Mount points under any of the prefixes, deepest first. @param {string[]} prefixes */
export function mountsUnder(prefixes) {
  const points = readFileSync('/proc/self/mountinfo', 'utf8')
    .split('\n')
    .map((line) => line.split(' ')[4])
    .filter((point) => point && prefixes.some((prefix) => point === prefix || point.startsWith(prefix + '/')));
  return [...new Set(points)].reverse();
}

/** kube-router's ipsets (KUBE-SRC-*, KUBE-DST-*, kube-router-*), once no rule uses them. */
function removeClusterIpsets() {
  const listed = spawnSync('ipset', ['list', '-n'], { encoding: 'utf8' });
  if (listed.status !== 0) return;
  for (const name of listed.stdout.split('\n').filter((set) => /^(KUBE-|kube-router)/.test(set))) tryRun('ipset', ['destroy', name]);
}

/** Removes iptables rules and chains of kube-proxy, kube-router, the CNI plugins and ours; Docker's stay. */
function removeClusterRules() {
  for (const [save, restore] of [['iptables-save', 'iptables-restore'], ['ip6tables-save', 'ip6tables-restore']]) {
    const saved = spawnSync(save, [], { encoding: 'utf8' });
    if (saved.status !== 0 || !/KUBE-|CNI-|SANDBOX-/.test(saved.stdout)) continue;
    const kept = saved.stdout.split('\n').filter((line) => !/KUBE-|CNI-|SANDBOX-/.test(line)).join('\n');
    spawnSync(restore, [], { input: kept, encoding: 'utf8' });
  }
}

/**
 * @param {import('./layout.mjs').Paths} paths
 * @param {import('./layout.mjs').Cluster} cluster
 * @param {{ keepLogs: boolean }} options
 */
export function removeHostState(paths, cluster, { keepLogs }) {
  restoreSysctls(join(paths.state, 'sysctls.json'));
  for (const point of mountsUnder([paths.state, paths.run, paths.shm])) tryRun('umount', ['-l', point]);
  for (const dir of [paths.run, paths.shm]) rmSync(dir, { recursive: true, force: true });
  if (existsSync(paths.state)) {
    for (const entry of readdirSync(paths.state)) {
      if (keepLogs && entry === 'logs') continue;
      rmSync(join(paths.state, entry), { recursive: true, force: true });
    }
  }
  // Removing a node's network namespace removes its links, routes, rules and ipsets with it.
  for (const netns of extraNodeNamespaces()) tryRun('ip', ['netns', 'del', netns]);
  for (const link of [cluster.cniBridge, cluster.nodeBridge]) if (existsSync(`/sys/class/net/${link}`)) tryRun('ip', ['link', 'del', link]);
  removeClusterRules();
  removeClusterIpsets();
  // The kubelet writes container logs to these fixed paths whatever its root dir.
  for (const dir of ['/var/log/pods', '/var/log/containers']) rmSync(dir, { recursive: true, force: true });
}

/** The network namespaces of other nodes that exist now (whatever count started them). */
export function extraNodeNamespaces() {
  const listed = spawnSync('ip', ['netns', 'list'], { encoding: 'utf8' });
  return listed.status === 0 ? listed.stdout.split('\n').map((line) => line.split(' ')[0]).filter((name) => name.startsWith(EXTRA_NODE_PREFIX)) : [];
}

/** `ip netns exec <netns> <command>`: a command in another node's network namespace. @param {string} netns @param {string} command @param {string[]} args */
function inNode(netns, command, args) {
  return run('ip', ['netns', 'exec', netns, command, ...args]);
}

/**
 * Another node's network: its namespace, a veth from it to the node bridge with the node's address, the default
 * route through the first node, forwarding and bridge netfilter on inside (kube-router sees pod traffic on its
 * bridge as the first node's does), and on the host a route to its pod CIDR through it.
 * @param {import('./layout.mjs').Cluster} cluster
 * @param {import('./layout.mjs').Node} node
 */
export function setUpNodeNetwork(cluster, node) {
  const { netns, veth } = node;
  if (!netns || !veth) return;
  if (!extraNodeNamespaces().includes(netns)) run('ip', ['netns', 'add', netns]);
  if (!existsSync(`/sys/class/net/${veth}`)) run('ip', ['link', 'add', veth, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', netns]);
  run('ip', ['link', 'set', veth, 'master', cluster.nodeBridge, 'up']);
  inNode(netns, 'ip', ['addr', 'replace', onNodeNetwork(cluster, node.ip), 'dev', 'eth0']);
  inNode(netns, 'ip', ['link', 'set', 'lo', 'up']);
  inNode(netns, 'ip', ['link', 'set', 'eth0', 'up']);
  inNode(netns, 'ip', ['route', 'replace', 'default', 'via', cluster.nodeIp]);
  inNode(netns, 'sysctl', ['-q', '-w', 'net.ipv4.ip_forward=1']);
  if (existsSync('/proc/sys/net/bridge/bridge-nf-call-iptables')) inNode(netns, 'sysctl', ['-q', '-w', 'net.bridge.bridge-nf-call-iptables=1']);
  run('ip', ['route', 'replace', node.podCidr, 'via', node.ip, 'dev', cluster.nodeBridge]);
  makeCgroupRoot(node);
}
