#!/usr/bin/env node
// @ts-check
// The toolkit's values for the shell scripts (tools/ci/setup/*.sh, tools/base-image/*.sh,
// tools/sandbox-cluster/scripts/*.sh), as lines of NAME='value' to eval:
//   eval "$(node tools/toolkit/src/shell-env.mjs)"
// versions.json's entries become <ENTRY>_<FIELD> in upper snake case (helm3.version -> HELM3_VERSION,
// helm3.npmPackage -> HELM3_NPM_PACKAGE, goPrograms.registry.version -> GO_PROGRAMS_REGISTRY_VERSION), and
// TODO_CACHE / TODO_TOOLS_CACHE are the cache folders (src/cache.mjs).
import { pathToFileURL } from 'node:url';
import { cacheDir, toolsCache } from './cache.mjs';
import { VERSIONS } from './versions.mjs';

/** @param {string} name */
const snake = (name) => name.replace(/([a-z0-9])([A-Z])/g, '$1_$2').replace(/[^A-Za-z0-9]+/g, '_').toUpperCase();
/** @param {string} value */
const quote = (value) => `'${value.replace(/'/g, `'\\''`)}'`;

/**
 * @param {NodeJS.ProcessEnv} [env]
 * @returns {Record<string, string>}
 */
export function shellEnv(env = process.env) {
  /** @type {Record<string, string>} */
  const out = {};
  /** @param {string} prefix @param {unknown} value */
  const walk = (prefix, value) => {
    if (typeof value === 'string') out[prefix] = value;
    else if (value && typeof value === 'object') for (const [key, inner] of Object.entries(value)) if (!key.startsWith('$')) walk(prefix ? `${prefix}_${snake(key)}` : snake(key), inner);
  };
  walk('', VERSIONS);
  out.TODO_CACHE = cacheDir('', env).replace(/\/$/, '');
  out.TODO_TOOLS_CACHE = toolsCache(env);
  return out;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  for (const [name, value] of Object.entries(shellEnv())) console.log(`${name}=${quote(value)}`);
}
