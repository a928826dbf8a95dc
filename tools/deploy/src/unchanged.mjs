// @ts-check
// A deploy that would change nothing skips Helm. "Nothing" is judged by Helm itself: a server-side dry run of
// the very upgrade the deploy would run (same chart, values files and --set flags, so the same images and
// digests) renders manifests, hooks and user-supplied values, and they are compared with what the release
// holds (`helm status -o json`). Pure: the CLI runs the two helm commands and hands their JSON here.

/**
 * @typedef {object} HelmRelease the parts of Helm's release JSON (`helm status -o json`, `helm upgrade --dry-run -o json`) compared
 * @property {{ status?: string }} [info]
 * @property {number} [version]
 * @property {Record<string, unknown> | null} [config] user-supplied values
 * @property {string} [manifest]
 * @property {{ path?: string, manifest?: string }[] | null} [hooks]
 */

/** Helm flags that wait or roll back: meaningless for a dry run. */
const WAIT_FLAGS = new Set(['--rollback-on-failure', '--wait=watcher', '--atomic', '--wait']);

/**
 * The upgrade command as a server-side dry run printing the release as JSON (renders with the cluster's
 * answers to `lookup`, so kept Secret values render as they are stored; changes nothing).
 * @param {string[]} upgrade the deploy's `helm upgrade --install ...` argv
 */
export function dryRunCommand(upgrade) {
  return [...upgrade.filter((arg) => !WAIT_FLAGS.has(arg)), '--dry-run=server', '-o', 'json'];
}

/**
 * The documents of a manifest by their `# Source:` template, so that a difference can be named.
 * @param {string} manifest
 * @returns {Map<string, string>}
 */
function documentsBySource(manifest) {
  /** @type {Map<string, string>} */
  const documents = new Map();
  for (const text of manifest.split(/^---\s*$/m).map((d) => d.trim()).filter(Boolean)) {
    const source = /^# Source: (.+)$/m.exec(text)?.[1] ?? '(no source)';
    documents.set(source, documents.has(source) ? `${documents.get(source)}\n---\n${text}` : text);
  }
  return documents;
}

/**
 * Sources whose documents differ, are added or are gone.
 * @param {Map<string, string>} running
 * @param {Map<string, string>} wanted
 */
function changedSources(running, wanted) {
  return [...new Set([...running.keys(), ...wanted.keys()])].filter((source) => running.get(source) !== wanted.get(source)).sort();
}

/**
 * Dotted paths of the values that differ (paths only: values may hold credentials).
 * @param {unknown} a
 * @param {unknown} b
 * @param {string} [prefix]
 * @returns {string[]}
 */
function differingPaths(a, b, prefix = '') {
  const isObject = (/** @type {unknown} */ v) => typeof v === 'object' && v !== null && !Array.isArray(v);
  if (isObject(a) && isObject(b)) {
    const x = /** @type {Record<string, unknown>} */ (a);
    const y = /** @type {Record<string, unknown>} */ (b);
    return [...new Set([...Object.keys(x), ...Object.keys(y)])].sort().flatMap((key) => differingPaths(x[key], y[key], prefix ? `${prefix}.${key}` : key));
  }
  return JSON.stringify(a) === JSON.stringify(b) ? [] : [prefix || '(all values)'];
}

/** @param {HelmRelease['hooks']} hooks */
function hookManifest(hooks) {
  return (hooks ?? [])
    .map((hook) => `# Source: ${hook.path ?? '?'}\n${(hook.manifest ?? '').trim()}`)
    .sort()
    .join('\n---\n');
}

/**
 * Whether the upgrade would leave the release as it is, and why (one line, printed by the deploy).
 * @param {HelmRelease | undefined} running `helm status -o json`; undefined when the release is not installed
 * @param {HelmRelease} wanted `helm upgrade ... --dry-run=server -o json` of the deploy's upgrade
 * @returns {{ unchanged: boolean, reason: string }}
 */
export function upgradeChanges(running, wanted) {
  if (!running) return { unchanged: false, reason: 'the release is not installed' };
  const status = running.info?.status ?? 'unknown';
  if (status !== 'deployed') return { unchanged: false, reason: `the release is ${status}` };
  const values = differingPaths(running.config ?? {}, wanted.config ?? {});
  if (values.length) return { unchanged: false, reason: `values differ: ${values.join(', ')}` };
  const manifests = changedSources(documentsBySource(running.manifest ?? ''), documentsBySource(wanted.manifest ?? ''));
  if (manifests.length) return { unchanged: false, reason: `the chart renders differently: ${manifests.join(', ')}` };
  if (hookManifest(running.hooks) !== hookManifest(wanted.hooks)) return { unchanged: false, reason: 'the chart renders its hooks differently' };
  return { unchanged: true, reason: `revision ${running.version} already runs these images and values, and the chart renders the same` };
}
