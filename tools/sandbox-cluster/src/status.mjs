// `status`: each component's process and probe, then the node, the system pods and the registry's repositories.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { components, NODE_COMPONENTS, UNBUILT } from './components.mjs';
import { kubectl } from './kubectl.mjs';
import { checkProbe } from './probes.mjs';
import { processUsage, runningPid } from './processes.mjs';
import { repositories } from './registry.mjs';

/** @param {{ paths: import('./layout.mjs').Paths, cluster: import('./layout.mjs').Cluster, bin: string | undefined, nodes: import('./layout.mjs').Node[] }} options */
export async function status({ paths, cluster, bin, nodes }) {
  let healthy = 0;
  // Only names, PIDs and probes are read here, not the binaries' paths.
  const all = components(paths, cluster, UNBUILT, nodes);
  /** @type {Map<string, { rssMiB: number, cpuSeconds: number }>} */
  const usage = new Map();
  for (const component of all) {
    const pid = runningPid(paths.pids, component.name);
    const running = pid !== undefined;
    const reason = running ? await checkProbe(component.probe, paths.pki) : 'not running';
    if (running && !reason) healthy++;
    const used = pid === undefined ? undefined : processUsage(pid);
    if (used) usage.set(component.name, used);
    const shown = used ? `rss ${used.rssMiB.toFixed(0)} MiB, cpu ${used.cpuSeconds.toFixed(1)}s`.padEnd(26) : ''.padEnd(26);
    console.log(`${component.name.padEnd(28)} ${running ? `pid ${pid}`.padEnd(10) : '-'.padEnd(10)} ${shown} ${reason || 'ok'}  log: ${join(paths.logs, component.name + '.log')}`);
  }
  // What each node's own processes cost (pods not included): the price of another node.
  for (const node of nodes) {
    const mine = NODE_COMPONENTS.map((name) => usage.get(`${name}${node.suffix}`)).filter((used) => used !== undefined);
    const rss = mine.reduce((sum, used) => sum + used.rssMiB, 0);
    const cpu = mine.reduce((sum, used) => sum + used.cpuSeconds, 0);
    console.log(`node ${node.name}: ${NODE_COMPONENTS.join(', ')}: rss ${rss.toFixed(0)} MiB, cpu ${cpu.toFixed(1)}s since they started`);
  }
  if (healthy > 0 && bin && existsSync(paths.kubeconfig)) {
    console.log('');
    console.log(kubectl(bin, paths.kubeconfig, ['get', 'nodes', '-o', 'wide']).stdout.trimEnd());
    console.log(kubectl(bin, paths.kubeconfig, ['get', 'pods', '-A', '-o', 'wide']).stdout.trimEnd());
    const held = await repositories(cluster.registry).then((names) => names.join(', ') || '(none)', (error) => `not answering: ${error.message}`);
    console.log(`\nregistry http://${cluster.registry} (storage ${paths.registryData}): ${held}`);
    console.log(`\nexport KUBECONFIG=${paths.kubeconfig}\nexport SANDBOX_REGISTRY=${cluster.registry}`);
  }
  console.log(`\n${healthy}/${all.length} components healthy`);
  return healthy === all.length;
}
