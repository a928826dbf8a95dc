import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { run, say, setting, stream, type Target, WORKSPACE } from './cluster.js';

export type App = 'backend' | 'frontend';

/** Helm as the suites run it: HELM4, else HELM3 (from the setup), else `helm` on the PATH. */
export function helmFor(target: Target, namespace: string) {
  const binary = setting('HELM4') ?? setting('HELM3') ?? 'helm';
  return {
    binary,
    run: (args: string[], allowFailure = false) => run(target, binary, [...args, '--namespace', namespace, '--kube-context', target.context], { allowFailure }),
    major: () => Number(/^v(\d+)/.exec(run(target, binary, ['version', '--short']).stdout.trim())?.[1] ?? 4),
  };
}

/**
 * `npx nx deploy <app> --configuration=<dev|prod> --namespace=… --context=…` plus `args`, as a user runs it,
 * output streamed. Resolves to its exit status, its output and its wall time; never throws on a failed deploy.
 */
export async function nxDeploy(
  target: Target,
  app: App,
  options: { configuration: 'dev' | 'prod'; namespace: string; args?: string[]; env?: NodeJS.ProcessEnv },
): Promise<{ status: number | null; output: string; seconds: number }> {
  const args = ['nx', 'deploy', app, `--configuration=${options.configuration}`, `--namespace=${options.namespace}`, `--context=${target.context}`, ...(options.args ?? []), '--outputStyle=static'];
  const begun = Date.now();
  const { status, output } = await stream(target, 'npx', args, options.env);
  const seconds = (Date.now() - begun) / 1000;
  say(`deploy ${app} ${status === 0 ? 'took' : `failed (exit ${status}) after`} ${seconds.toFixed(0)}s`);
  return { status, output, seconds };
}

/** nxDeploy that must succeed: throws with the end of the output otherwise; resolves to the output. */
export async function mustDeploy(...input: Parameters<typeof nxDeploy>): Promise<string> {
  const { status, output } = await nxDeploy(...input);
  if (status !== 0) throw new Error(`npx nx deploy ${input[1]} failed (exit ${status}); its output is above. Last lines:\n${output.slice(-2500)}`);
  return output;
}

/** What `nx docker-build <app>` recorded of the image it built (dist/images/<app>.json). */
export function imageRecord(app: App): { ref: string; tag: string; repository: string } {
  return JSON.parse(readFileSync(join(WORKSPACE, 'dist/images', `${app}.json`), 'utf8')) as { ref: string; tag: string; repository: string };
}

/**
 * A backend change for a rollout: a new file among the backend's sources, imported by nothing (so the app
 * behaves the same), changes the backend's Nx hash and so its image's content tag. Each suite uses its own file.
 */
export function backendChange(fileName: string) {
  const file = join(WORKSPACE, 'apps/backend/src', fileName);
  return {
    write: () => writeFileSync(file, `// deploy-e2e: a backend change shipped at ${new Date().toISOString()}; the suite removes this file\nexport {};\n`),
    remove: () => rmSync(file, { force: true }),
  };
}
