// @ts-check
// Builds the release's Secret (keys exactly DATABASE_URL, JWT_SECRET_KEY, OPENAI_API_KEY) from flags,
// environment or prompts, merged over what the cluster already stores. Values never reach argv or stdout.
import { randomBytes } from 'node:crypto';

export const KEYS = /** @type {const} */ (['DATABASE_URL', 'JWT_SECRET_KEY', 'OPENAI_API_KEY']);
/** @typedef {typeof KEYS[number]} Key */

/** Command-line flag for each key. */
export const FLAGS = /** @type {Record<Key, string>} */ ({
  DATABASE_URL: 'database-url',
  JWT_SECRET_KEY: 'jwt-secret-key',
  OPENAI_API_KEY: 'openai-api-key',
});

/**
 * The chart's full name for a release (same rule as todo-app.fullname in _helpers.tpl).
 * @param {string} release
 */
export function chartFullname(release) {
  return (release.includes('todo-app') ? release : `${release}-todo-app`).slice(0, 63).replace(/-$/, '');
}

/**
 * Values given by flags, else by environment variables (when fromEnv), keyed by Secret key.
 * @param {{ flags: Partial<Record<string, string>>, env: NodeJS.ProcessEnv, fromEnv: boolean }} input
 * @returns {Partial<Record<Key, string>>}
 */
export function collectValues({ flags, env, fromEnv }) {
  /** @type {Partial<Record<Key, string>>} */
  const values = {};
  for (const key of KEYS) {
    const fromFlag = flags[FLAGS[key]];
    const fromEnvironment = fromEnv ? (env[key] ?? (key === 'OPENAI_API_KEY' ? env.OPENROUTER_API_KEY : undefined)) : undefined;
    const value = fromFlag ?? fromEnvironment;
    if (value !== undefined && value !== '') values[key] = value;
  }
  return values;
}

/**
 * Problems with the given values (empty when they are usable).
 * @param {Partial<Record<Key, string>>} values
 */
export function validateValues(values) {
  const problems = [];
  if (values.DATABASE_URL !== undefined && !/^postgres(ql)?:\/\//.test(values.DATABASE_URL)) {
    problems.push('DATABASE_URL must start with postgres:// or postgresql://');
  }
  if (values.JWT_SECRET_KEY !== undefined && values.JWT_SECRET_KEY.length < 32) {
    problems.push('JWT_SECRET_KEY must be at least 32 characters (or use --generate-jwt-secret-key)');
  }
  return problems;
}

export function generateJwtSecretKey() {
  return randomBytes(36).toString('base64url');
}

/**
 * The Secret to apply: the existing one (if any) with the given keys replaced. A Secret created before
 * the release exists carries Helm's ownership metadata so `helm install` adopts it instead of failing.
 * @param {{ name: string, namespace: string, release: string, values: Partial<Record<Key, string>>, existing?: Record<string, any>, adoptByRelease: boolean }} input
 */
export function secretManifest({ name, namespace, release, values, existing, adoptByRelease }) {
  const metadata = existing?.metadata ?? {};
  const labels = { ...(metadata.labels ?? {}) };
  const annotations = { ...(metadata.annotations ?? {}) };
  if (!existing && adoptByRelease) {
    labels['app.kubernetes.io/managed-by'] = 'Helm';
    annotations['meta.helm.sh/release-name'] = release;
    annotations['meta.helm.sh/release-namespace'] = namespace;
  }
  /** @type {Record<string, string>} */
  const data = { ...(existing?.data ?? {}) };
  for (const [key, value] of Object.entries(values)) data[key] = Buffer.from(value).toString('base64');
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    type: 'Opaque',
    metadata: {
      name,
      namespace,
      ...(metadata.resourceVersion ? { resourceVersion: metadata.resourceVersion } : {}),
      ...(Object.keys(labels).length ? { labels } : {}),
      ...(Object.keys(annotations).length ? { annotations } : {}),
    },
    data,
  };
}

/**
 * What the tool prints: key names only.
 * @param {string} name
 * @param {Partial<Record<Key, string>>} values
 * @param {Record<string, string>} resultingData
 */
export function describeChange(name, values, resultingData) {
  const set = Object.keys(values);
  const kept = Object.keys(resultingData).filter((key) => !set.includes(key));
  const missing = KEYS.filter((key) => !(key in resultingData));
  return [
    `Secret ${name}: set ${set.length ? set.join(', ') : 'nothing'}`,
    ...(kept.length ? [`  kept as stored: ${kept.join(', ')}`] : []),
    ...(missing.length ? [`  still missing: ${missing.join(', ')}`] : []),
  ].join('\n');
}
