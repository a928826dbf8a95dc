// Host plumbing around the components: the node's own bridge and address, forwarding and guard rules,
// and a teardown that removes every trace (containers, cgroups, mounts, links, rules) but the caches.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
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
    ['-o', dev, '-s', cluster.nodeIp, '-j', 'DROP'],
  ]);
  return [
    { table: 'filter', chain: 'SANDBOX-FORWARD', hook: 'FORWARD', rules: forward },
    { table: 'mangle', chain: 'SANDBOX-GUARD', hook: 'POSTROUTING', rules: guard },
  ];
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

/** @param {import('./layout.mjs').Cluster} cluster */
export function setUpHostNetwork(cluster) {
  if (!existsSync(`/sys/class/net/${cluster.nodeBridge}`)) run('ip', ['link', 'add', cluster.nodeBridge, 'type', 'bridge']);
  run('ip', ['addr', 'replace', `${cluster.nodeIp}/32`, 'dev', cluster.nodeBridge]);
  run('ip', ['link', 'set', cluster.nodeBridge, 'up']);
  sysctl('net/ipv4/ip_forward', '1');
  if (existsSync('/proc/sys/net/bridge/bridge-nf-call-iptables')) sysctl('net/bridge/bridge-nf-call-iptables', '1');
  for (const { table, chain, hook, rules } of firewallRules(cluster, externalInterfaces())) {
    if (!tryRun('iptables', ['-t', table, '-N', chain])) run('iptables', ['-t', table, '-F', chain]);
    for (const rule of rules) run('iptables', ['-t', table, '-A', chain, ...rule]);
    if (!tryRun('iptables', ['-t', table, '-C', hook, '-j', chain])) run('iptables', ['-t', table, '-I', hook, '1', '-j', chain]);
  }
}

/** Every process in the kubelet's pod cgroups (cgroupfs driver, cgroup v1 or v2). */
function podProcesses() {
  const roots = ['/sys/fs/cgroup/pids/kubepods', '/sys/fs/cgroup/memory/kubepods', '/sys/fs/cgroup/kubepods'];
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
  const shims = pidsMatching(['containerd-shim', paths.containerdSocket]);
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
  for (const link of [cluster.cniBridge, cluster.nodeBridge]) if (existsSync(`/sys/class/net/${link}`)) tryRun('ip', ['link', 'del', link]);
  removeClusterRules();
  removeClusterIpsets();
  // The kubelet writes container logs to these fixed paths whatever its root dir.
  for (const dir of ['/var/log/pods', '/var/log/containers']) rmSync(dir, { recursive: true, force: true });
}
