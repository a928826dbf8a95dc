// @ts-check
// Pure planning: from the apps to ship, their image records, the cluster and the release's current values,
// the exact commands a deploy runs. The CLI prints this plan (--plan) or executes it.
import { imageLoadCommands } from './cluster.mjs';
import { normaliseRegistry, pushedRepository } from './registry.mjs';

export const APPS = /** @type {const} */ (['backend', 'frontend']);
/** @typedef {typeof APPS[number]} App */
/** @typedef {import('./images.mjs').ImageRecord} ImageRecord */
/** @typedef {import('./cluster.mjs').ClusterType} ClusterType */

/** Stands for the digest in a printed plan; the CLI plans again with the digests its pushes returned. */
export const DIGEST_OF_THE_PUSH = '<digest of the push>';

/**
 * @typedef {object} PlanInput
 * @property {App[]} apps apps whose new image ships (empty for a chart-only deploy)
 * @property {'dev' | 'prod'} environment
 * @property {string} release
 * @property {string} namespace
 * @property {string} context kube context
 * @property {ClusterType} clusterType
 * @property {string} [registry] host[/path] to push to; when set, images are pushed whatever the cluster type
 * @property {Partial<Record<App, string>>} [digests] sha256 digests the pushes returned (the CLI plans again with them)
 * @property {Partial<Record<App, ImageRecord>>} records image records of built apps (dist/images)
 * @property {Record<string, any> | undefined} currentValues `helm get values -o json` of the release; undefined when not installed
 * @property {{ binary: string, major: number }} helm
 * @property {string} chartDir chart path as passed to helm (relative to the workspace root)
 * @property {string} [timeout] helm --timeout, e.g. "10m"
 * @property {string[]} [extraLoads] further local images to load into the node (dev database image)
 * @property {string[]} [extraValues] further values files (`-f`), after values-<environment>.yaml
 * @property {string[]} [extraSetString] further `--set-string key=value` overrides (the database image)
 * @property {string[]} [extraSet] further `--set key=value` overrides; they win over the tool's own values
 * @property {string} [migrationsChecksum] checksum of the backend's migrations in the source it ships
 * @property {boolean} [migrationsApplied] the release's newest revision is deployed and its database keeps its
 *   data (not an emptyDir): a deploy whose backend migrations have the checksum it recorded need not run them again
 */

/**
 * @typedef {object} Step
 * @property {string} title what the step does, printed before it runs
 * @property {string[]} command argv
 * @property {string} [hint] what to try when it fails
 */

/**
 * @typedef {object} Push an image pushed to the registry; its digest is read from the push
 * @property {App} app
 * @property {string} source local image, e.g. todo-app/backend:3f2a9c1b7d40
 * @property {string} remote pushed repository, e.g. 127.0.0.1:5000/todo-app/backend
 * @property {string} tag
 * @property {Step} tagStep `docker tag`
 * @property {Step} pushStep `docker push`
 */

/**
 * @typedef {object} Image what an app runs: [registry/]repository:tag, or [registry/]repository@digest when digest is set
 * @property {string} [registry]
 * @property {string} repository
 * @property {string} tag
 * @property {string} [digest]
 * @property {string} source
 */

/**
 * @typedef {object} Plan
 * @property {string[]} builds `nx docker-build` runs this deploy relies on (nx runs them first)
 * @property {Record<string, Image>} images image each app runs after the deploy
 * @property {Step[]} loads
 * @property {Push[]} pushes
 * @property {Step} upgrade
 * @property {string[]} notes
 */

/** Chart keys of an app image, in the order they are passed. */
const IMAGE_KEYS = /** @type {const} */ (['tag', 'repository', 'registry', 'digest']);

/**
 * The image an installed app runs, as the release's values hold it.
 * @param {Record<string, any> | undefined} values
 * @param {App} app
 * @returns {Partial<Record<typeof IMAGE_KEYS[number], string>> | undefined}
 */
export function currentImage(values, app) {
  const image = values?.[app]?.image;
  if (!image?.tag && !image?.digest) return undefined;
  return Object.fromEntries(IMAGE_KEYS.filter((key) => image[key] !== undefined && image[key] !== '').map((key) => [key, String(image[key])]));
}

/**
 * `--set-string` pairs for an app image; empty values clear what an earlier deploy set.
 * @param {App} app
 * @param {Partial<Record<typeof IMAGE_KEYS[number], string>>} image
 */
function imageArgs(app, image) {
  return IMAGE_KEYS.filter((key) => image[key] !== undefined).flatMap((key) => ['--set-string', `${app}.image.${key}=${image[key]}`]);
}

/**
 * How an image is written in the plan and in the deploy's summary.
 * @param {Image} image
 */
export function imageReference(image) {
  const name = image.registry ? `${image.registry}/${image.repository}` : image.repository;
  return image.digest ? `${name}:${image.tag}@${image.digest}` : `${name}:${image.tag}`;
}

/**
 * Which app's image the plan changes from what the release runs, if any: such an upgrade changes the
 * release for certain, so no dry run is needed to tell (a no-op is one whose images are all the same).
 * @param {{ images: Partial<Record<App, Image>> }} plan
 * @param {Record<string, any> | undefined} currentValues
 * @returns {string | undefined} e.g. "backend image todo-app/backend:aaa → todo-app/backend:bbb"
 */
export function changedImage(plan, currentValues) {
  for (const app of APPS) {
    const wanted = plan.images[app];
    const current = currentImage(currentValues, app);
    if (!wanted || !current) continue;
    if (IMAGE_KEYS.some((key) => (wanted[key] ?? '') !== (current[key] ?? ''))) {
      return `${app} image ${imageReference({ repository: '', tag: '', ...current, source: '' })} → ${imageReference(wanted)}`;
    }
  }
  return undefined;
}

/**
 * Keys a `--set` value names (`a.b=1,c=2` names a.b and c).
 * @param {string[]} pairs
 */
function setKeys(pairs) {
  return new Set(pairs.flatMap((pair) => pair.split(/(?<!\\),/).map((part) => part.split('=')[0])));
}

/**
 * Helm applies every --set-string after every --set, whatever their order: a key the user sets with --set
 * must not also be passed with --set-string, or the user's value is silently dropped.
 * @param {string[]} args `--set-string`/`--set` flag and value pairs
 * @param {Set<string>} keys
 */
function withoutKeys(args, keys) {
  /** @type {string[]} */
  const kept = [];
  for (let i = 0; i < args.length; i += 2) if (!keys.has(args[i + 1].split('=')[0])) kept.push(args[i], args[i + 1]);
  return kept;
}

/**
 * `docker tag` and `docker push` of one app image.
 * @param {App} app
 * @param {ImageRecord} record
 * @param {string} registry
 * @returns {Push}
 */
export function planPush(app, record, registry) {
  const remote = pushedRepository(registry, record.repository);
  const host = normaliseRegistry(registry).split('/')[0];
  return {
    app,
    source: record.ref,
    remote,
    tag: record.tag,
    tagStep: { title: `tag ${record.ref} for ${remote}`, command: ['docker', 'tag', record.ref, `${remote}:${record.tag}`] },
    pushStep: {
      title: `push ${remote}:${record.tag}`,
      command: ['docker', 'push', `${remote}:${record.tag}`],
      hint: `check that the registry ${host} answers and that Docker may push to it: docker login ${host} (a plain-HTTP registry other than 127.0.0.1 must be in Docker's insecure-registries)`,
    },
  };
}

/**
 * Without a backend image there is nothing to run the migration hook with.
 * @param {App} app
 */
function noMigrations(app) {
  return app === 'backend' ? ['--set', 'migrations.enabled=false'] : [];
}

/**
 * @param {PlanInput} input
 * @returns {Plan}
 */
export function planDeploy(input) {
  const { apps, environment, release, namespace, context, clusterType, registry, records, currentValues, helm } = input;
  /** @type {string[]} */
  const notes = [];
  /** @type {Step[]} */
  const loads = [];
  /** @type {Push[]} */
  const pushes = [];
  /** @type {Plan['images']} */
  const images = {};
  /** @type {string[]} */
  const setArgs = [];

  for (const app of APPS) {
    const shipping = apps.includes(app);
    const record = records[app];
    const current = currentImage(currentValues, app);
    if (shipping && !record) throw new Error(`no image record for ${app}`);
    // An app that is not being shipped keeps exactly the image it runs now (registry and digest too), so its pods do not restart.
    if (!shipping && current) {
      images[app] = { ...current, repository: current.repository ?? `todo-app/${app}`, tag: current.tag ?? '', source: `kept from release ${release}` };
      setArgs.push(...imageArgs(app, current));
      if (currentValues?.[app]?.replicaCount === 0) setArgs.push('--set', `${app}.replicaCount=0`, ...noMigrations(app));
      continue;
    }
    if (!record) {
      // First install without the other app's image: keep it scaled to zero until it is deployed.
      notes.push(`${app} has no built image and is not installed yet: it stays at 0 replicas until \`npx nx deploy ${app}\``);
      if (app === 'backend' && apps.includes('frontend')) {
        notes.push('the frontend is ready only when the backend answers: deploy the backend first (or together: --app=backend --app=frontend)');
      }
      setArgs.push('--set', `${app}.replicaCount=0`, ...noMigrations(app));
      continue;
    }
    const source = shipping ? `built by nx docker-build ${app}` : `last build of ${app} (first install)`;
    if (registry && record.digest && normaliseRegistry(record.registry ?? '') === normaliseRegistry(registry)) {
      // Pushed when it was built (CI's build job): run exactly that digest; pushing the tag again could move it.
      const image = { registry: normaliseRegistry(registry), repository: record.repository, tag: record.tag, digest: record.digest };
      images[app] = { ...image, source: `${source}, already in ${pushedRepository(registry, record.repository)}` };
      setArgs.push(...imageArgs(app, image));
      continue;
    }
    if (registry) {
      const push = planPush(app, record, registry);
      pushes.push(push);
      const image = { registry: normaliseRegistry(registry), repository: record.repository, tag: record.tag, digest: input.digests?.[app] ?? DIGEST_OF_THE_PUSH };
      images[app] = { ...image, source: `${source}, pushed to ${push.remote}` };
      setArgs.push(...imageArgs(app, image));
      continue;
    }
    if (clusterType === 'registry') {
      throw new Error(
        `context "${context}" is not Minikube, kind or the sandbox cluster, so the image must be pushed: pass --registry=<host/path> (or set TODO_REGISTRY)`,
      );
    }
    for (const command of imageLoadCommands({ type: clusterType, context, ref: record.ref })) {
      loads.push({ title: `make ${record.ref} available to ${clusterType} cluster (${context})`, command, hint: `check that the cluster is running: npx todo-doctor` });
    }
    images[app] = { repository: record.repository, tag: record.tag, source };
    // A loaded image has no registry digest: clear what an earlier registry deploy pinned, or the pods keep the old image.
    const cleared = current?.registry || current?.digest ? { registry: '', digest: '' } : {};
    setArgs.push(...imageArgs(app, { tag: record.tag, repository: record.repository, ...cleared }));
  }
  if (environment === 'prod' && !registry && loads.length > 0) {
    notes.push(
      `prod normally pushes to a registry and runs images by digest (TODO_REGISTRY=<host/path> or --registry); ` +
        `without one this deploy loads the images into the ${clusterType} node and runs them by tag`,
    );
  }

  if (clusterType !== 'registry') {
    for (const ref of input.extraLoads ?? []) {
      for (const command of imageLoadCommands({ type: clusterType, context, ref })) loads.push({ title: `make ${ref} available to the cluster (dev database)`, command });
    }
  }

  const userKeys = setKeys(input.extraSet ?? []);
  // The migrations the database will have: those of the backend being shipped, else those the release recorded.
  const recordedChecksum = currentValues?.migrations?.checksum;
  const migrationsChecksum = apps.includes('backend') && records.backend ? input.migrationsChecksum : recordedChecksum;
  if (migrationsChecksum) setArgs.push('--set-string', `migrations.checksum=${migrationsChecksum}`);
  const skipHooks =
    input.migrationsApplied === true &&
    migrationsChecksum !== undefined &&
    migrationsChecksum === recordedChecksum &&
    ![...userKeys].some((key) => key.startsWith('migrations.')) &&
    !setArgs.includes('migrations.enabled=false');
  if (skipHooks) {
    notes.push(`the backend's migrations are those the release already applied (checksum ${String(migrationsChecksum).slice(0, 12)}): the migration Job is not run (--run-migrations runs it)`);
  }
  const ownArgs = [...setArgs, ...(input.extraSetString ?? []).flatMap((pair) => ['--set-string', pair])];
  for (let i = 1; i < ownArgs.length; i += 2) {
    const key = ownArgs[i].split('=')[0];
    if (userKeys.has(key)) notes.push(`your --set ${key} replaces the deploy tool's ${ownArgs[i]}`);
  }
  const waitFlags = helm.major >= 4 ? ['--rollback-on-failure', '--wait=watcher'] : ['--atomic', '--wait'];
  const upgrade = {
    title: `helm upgrade --install ${release} (${environment}) in namespace ${namespace}, context ${context}`,
    command: [
      helm.binary,
      'upgrade',
      '--install',
      release,
      input.chartDir,
      '--namespace',
      namespace,
      '--create-namespace',
      '--kube-context',
      context,
      '-f',
      `${input.chartDir}/values-${environment}.yaml`,
      ...(input.extraValues ?? []).flatMap((file) => ['-f', file]),
      ...withoutKeys(ownArgs, userKeys),
      ...(input.extraSet ?? []).flatMap((pair) => ['--set', pair]),
      ...waitFlags,
      // The migration Job is the chart's only hook.
      ...(skipHooks ? ['--no-hooks'] : []),
      '--timeout',
      input.timeout ?? '10m',
      '--history-max',
      '10',
    ],
    hint:
      `fix what Helm's error above names; if it timed out, look at what Kubernetes says: kubectl --context ${context} -n ${namespace} get pods; ` +
      `kubectl --context ${context} -n ${namespace} get events --sort-by=.lastTimestamp | tail -20; helm history ${release} -n ${namespace}`,
  };
  return { builds: apps.map((app) => `nx docker-build ${app}`), images, loads, pushes, upgrade, notes };
}
