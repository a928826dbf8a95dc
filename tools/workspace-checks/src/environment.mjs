// @ts-check
// The environment variables each app really reads, found in its configuration module and its Dockerfile,
// with the defaults written there as literals.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { workspaceRoot } from './nx.mjs';

/** @typedef {{ name: string, default?: string }} EnvVar */

/** Where each app reads its environment: one configuration module (STYLE.md) plus its image's ENV. */
export const CONFIG_SOURCES = {
  backend: { module: 'apps/backend/src/config.ts', dockerfile: 'apps/backend/Dockerfile' },
  frontend: { module: 'apps/frontend/lib/server/config.ts', dockerfile: 'apps/frontend/Dockerfile' },
};

/** @param {string} relative */
const read = (relative) => readFileSync(join(workspaceRoot, relative), 'utf8');

/**
 * @param {Map<string, EnvVar>} found
 * @param {string} name
 * @param {string} [value]
 */
function add(found, name, value) {
  const entry = found.get(name) ?? { name };
  if (value !== undefined && entry.default === undefined) entry.default = value.replace(/(\d)_(\d)/g, '$1$2');
  found.set(name, entry);
}

/**
 * Variables a configuration module reads: `helper(env, 'NAME', ...)`, `env.NAME`, `env['NAME']`, and literal
 * defaults in the shapes the modules use (`integer(env, 'PORT', 8000, ...)`, `oneOf(env, 'X', allowed, 'info')`,
 * `text(env, 'HOST') ?? '0.0.0.0'`, `positiveInt(env.X, 15_000, ...)`, `env.X || 'http://...'`).
 * @param {string} source
 * @returns {EnvVar[]}
 */
export function variablesInModule(source) {
  /** @type {Map<string, EnvVar>} */
  const found = new Map();
  for (const m of source.matchAll(/\binteger\(env,\s*'([A-Z][A-Z0-9_]*)',\s*([\d_]+)\s*,/g)) add(found, m[1], m[2]);
  for (const m of source.matchAll(/\boneOf\(env,\s*'([A-Z][A-Z0-9_]*)',\s*(?:\[[^\]]*\](?:\s*as const)?|\w+),\s*'([^']*)'/g)) add(found, m[1], m[2]);
  for (const m of source.matchAll(/\b\w+\(env,\s*'([A-Z][A-Z0-9_]*)'/g)) add(found, m[1]);
  for (const m of source.matchAll(/\btext\(env,\s*'([A-Z][A-Z0-9_]*)'\)\s*\?\?\s*'([^']*)'/g)) add(found, m[1], m[2]);
  for (const m of source.matchAll(/\benv\.([A-Z][A-Z0-9_]*)(?:,\s*([\d_]+)\b|\s*\|\|\s*'([^']*)')?/g)) add(found, m[1], m[2] ?? m[3]);
  for (const m of source.matchAll(/\benv\[['"]([A-Z][A-Z0-9_]*)['"]\]/g)) add(found, m[1]);
  return [...found.values()].sort((a, b) => a.name.localeCompare(b.name));
}

/**
 * `ENV NAME=value ...` of a Dockerfile's final stage.
 * @param {string} dockerfile
 * @returns {EnvVar[]}
 */
export function variablesInDockerfile(dockerfile) {
  const stages = dockerfile.replace(/\\\n/g, ' ').split(/^FROM\s/m);
  const last = stages[stages.length - 1];
  /** @type {EnvVar[]} */
  const found = [];
  for (const line of last.split('\n')) {
    const env = /^ENV\s+(.*)$/.exec(line.trim());
    if (!env) continue;
    for (const m of env[1].matchAll(/([A-Z][A-Z0-9_]*)=(\S*)/g)) found.push({ name: m[1], default: m[2] });
  }
  return found;
}

/**
 * Everything an app reads or its image sets, by name.
 * @param {'backend' | 'frontend'} app
 */
export function appEnvironment(app) {
  const { module, dockerfile } = CONFIG_SOURCES[app];
  return {
    module: variablesInModule(read(module)),
    image: variablesInDockerfile(read(dockerfile)),
  };
}

/**
 * Keys a chart ConfigMap template sets literally (`  NAME: value` under `data:`), besides the `config` map.
 * @param {string} template
 */
export function configMapKeys(template) {
  const data = template.split(/^data:\s*$/m)[1] ?? '';
  return [...data.matchAll(/^ {2}([A-Z][A-Z0-9_]*):/gm)].map((m) => m[1]);
}
