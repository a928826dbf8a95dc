// The registry's HTTP API (OCI distribution spec), as a client: which digest a tag points at, which
// repositories exist. Plain HTTP: the sandbox registry listens on loopback only.

/** Manifest types a tag may point at; the registry answers with the digest of what it stores, unconverted. */
export const MANIFEST_TYPES = [
  'application/vnd.oci.image.index.v1+json',
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
  'application/vnd.docker.distribution.manifest.v2+json',
];

export class RegistryError extends Error {}

/**
 * The registry's own digest of `<repository>:<reference>`: the Docker-Content-Digest header of
 * `HEAD /v2/<repository>/manifests/<reference>`; undefined when the registry has no such manifest.
 * @param {string} registry host:port
 * @param {string} repository e.g. todo-app/backend
 * @param {string} reference a tag or a digest
 * @returns {Promise<string | undefined>}
 */
export async function manifestDigest(registry, repository, reference) {
  const url = `http://${registry}/v2/${repository}/manifests/${reference}`;
  const response = await request(url, { method: 'HEAD', headers: { accept: MANIFEST_TYPES.join(', ') } });
  if (response.status === 404) return undefined;
  const digest = response.headers.get('docker-content-digest');
  if (response.status !== 200 || !digest) throw new RegistryError(`HEAD ${url} answered ${response.status} without a Docker-Content-Digest`);
  return digest;
}

/**
 * Repositories the registry holds (`GET /v2/_catalog`).
 * @param {string} registry host:port
 * @returns {Promise<string[]>}
 */
export async function repositories(registry) {
  const url = `http://${registry}/v2/_catalog?n=1000`;
  const response = await request(url, {});
  if (response.status !== 200) throw new RegistryError(`GET ${url} answered ${response.status}`);
  const body = /** @type {{ repositories?: string[] }} */ (await response.json());
  return body.repositories ?? [];
}

/** @param {string} url @param {RequestInit} init */
async function request(url, init) {
  try {
    return await fetch(url, { ...init, signal: AbortSignal.timeout(10_000) });
  } catch (error) {
    const cause = /** @type {{ cause?: { code?: string } }} */ (error).cause?.code ?? /** @type {Error} */ (error).message;
    throw new RegistryError(`the registry does not answer at ${url} (${cause}); is the sandbox cluster up? npx nx run sandbox-cluster:status`);
  }
}
