// @ts-check
// Where the binaries the tools run are: Helm 3 and 4, docker, kubectl, kubeconform. Each looks at its
// environment variable (set by tools/ci/setup/*.sh in dist/test-results/env), then the versioned cache
// those scripts fill, then PATH. Nothing here downloads anything.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { toolsCache } from './cache.mjs';
import { VERSIONS } from './versions.mjs';

export const HELM_SETUP_HINT = 'run `bash tools/ci/setup/30-helm.sh` (installs Helm 3 and 4, kubeconform and the schemas into ~/.cache/todo-app/tools)';

/**
 * The first `name` on PATH, or undefined.
 * @param {string} name
 * @param {NodeJS.ProcessEnv} [env]
 */
export function which(name, env = process.env) {
  for (const dir of (env.PATH ?? '').split(':')) {
    if (dir && existsSync(join(dir, name))) return join(dir, name);
  }
  return undefined;
}

/**
 * Major version of a helm binary (3 or 4), or undefined when it does not run.
 * @param {string} binary
 */
export function helmMajor(binary) {
  try {
    const match = /^v(\d+)\./.exec(execFileSync(binary, ['version', '--short'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim());
    return match ? Number(match[1]) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Where a Helm of this major version may be, in order: $HELM<major>, the setup's cache, $HELM, PATH.
 * @param {3 | 4} major
 * @param {NodeJS.ProcessEnv} [env]
 */
export function helmCandidates(major, env = process.env) {
  const version = major === 3 ? VERSIONS.helm3.version : VERSIONS.helm4.version;
  return [env[`HELM${major}`], join(toolsCache(env), `helm-v${version}`, 'helm'), env.HELM, which('helm', env)];
}

/**
 * Path of a Helm binary of the given major version, or undefined.
 * @param {3 | 4} major
 * @param {NodeJS.ProcessEnv} [env]
 */
export function findHelm(major, env = process.env) {
  return helmCandidates(major, env).find((c) => c && existsSync(c) && helmMajor(c) === major);
}

/**
 * The Helm a deploy uses: $HELM when it is Helm 3 or 4, else Helm 4 (flags --rollback-on-failure
 * --wait=watcher), else Helm 3 (--atomic --wait).
 * @param {NodeJS.ProcessEnv} [env]
 * @returns {{ binary: string, major: 3 | 4 } | undefined}
 */
export function findDeployHelm(env = process.env) {
  const explicit = env.HELM && existsSync(env.HELM) ? helmMajor(env.HELM) : undefined;
  if (env.HELM && (explicit === 3 || explicit === 4)) return { binary: env.HELM, major: explicit };
  for (const major of /** @type {const} */ ([4, 3])) {
    const binary = findHelm(major, env);
    if (binary) return { binary, major };
  }
  return undefined;
}

/**
 * The docker CLI: $DOCKER, else /usr/bin/docker when present, else `docker` from PATH.
 * @param {NodeJS.ProcessEnv} [env]
 */
export function dockerBinary(env = process.env) {
  return env.DOCKER || (existsSync('/usr/bin/docker') ? '/usr/bin/docker' : 'docker');
}

/**
 * kubectl: $KUBECTL, else `kubectl` from PATH (the sandbox cluster's own kubectl is found by
 * @todo/sandbox-cluster, which puts it on the PATH of what it runs).
 * @param {NodeJS.ProcessEnv} [env]
 */
export function kubectlBinary(env = process.env) {
  return env.KUBECTL || 'kubectl';
}

/**
 * kubeconform: $KUBECONFORM, the setup's cache, PATH; undefined when none exists.
 * @param {NodeJS.ProcessEnv} [env]
 */
export function findKubeconform(env = process.env) {
  const candidates = [env.KUBECONFORM, join(toolsCache(env), `kubeconform-v${VERSIONS.kubeconform.version}`, 'kubeconform'), which('kubeconform', env)];
  return candidates.find((c) => c && existsSync(c));
}
