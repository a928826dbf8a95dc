// @ts-check
// The Helm binary a deploy uses: Helm 4 preferred (flags --rollback-on-failure --wait=watcher), Helm 3 accepted
// (--atomic --wait). Looks at $HELM, then what tools/ci/setup/30-helm.sh installed, then PATH.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

/** @param {string} binary */
export function helmMajor(binary) {
  try {
    const match = /^v(\d+)\./.exec(execFileSync(binary, ['version', '--short'], { encoding: 'utf8' }).trim());
    return match ? Number(match[1]) : undefined;
  } catch {
    return undefined;
  }
}

/** @returns {{ binary: string, major: number } | undefined} */
export function findDeployHelm() {
  const cache = process.env.TODO_TOOLS_CACHE ?? join(homedir(), '.cache', 'todo-app', 'tools');
  const pathHelm = (process.env.PATH ?? '').split(':').map((dir) => join(dir, 'helm')).find((p) => existsSync(p));
  const candidates = [process.env.HELM, process.env.HELM4, join(cache, 'helm-v4.1.4', 'helm'), pathHelm, process.env.HELM3, join(cache, 'helm-v3.17.3', 'helm')];
  for (const binary of candidates) {
    if (!binary || !existsSync(binary)) continue;
    const major = helmMajor(binary);
    if (major === 3 || major === 4) return { binary, major };
  }
  return undefined;
}
