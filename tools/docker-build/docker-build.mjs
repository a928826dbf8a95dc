// The `docker-build` target of every project with a Dockerfile (nx.json targetDefaults):
//   node tools/docker-build/docker-build.mjs <projectName> <projectRoot> [extra docker build args]
// Builds <projectRoot>/Dockerfile with the workspace root as context, tags the image
// todo-app/<project>:<content tag> and :local, and records the tag in dist/images/<project>.json.
// The content tag is computed when the task runs: Nx's hash of the target's inputs (the production
// files of the app and its libraries, the Dockerfile, .dockerignore, this script, NODE_IMAGE) plus the
// id of the base image, so an unchanged app keeps its tag and a test-only edit does not change it.
// The same content tag is the same image, so it is built once: not again when Docker already has
// todo-app/<project>:<tag>, nor when $TODO_REGISTRY (see tools/deploy) has it, which is then pulled and
// recorded with its registry digest, the one a deploy to that registry runs.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeImageRecord } from '../deploy/src/images.mjs';
import { normaliseRegistry, pushedRepository } from '../deploy/src/registry.mjs';
import { pullImage } from '../deploy/src/rollout.mjs';
import { dockerBinary, fail as failWith } from '@todo/toolkit';

const DOCKER = dockerBinary();
const [project, projectRoot, ...extraArgs] = process.argv.slice(2);

/** @param {string} message @param {string} [next] @returns {never} */
function fail(message, next) {
  return failWith(`docker-build ${project ?? ''}`, message, next);
}

/**
 * @param {string[]} args
 * @param {import('node:child_process').SpawnSyncOptions} [options]
 * @returns {import('node:child_process').SpawnSyncReturns<string>}
 */
function docker(args, options = {}) {
  return /** @type {import('node:child_process').SpawnSyncReturns<string>} */ (spawnSync(DOCKER, args, { encoding: 'utf8', env: { ...process.env, DOCKER_BUILDKIT: '1' }, ...options }));
}

/** @param {string} dockerfile */
function defaultNodeImage(dockerfile) {
  const match = readFileSync(dockerfile, 'utf8').match(/^ARG NODE_IMAGE=(\S+)/m);
  if (!match) fail(`${dockerfile} has no "ARG NODE_IMAGE=<default>" line`);
  return match[1];
}

/** @param {string} image */
function baseImageId(image) {
  let inspect = docker(['image', 'inspect', '--format', '{{.Id}}', image]);
  if (inspect.status !== 0) {
    console.log(`docker-build ${project}: pulling base image ${image}`);
    const pull = docker(['pull', image], { stdio: 'inherit' });
    if (pull.status !== 0) {
      fail(
        `base image ${image} is not present and could not be pulled`,
        'without a registry, build the offline base (bash tools/base-image/build.sh) and run again with ' +
          'NODE_IMAGE=<the ref it prints>',
      );
    }
    inspect = docker(['image', 'inspect', '--format', '{{.Id}}', image]);
  }
  return inspect.stdout.trim();
}

if (!project || !projectRoot) fail('usage: docker-build.mjs <projectName> <projectRoot> [docker build args]');
const taskHash = process.env.NX_TASK_HASH;
if (!taskHash) fail('NX_TASK_HASH is not set', `run it through Nx: npx nx docker-build ${project}`);
if (docker(['info', '--format', '{{.ServerVersion}}']).status !== 0) {
  fail(`no Docker engine answers (${DOCKER})`, 'start one: bash tools/ci/setup/20-docker.sh');
}

const dockerfile = join(projectRoot, 'Dockerfile');
const nodeImage = process.env.NODE_IMAGE || defaultNodeImage(dockerfile);
const baseId = baseImageId(nodeImage);
const tag = createHash('sha256').update(`${taskHash}\n${baseId}\n`).digest('hex').slice(0, 12);
const repository = `todo-app/${project}`;
const ref = `${repository}:${tag}`;

console.log(`docker-build ${project}: ${dockerfile}, context = workspace root, base ${nodeImage}`);
console.log(`docker-build ${project}: tag ${tag} (Nx task hash ${taskHash.slice(0, 12)}… + base image ${baseId.slice(7, 19)})`);
const imagesDir = join('dist', 'images');
mkdirSync(imagesDir, { recursive: true });

if (docker(['image', 'inspect', '--format', '{{.Id}}', ref]).status === 0) {
  docker(['tag', ref, `${repository}:local`]);
  writeImageRecord(imagesDir, { project, repository, tag, ref });
  console.log(`docker-build ${project}: ${ref} is already built (same content tag): not built again; recorded in dist/images/${project}.json`);
  process.exit(0);
}
const registry = process.env.TODO_REGISTRY ? normaliseRegistry(process.env.TODO_REGISTRY) : '';
if (registry) {
  const remote = pushedRepository(registry, repository);
  console.log(`docker-build ${project}: looking for ${remote}:${tag} in the registry (TODO_REGISTRY)`);
  const digest = pullImage(remote, tag);
  if (digest) {
    docker(['tag', `${remote}:${tag}`, ref]);
    docker(['tag', ref, `${repository}:local`]);
    writeImageRecord(imagesDir, { project, repository, tag, ref, registry, digest });
    console.log(`docker-build ${project}: ${remote}:${tag} is in the registry as ${digest}: not built; recorded in dist/images/${project}.json`);
    process.exit(0);
  }
}

const started = Date.now();
const build = docker(
  [
    'build',
    '--file', dockerfile,
    '--build-arg', `NODE_IMAGE=${nodeImage}`,
    '--label', `org.opencontainers.image.title=${project}`,
    '--label', `org.opencontainers.image.version=${tag}`,
    '--tag', ref,
    '--tag', `${repository}:local`,
    ...extraArgs,
    '.',
  ],
  { stdio: 'inherit' },
);
if (build.status !== 0) fail(`docker build failed (output above)`, `fix the error, then: npx nx docker-build ${project}`);

const bytes = Number(docker(['image', 'inspect', '--format', '{{.Size}}', ref]).stdout.trim());
const record = { project, repository, tag, ref };
writeImageRecord(imagesDir, record);
const seconds = ((Date.now() - started) / 1000).toFixed(1);
console.log(
  `docker-build ${project}: built ${ref} (also :local), ${(bytes / 1e6).toFixed(1)} MB, ${seconds} s; ` +
    `recorded in dist/images/${project}.json`,
);
