// @ts-check
// Renders the chart with a real Helm binary and parses the manifests (used by helm-lint and the tests).
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { chartDir } from './toolchain.mjs';

/**
 * @typedef {object} RenderOptions
 * @property {string} helm path of the helm binary
 * @property {string[]} [valuesFiles] files beside the chart, e.g. ['values-dev.yaml']
 * @property {Record<string, string | number | boolean | null | object>} [set] --set-string for strings, --set-json for
 *   lists and maps, else --set; null removes the key
 * @property {string} [release]
 * @property {string} [namespace]
 */

/** @param {RenderOptions} options */
export function helmArgs({ valuesFiles = [], set = {} }) {
  const args = [];
  for (const file of valuesFiles) args.push('-f', join(chartDir, file));
  for (const [key, value] of Object.entries(set)) {
    if (typeof value === 'string') args.push('--set-string', `${key}=${value}`);
    else if (value !== null && typeof value === 'object') args.push('--set-json', `${key}=${JSON.stringify(value)}`);
    else args.push('--set', `${key}=${value}`);
  }
  return args;
}

/**
 * `helm template` output as text; throws with Helm's message when rendering fails.
 * @param {RenderOptions} options
 */
export function renderText(options) {
  const { helm, release = 'todo', namespace = 'todo' } = options;
  try {
    return execFileSync(helm, ['template', release, chartDir, '--namespace', namespace, ...helmArgs(options)], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
  } catch (error) {
    const stderr = /** @type {{ stderr?: string }} */ (error).stderr ?? String(error);
    throw new Error(stderr.trim());
  }
}

/**
 * Rendered manifests as objects (empty documents dropped).
 * @param {RenderOptions} options
 * @returns {Record<string, any>[]}
 */
export function render(options) {
  return parseAllDocuments(renderText(options))
    .map((doc) => doc.toJSON())
    .filter((object) => object && typeof object === 'object');
}
