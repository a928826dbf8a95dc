// @ts-check
// The workspace's cache folder outside the repository: ${XDG_CACHE_HOME:-$HOME/.cache}/todo-app/<part>.
import { homedir } from 'node:os';
import { join } from 'node:path';

/**
 * A folder of the todo-app cache, e.g. cacheDir('locks').
 * @param {string} part
 * @param {NodeJS.ProcessEnv} [env]
 */
export function cacheDir(part, env = process.env) {
  return join(env.XDG_CACHE_HOME || join(env.HOME || homedir(), '.cache'), 'todo-app', part);
}

/**
 * Where tools/ci/setup/*.sh install Helm, kubeconform, the schemas and the linters: $TODO_TOOLS_CACHE, else
 * the cache's tools/ folder.
 * @param {NodeJS.ProcessEnv} [env]
 */
export function toolsCache(env = process.env) {
  return env.TODO_TOOLS_CACHE || cacheDir('tools', env);
}
