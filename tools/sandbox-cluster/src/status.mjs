// `status`: each component's process and probe, then the node, the system pods and the registry's repositories.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { components, UNBUILT } from './components.mjs';
import { kubectl } from './kubectl.mjs';
import { checkProbe } from './probes.mjs';
import { runningPid } from './processes.mjs';
import { repositories } from './registry.mjs';

/** @param {{ paths: import('./layout.mjs').Paths, cluster: import('./layout.mjs').Cluster, bin: string | undefined }} options */
export async function status({ paths, cluster, bin }) {
  let healthy = 0;
  // Only names, PIDs and probes are read here, not the binaries' paths.
  const all = components(paths, cluster, UNBUILT);
  for (const component of all) {
    const pid = runningPid(paths.pids, component.name);
    const running = pid !== undefined;
    const reason = running ? await checkProbe(component.probe, paths.pki) : 'not running';
    if (running && !reason) healthy++;
    console.log(`${component.name.padEnd(24)} ${running ? `pid ${pid}`.padEnd(10) : '-'.padEnd(10)} ${reason || 'ok'}  log: ${join(paths.logs, component.name + '.log')}`);
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
