// @ts-check
// Images pushed to a registry run by digest, because a tag can be pushed again. The digest comes from
// the push itself (what `docker push` printed, cross-checked with `docker inspect` RepoDigests), never
// from a guess.

/** A registry digest as the chart takes it. */
export const DIGEST = /^sha256:[0-9a-f]{64}$/;

/**
 * Docker shortens Docker Hub names in RepoDigests (`docker.io/library/x` is listed as `x`).
 * @param {string} repository
 */
function familiarName(repository) {
  return repository.replace(/^(docker\.io|index\.docker\.io|registry-1\.docker\.io)\//, '').replace(/^library\//, '');
}

/**
 * The digests `docker inspect` RepoDigests lists for a repository.
 * @param {string[]} repoDigests
 * @param {string} remote
 */
function listedDigests(repoDigests, remote) {
  const wanted = familiarName(remote);
  return repoDigests
    .map((entry) => entry.split('@'))
    .filter(([repository, digest]) => familiarName(repository) === wanted && DIGEST.test(digest ?? ''))
    .map(([, digest]) => digest);
}

/**
 * The repository a registry deploy pushes an app to, e.g. 127.0.0.1:5000/team + todo-app/backend.
 * @param {string} registry host[:port][/path]
 * @param {string} repository
 */
export function pushedRepository(registry, repository) {
  return `${normaliseRegistry(registry)}/${repository}`;
}

/** @param {string} registry */
export function normaliseRegistry(registry) {
  return registry.trim().replace(/\/+$/, '');
}

/**
 * The digest of the manifest `docker push <remote>:<tag>` just pushed.
 * @param {{ pushOutput: string, repoDigests: string[], remote: string, tag: string }} input
 *   pushOutput: what docker push printed (`<tag>: digest: sha256:… size: N`);
 *   repoDigests: `docker inspect --format '{{json .RepoDigests}}'` of the image after the push
 * @returns {string} sha256:…
 */
export function pushedDigest({ pushOutput, repoDigests, remote, tag }) {
  const listed = listedDigests(repoDigests, remote);
  const printed = [...pushOutput.matchAll(/^(\S+): digest: (sha256:[0-9a-f]{64}) size: \d+\s*$/gm)].filter((m) => m[1] === tag).map((m) => m[2]).at(-1);
  if (printed) {
    if (!listed.includes(printed)) {
      throw new Error(
        `docker push printed digest ${printed} for ${remote}:${tag}, but docker inspect lists ${listed.length ? listed.join(', ') : 'no digest'} for ${remote}; ` +
          `push again, and check that nothing else pushes ${remote}:${tag} at the same time`,
      );
    }
    return printed;
  }
  if (listed.length === 1) return listed[0];
  throw new Error(
    listed.length
      ? `docker push printed no digest for ${remote}:${tag} and docker inspect lists ${listed.length} digests for ${remote} (${listed.join(', ')}), so which one was pushed is unknown; push again`
      : `docker push printed no digest for ${remote}:${tag} and docker inspect lists none for ${remote}; check the push output above`,
  );
}

/**
 * The digest of the manifest `docker pull <remote>:<tag>` just pulled: the `Digest:` line it printed,
 * which docker inspect must list for the repository.
 * @param {{ pullOutput: string, repoDigests: string[], remote: string, tag: string }} input
 * @returns {string} sha256:…
 */
export function pulledDigest({ pullOutput, repoDigests, remote, tag }) {
  const listed = listedDigests(repoDigests, remote);
  const printed = /^Digest: (sha256:[0-9a-f]{64})\s*$/m.exec(pullOutput)?.[1];
  if (printed && listed.includes(printed)) return printed;
  throw new Error(
    `docker pull ${remote}:${tag} printed ${printed ? `digest ${printed}` : 'no digest'} and docker inspect lists ${listed.length ? listed.join(', ') : 'none'} for ${remote}; ` +
      'pull again, or rebuild the image',
  );
}
