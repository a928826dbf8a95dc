// @ts-check
// Pure planning: from the apps to ship, their image records, the cluster and the release's current values,
// the exact commands a deploy runs. The CLI prints this plan (--plan) or executes it.
import { imageLoadCommands } from './cluster.mjs';

export const APPS = /** @type {const} */ (['backend', 'frontend']);
/** @typedef {typeof APPS[number]} App */
/** @typedef {import('./images.mjs').ImageRecord} ImageRecord */
/** @typedef {import('./cluster.mjs').ClusterType} ClusterType */

/**
 * @typedef {object} PlanInput
 * @property {App[]} apps apps whose new image ships (empty for a chart-only deploy)
 * @property {'dev' | 'prod'} environment
 * @property {string} release
 * @property {string} namespace
 * @property {string} context kube context
 * @property {ClusterType} clusterType
 * @property {string} [registry] for clusterType "registry"
 * @property {Partial<Record<App, ImageRecord>>} records image records of built apps (dist/images)
 * @property {Record<string, any> | undefined} currentValues `helm get values -o json` of the release; undefined when not installed
 * @property {{ binary: string, major: number }} helm
 * @property {string} chartDir chart path as passed to helm (relative to the workspace root)
 * @property {string} [timeout] helm --timeout, e.g. "10m"
 * @property {string[]} [extraLoads] further local images to load into the node (dev database image)
 * @property {string[]} [extraValues] further values files (`-f`), after values-<environment>.yaml
 * @property {string[]} [extraSetString] further `--set-string key=value` overrides (the database image)
 * @property {string[]} [extraSet] further `--set key=value` overrides, applied last
 */

/**
 * @typedef {object} Step
 * @property {string} title what the step does, printed before it runs
 * @property {string[]} command argv
 * @property {string} [hint] what to try when it fails
 */

/**
 * @typedef {object} Plan
 * @property {string[]} builds `nx docker-build` runs this deploy relies on (nx runs them first)
 * @property {Record<string, { repository: string, tag: string, source: string }>} images image each app runs after the deploy
 * @property {Step[]} loads
 * @property {Step} upgrade
 * @property {string[]} notes
 */

/**
 * @param {Record<string, any> | undefined} values
 * @param {App} app
 */
function currentImage(values, app) {
  const image = values?.[app]?.image;
  return image?.tag ? { repository: image.repository, tag: String(image.tag) } : undefined;
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
  /** @type {Plan['images']} */
  const images = {};
  /** @type {string[]} */
  const setArgs = [];

  for (const app of APPS) {
    const shipping = apps.includes(app);
    const record = records[app];
    const current = currentImage(currentValues, app);
    if (shipping && !record) throw new Error(`no image record for ${app}`);
    // An app that is not being shipped keeps exactly the image it runs now, so its pods do not restart.
    if (!shipping && current) {
      images[app] = { repository: current.repository ?? `todo-app/${app}`, tag: current.tag, source: `kept from release ${release}` };
      setArgs.push('--set-string', `${app}.image.tag=${current.tag}`);
      if (current.repository) setArgs.push('--set-string', `${app}.image.repository=${current.repository}`);
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
    const load = imageLoadCommands({ type: clusterType, context, ref: record.ref, registry, repository: record.repository, tag: record.tag });
    for (const command of load.commands) {
      loads.push({
        title: `make ${record.ref} available to ${clusterType} cluster (${context})`,
        command,
        hint: clusterType === 'registry' ? 'check `docker login` for the registry' : `check that the cluster is running: npx todo-doctor`,
      });
    }
    images[app] = { repository: load.repository, tag: record.tag, source: shipping ? `built by nx docker-build ${app}` : `last build of ${app} (first install)` };
    setArgs.push('--set-string', `${app}.image.tag=${record.tag}`, '--set-string', `${app}.image.repository=${load.repository}`);
  }

  if (clusterType !== 'registry') {
    for (const ref of input.extraLoads ?? []) {
      const load = imageLoadCommands({ type: clusterType, context, ref, repository: ref, tag: '' });
      for (const command of load.commands) loads.push({ title: `make ${ref} available to the cluster (dev database)`, command });
    }
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
      ...setArgs,
      ...(input.extraSetString ?? []).flatMap((pair) => ['--set-string', pair]),
      ...(input.extraSet ?? []).flatMap((pair) => ['--set', pair]),
      ...waitFlags,
      '--timeout',
      input.timeout ?? '10m',
      '--history-max',
      '10',
    ],
    hint:
      `Helm rolled the release back. Look at: kubectl --context ${context} -n ${namespace} get pods; ` +
      `kubectl --context ${context} -n ${namespace} get events --sort-by=.lastTimestamp | tail -20; helm history ${release} -n ${namespace}`,
  };
  return { builds: apps.map((app) => `nx docker-build ${app}`), images, loads, upgrade, notes };
}
