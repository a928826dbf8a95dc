// Command-line parsing for `node src/cli.mjs <command> [options]` (what the Nx targets run).
import { parseArgs } from 'node:util';
import { MAX_NODES } from './layout.mjs';

export const COMMANDS = ['up', 'down', 'status', 'load-image', 'smoke', 'build'];

export class UsageError extends Error {}

export const USAGE = `usage: sandbox-cluster <command> [options]
  up [--nodes=N]          build the binaries if needed, start the cluster with N nodes (default 1, at most ${MAX_NODES}), wait until every node is Ready
  down                    stop every component and delete the cluster state (keeps the binary cache)
  status                  show each component and the node
  load-image --image=REF  copy a local Docker image into the cluster's containerd (repeatable)
  smoke                   prove the running cluster: a pod, a NodePort from the host, Service DNS
  build                   only build (or find cached) binaries
options:
  --timeout=SECONDS       how long up waits for each component (default 180)
  --keep-on-failure       up: leave the components running after a failure, for inspection`;

/**
 * @param {string[]} argv arguments after the script name
 * @returns {{ command: string, images: string[], nodes: number, timeoutMs: number, keepOnFailure: boolean }}
 */
export function parseCommandLine(argv) {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        image: { type: 'string', multiple: true },
        timeout: { type: 'string' },
        nodes: { type: 'string' },
        'keep-on-failure': { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (error) {
    throw new UsageError(/** @type {Error} */ (error).message);
  }
  const { values, positionals } = parsed;
  if (values.help) throw new UsageError('');
  if (positionals.length !== 1) throw new UsageError(`expected one command, got ${positionals.length ? positionals.join(' ') : 'none'}`);
  const [command] = positionals;
  if (!COMMANDS.includes(command)) throw new UsageError(`unknown command "${command}"`);
  // Nx passes an empty --image= when the target's {args.image} is unset.
  const images = (values.image ?? []).flatMap((ref) => ref.split(',')).map((ref) => ref.trim()).filter(Boolean);
  if (command === 'load-image' && images.length === 0) throw new UsageError('load-image needs --image=<ref>, e.g. --image=todo-app/backend:local');
  if (command !== 'load-image' && images.length > 0) throw new UsageError(`--image only applies to load-image, not ${command}`);
  const timeoutSeconds = values.timeout === undefined ? 180 : Number(values.timeout);
  if (!Number.isInteger(timeoutSeconds) || timeoutSeconds <= 0) throw new UsageError(`--timeout must be a positive number of seconds, got "${values.timeout}"`);
  if (command !== 'up' && values.nodes !== undefined) throw new UsageError(`--nodes only applies to up, not ${command}`);
  const nodes = values.nodes === undefined ? 1 : Number(values.nodes);
  if (!Number.isInteger(nodes) || nodes < 1 || nodes > MAX_NODES) throw new UsageError(`--nodes must be a whole number from 1 to ${MAX_NODES}, got "${values.nodes}"`);
  return { command, images, nodes, timeoutMs: timeoutSeconds * 1000, keepOnFailure: values['keep-on-failure'] ?? false };
}
