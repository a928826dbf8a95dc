#!/usr/bin/env node
// Entry point of the Nx targets: `node tools/sandbox-cluster/src/cli.mjs <command> [options]`.
import { parseCommandLine, UsageError, USAGE } from './args.mjs';
import { teardown } from './down.mjs';
import { clusterImages, importImage, normalizeImageRef } from './images.mjs';
import { clusterAddresses, clusterPaths } from './layout.mjs';
import { socketAccepts } from './probes.mjs';
import { cachedBin, recordedNodes } from './running.mjs';
import { smoke } from './smoke.mjs';
import { status } from './status.mjs';
import { buildBinaries, ComponentError, say, tail, up } from './up.mjs';

async function main() {
  const options = parseCommandLine(process.argv.slice(2));
  const paths = clusterPaths();
  const cluster = clusterAddresses();
  switch (options.command) {
    case 'build': {
      console.log(await buildBinaries());
      return 0;
    }
    case 'up': {
      const { kubeconfig, bin, registry } = await up({ paths, cluster, nodes: options.nodes, timeoutMs: options.timeoutMs, keepOnFailure: options.keepOnFailure });
      console.log(`export KUBECONFIG=${kubeconfig}`);
      // kubectl built with the cluster, for tools that call `kubectl` (nx deploy, helm needs only KUBECONFIG)
      console.log(`export PATH=${bin}:$PATH`);
      // the registry the cluster pulls from: TODO_REGISTRY=$SANDBOX_REGISTRY npx nx deploy <app> pushes there
      console.log(`export SANDBOX_REGISTRY=${registry}`);
      return 0;
    }
    case 'down': {
      await teardown({ paths, cluster, keepLogs: false });
      say('cluster is down; the binary cache stays in ' + paths.cache);
      return 0;
    }
    case 'smoke': {
      const bin = cachedBin(paths.cache);
      if (!bin || !(await socketAccepts(paths.containerdSocket))) throw new ComponentError('smoke', "the cluster is not up; run 'npx nx run sandbox-cluster:up' first");
      const results = await smoke({ paths, cluster, bin, nodes: recordedNodes(paths, cluster) });
      const failed = results.filter((result) => !result.ok).length;
      console.log(`${results.length - failed} passed, ${failed} failed`);
      return failed ? 1 : 0;
    }
    case 'status':
      return (await status({ paths, cluster, bin: cachedBin(paths.cache), nodes: recordedNodes(paths, cluster) })) ? 0 : 1;
    case 'load-image': {
      // Into every node's containerd, so a pod finds the image wherever the scheduler puts it.
      const nodes = recordedNodes(paths, cluster);
      for (const node of nodes) {
        if (!(await socketAccepts(node.containerdSocket))) {
          throw new ComponentError('containerd', `the containerd of node ${node.name} is not running at ${node.containerdSocket}; run 'npx nx run sandbox-cluster:up' first`);
        }
      }
      for (const ref of options.images) {
        const started = Date.now();
        await importImage(ref, nodes.map((node) => node.containerdSocket));
        const name = normalizeImageRef(ref);
        const without = nodes.filter((node) => !clusterImages(node.containerdSocket).includes(name));
        if (without.length) throw new ComponentError('containerd', `${ref} was imported but the containerd of ${without.map((node) => node.name).join(', ')} does not list ${name}`);
        say(`loaded ${ref} as ${name} into ${nodes.length === 1 ? 'the node' : `all ${nodes.length} nodes`} (${((Date.now() - started) / 1000).toFixed(1)}s); use imagePullPolicy: Never or IfNotPresent`);
      }
      return 0;
    }
  }
  return 2;
}

main().then(
  (code) => process.exit(code),
  (error) => {
    if (error instanceof UsageError) {
      if (error.message) console.error(`sandbox-cluster: ${error.message}`);
      console.error(USAGE);
      process.exit(2);
    }
    if (error instanceof ComponentError) {
      console.error(`\n[sandbox-cluster] FAILED: ${error.component}: ${error.message}`);
      if (error.logPath) console.error(`[sandbox-cluster] log: ${error.logPath}\n--- last lines ---\n${tail(error.logPath)}\n---`);
      console.error(`[sandbox-cluster] next: read the log above, fix the cause, then 'npx nx run sandbox-cluster:down' and 'npx nx run sandbox-cluster:up' again`);
      process.exit(1);
    }
    console.error(`[sandbox-cluster] FAILED: ${error?.stack ?? error}`);
    process.exit(1);
  },
);
