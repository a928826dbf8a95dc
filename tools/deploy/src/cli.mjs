#!/usr/bin/env node
// @ts-check
// `nx deploy <app> --configuration=dev|prod` and `nx helm-deploy chart`: ship an app's image through the
// todo-app chart into the current kube context, changing only that app's image tag.
// Run with --plan to print every command (image builds, loads, helm) without touching a cluster.
import { dirname, join, relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import { dockerBinary } from '@todo/toolkit';
import { CLUSTER_TYPES, clusterTypeOf } from './cluster.mjs';
import { findDeployHelm } from './helm.mjs';
import { deployDrift } from './drift.mjs';
import { decodeRelease, deployFingerprint, FINGERPRINT_ANNOTATION, releaseSecrets } from './fingerprint.mjs';
import { readImageRecord, requireImageRecord, writeImageRecord } from './images.mjs';
import { acquireLocalLock, isLeaseStale, leaseManifest, leaseName } from './lock.mjs';
import { migrationsChecksum } from './migrations.mjs';
import { APPS, changedImage, DIGEST_OF_THE_PUSH, imageReference, planDeploy, planPush } from './plan.mjs';
import { capture, DeployFailure, runStep, show } from './process.mjs';
import { normaliseRegistry, pushedRepository } from './registry.mjs';
import { pullImage, pushImage, upgradeWithStatusCheck } from './rollout.mjs';
import { dryRunCommand, upgradeChanges } from './unchanged.mjs';
import { runWatch } from './watch.mjs';

const workspaceRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const DEV_DATABASE_IMAGE = 'postgres:17-alpine';
const CHART_DIR = relative(workspaceRoot, join(workspaceRoot, 'deploy', 'helm'));

export const USAGE = `usage: todo-deploy --app=<backend|frontend> [--app=...] | --chart-only
       todo-deploy --publish [--app=...] --registry=HOST/PATH push built images (default: every app), record their digests
       todo-deploy --drift [--drift-output=FILE]             which apps the release does not run as recorded (CI's deploy job)
  --environment=dev|prod      values-<environment>.yaml beside the chart (default dev)
  --release=NAME              Helm release (default todo-app, or $TODO_RELEASE)
  --namespace=NAME            namespace (default todo-app, or $TODO_NAMESPACE)
  --context=NAME              kube context (default: the current one)
  --cluster-type=TYPE         minikube|kind|sandbox|registry (default: from the context name)
  --registry=HOST/PATH        push the images there and run them by digest, whatever the cluster ($TODO_REGISTRY);
                              required for a cluster that is not Minikube, kind or the sandbox
  --images-dir=DIR            image records written by docker-build (default dist/images)
  --db-image=REF              dev only: the in-chart PostgreSQL image (default: the release's current one, else
                              ${DEV_DATABASE_IMAGE}); offline: todo-app/postgres:15-bookworm (tools/base-image/postgres.sh)
  --db-image-load=auto|always|never   dev only: load the database image into the node (auto: if Docker has it and
                              the release does not run it yet)
  --values=FILE               extra values file after values-<environment>.yaml, repeatable; pass it on every deploy
  --set=KEY=VALUE             extra chart value, repeatable (e.g. --set=postgresql.persistence.enabled=false)
  --timeout=DURATION          helm --timeout (default 10m); the status check stops the deploy sooner when a
                              pod or hook Job cannot succeed
  --force-upgrade             run helm upgrade even when a dry run shows it would change nothing
  --run-migrations            dev: run the migration Job even when the release already applied these migrations
  --watch                     deploy, then follow the app's logs; on each save under apps/<app> or libs rebuild
                              (nx run <app>:docker-build) and deploy again, until Ctrl+C (one --app)
  --plan                      print the plan and exit; touches no cluster
  --current-values=FILE       with --plan: what \`helm get values -o json\` returns for the release
  --json                      with --plan: print the plan as JSON
  --publish                   push each --app's (default: every app's) image to --registry unless the registry has its content tag,
                              and write its registry and digest into its image record; deploys nothing
  --drift                     compare the image records (registry digests) with what the release runs and print
                              the apps to deploy; touches nothing
  --drift-output=FILE         with --drift: append apps=<comma-separated apps> to FILE (e.g. $GITHUB_OUTPUT)`;

function parse(argv = process.argv.slice(2)) {
  const { values } = parseArgs({
    args: argv,
    options: {
      app: { type: 'string', multiple: true },
      'chart-only': { type: 'boolean' },
      environment: { type: 'string', default: 'dev' },
      release: { type: 'string', default: process.env.TODO_RELEASE ?? 'todo-app' },
      namespace: { type: 'string', default: process.env.TODO_NAMESPACE ?? 'todo-app' },
      context: { type: 'string' },
      'cluster-type': { type: 'string' },
      registry: { type: 'string', default: process.env.TODO_REGISTRY },
      'images-dir': { type: 'string', default: join(workspaceRoot, 'dist', 'images') },
      'db-image': { type: 'string' },
      'db-image-load': { type: 'string', default: 'auto' },
      timeout: { type: 'string', default: '10m' },
      set: { type: 'string', multiple: true },
      values: { type: 'string', multiple: true },
      plan: { type: 'boolean' },
      'force-upgrade': { type: 'boolean' },
      'run-migrations': { type: 'boolean' },
      'current-values': { type: 'string' },
      json: { type: 'boolean' },
      publish: { type: 'boolean' },
      drift: { type: 'boolean' },
      'drift-output': { type: 'string' },
      watch: { type: 'boolean' },
      help: { type: 'boolean' },
    },
  });
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  const apps = (values.app ?? []).flatMap((a) => a.split(','));
  for (const app of apps) {
    if (!(/** @type {readonly string[]} */ (APPS).includes(app))) throw new UsageError(`unknown app "${app}"; deployable apps: ${APPS.join(', ')}`);
  }
  if (values.publish && !values.registry) throw new UsageError('--publish needs --registry=<host/path> (or TODO_REGISTRY)');
  if (apps.length === 0 && !values['chart-only'] && !values.drift && !values.publish) throw new UsageError('name an app with --app=<backend|frontend>, or pass --chart-only');
  if (values.watch && (apps.length !== 1 || values.plan || values.publish || values.drift)) {
    throw new UsageError('--watch deploys one app: name exactly one --app, without --plan, --publish or --drift');
  }
  if (values.environment !== 'dev' && values.environment !== 'prod') throw new UsageError(`--environment must be dev or prod, not "${values.environment}"`);
  const clusterType = values['cluster-type'];
  if (clusterType && !(/** @type {readonly string[]} */ (CLUSTER_TYPES).includes(clusterType))) {
    throw new UsageError(`--cluster-type must be one of ${CLUSTER_TYPES.join(', ')}`);
  }
  if (!['auto', 'always', 'never'].includes(values['db-image-load'])) throw new UsageError('--db-image-load must be auto, always or never');
  for (const file of values.values ?? []) {
    if (!existsSync(file)) throw new UsageError(`--values file ${file} does not exist`);
  }
  return { ...values, apps: /** @type {import('./plan.mjs').App[]} */ (apps), environment: /** @type {'dev' | 'prod'} */ (values.environment) };
}

class UsageError extends Error {}

/**
 * `--set` pairs pointing the in-chart PostgreSQL at an image reference.
 * @param {string} ref e.g. todo-app/postgres:15-bookworm
 */
export function databaseImageValues(ref) {
  const colon = ref.lastIndexOf(':');
  if (colon <= ref.lastIndexOf('/') || ref.includes('@')) throw new UsageError(`--db-image must be REPOSITORY:TAG, not "${ref}"`);
  return [`postgresql.image.repository=${ref.slice(0, colon)}`, `postgresql.image.tag=${ref.slice(colon + 1)}`];
}

function currentContext() {
  try {
    return capture('kubectl', ['config', 'current-context']);
  } catch {
    throw new Error('no current kube context: start Minikube/kind (or the sandbox cluster) or pass --context; `npx todo-doctor` checks the setup');
  }
}

/** @param {string} ref */
function dockerHasImage(ref) {
  try {
    capture(dockerBinary(), ['image', 'inspect', '--format', '{{.Id}}', ref]);
    return true;
  } catch {
    return false;
  }
}

/**
 * Takes the in-cluster Lease for the release (creating the namespace first); returns its release function.
 * @param {{ context: string, namespace: string, release: string }} target
 */
function acquireLease({ context, namespace, release }) {
  const kubectl = ['--context', context, '-n', namespace];
  try {
    capture('kubectl', ['--context', context, '--request-timeout=10s', 'get', '--raw', '/readyz']);
  } catch (error) {
    const reason = String(/** @type {{ stderr?: string }} */ (error).stderr ?? error).trim().split('\n').pop();
    throw new Error(`the cluster of context ${context} does not answer (${reason}); start it or pick another context (--context)`);
  }
  try {
    capture('kubectl', ['--context', context, 'get', 'namespace', namespace]);
  } catch {
    runStep(`create namespace ${namespace}`, ['kubectl', '--context', context, 'create', 'namespace', namespace], { cwd: workspaceRoot });
  }
  const name = leaseName(release);
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      capture('kubectl', [...kubectl, 'create', '-f', '-'], { input: JSON.stringify(leaseManifest({ release, namespace })) });
      console.log(`lock: took Lease ${namespace}/${name}`);
      return () => {
        try {
          capture('kubectl', [...kubectl, 'delete', 'lease', name, '--ignore-not-found']);
        } catch (error) {
          console.warn(`warning: could not release Lease ${namespace}/${name}: ${error}; it expires by itself after 30 minutes`);
        }
      };
    } catch (error) {
      if (!String(/** @type {{ stderr?: string }} */ (error).stderr ?? error).includes('AlreadyExists')) throw error;
      const lease = JSON.parse(capture('kubectl', [...kubectl, 'get', 'lease', name, '-o', 'json']));
      if (!isLeaseStale(lease)) {
        throw new Error(
          `another deploy of ${release} is running (Lease ${namespace}/${name} held by ${lease.spec?.holderIdentity} since ${lease.spec?.acquireTime}); ` +
            `wait for it, or if it died: kubectl --context ${context} -n ${namespace} delete lease ${name}`,
        );
      }
      console.log(`lock: Lease ${name} is stale (holder ${lease.spec?.holderIdentity}); taking it over`);
      capture('kubectl', [...kubectl, 'delete', 'lease', name]);
    }
  }
  throw new Error(`could not take Lease ${namespace}/${name}`);
}

/** @param {{ context: string, namespace: string, release: string, helm: string }} target */
function releaseState({ context, namespace, release, helm }) {
  try {
    const status = JSON.parse(capture(helm, ['status', release, '-n', namespace, '--kube-context', context, '-o', 'json']));
    const values = JSON.parse(capture(helm, ['get', 'values', release, '-n', namespace, '--kube-context', context, '-o', 'json']) || '{}');
    return { status: String(status.info?.status ?? 'unknown'), revision: Number(status.version), values: values ?? {}, release: status };
  } catch (error) {
    if (String(/** @type {{ stderr?: string }} */ (error).stderr ?? error).includes('not found')) return undefined;
    throw error;
  }
}

/** @type {string | undefined} */
let shippedMigrations;

/**
 * Dev only: the checksum of the migrations the backend ships, which the release records
 * (`migrations.checksum`) so that the next dev deploy with the same migrations skips the migration Job.
 * Production runs the Job on every upgrade.
 * @param {ReturnType<typeof parse>} options
 */
function devMigrationsChecksum(options) {
  if (options.environment !== 'dev') return undefined;
  // Hashed once: a deploy is one process (--watch starts one per cycle), shipping the source its image was just built from.
  shippedMigrations ??= migrationsChecksum(workspaceRoot);
  return shippedMigrations;
}

/**
 * Whether a dev upgrade may skip the migration Job: the newest revision is deployed (its Job, if it ran,
 * succeeded) and recorded these migrations, and its database keeps its data (an emptyDir database loses it
 * with its pod, so the Job runs every time).
 * @param {ReturnType<typeof parse>} options
 * @param {{ context: string, namespace: string, release: string, helm: string }} target
 * @param {{ status: string, values: Record<string, any> } | undefined} state
 */
function migrationsApplied(options, target, state) {
  if (options['run-migrations'] || state?.status !== 'deployed') return false;
  const checksum = devMigrationsChecksum(options);
  if (!checksum || state.values.migrations?.checksum !== checksum) return false;
  try {
    const all = JSON.parse(capture(target.helm, ['get', 'values', target.release, '-n', target.namespace, '--kube-context', target.context, '--all', '-o', 'json']) || '{}');
    return !all.postgresql?.enabled || all.postgresql?.persistence?.enabled !== false;
  } catch {
    return false; // what cannot be shown applied is applied again
  }
}

/**
 * @param {ReturnType<typeof parse>} options
 * @param {{ context: string, currentValues: Record<string, any> | undefined, helm: { binary: string, major: number }, digests?: Partial<Record<import('./plan.mjs').App, string>>, migrationsApplied?: boolean }} state
 */
function buildPlan(options, { context, currentValues, helm, digests, migrationsApplied }) {
  const clusterType = /** @type {import('./cluster.mjs').ClusterType} */ (options['cluster-type'] ?? clusterTypeOf(context));
  // A database image chosen on an earlier deploy stays, like the image of the app not being deployed.
  const running = currentValues?.postgresql?.image;
  const dbImage = options['db-image'] ?? (running?.repository && running?.tag ? `${running.repository}:${running.tag}` : DEV_DATABASE_IMAGE);
  const dbImageSet = options.environment === 'dev' && dbImage !== DEV_DATABASE_IMAGE ? databaseImageValues(dbImage) : [];
  /** @type {Partial<Record<import('./plan.mjs').App, import('./images.mjs').ImageRecord>>} */
  const records = {};
  for (const app of APPS) {
    const record = options.apps.includes(app) ? requireImageRecord(options['images-dir'], app) : readImageRecord(options['images-dir'], app);
    if (record) records[app] = record;
  }
  const loadDb = options['db-image-load'];
  // auto: when Docker has it, unless the release already runs it (its node has it; loading it again costs seconds).
  const alreadyRuns = running?.repository && running?.tag && `${running.repository}:${running.tag}` === dbImage;
  const extraLoads =
    options.environment === 'dev' && (loadDb === 'always' || (loadDb === 'auto' && !alreadyRuns && dockerHasImage(dbImage))) ? [dbImage] : [];
  return planDeploy({
    apps: options.apps,
    environment: options.environment,
    release: options.release,
    namespace: options.namespace,
    context,
    clusterType,
    registry: options.registry || undefined,
    digests,
    records,
    currentValues,
    helm,
    chartDir: CHART_DIR,
    timeout: options.timeout,
    extraLoads,
    extraValues: (options.values ?? []).map((file) => resolve(file)),
    extraSetString: dbImageSet,
    extraSet: options.set ?? [],
    migrationsChecksum: devMigrationsChecksum(options),
    migrationsApplied,
  });
}

/**
 * @param {import('./plan.mjs').Plan} plan
 * @param {string} header
 */
function printPlan(plan, header) {
  console.log(header);
  console.log('image builds (run by nx before deploy):');
  for (const build of plan.builds.length ? plan.builds : ['(none: chart-only deploy)']) console.log(`  ${build}`);
  console.log('images after the deploy:');
  for (const [app, image] of Object.entries(plan.images)) console.log(`  ${app}: ${imageReference(image)} (${image.source})`);
  console.log('commands:');
  for (const step of [...plan.pushes.flatMap((push) => [push.tagStep, push.pushStep]), ...plan.loads, plan.upgrade]) console.log(`  $ ${show(step.command)}`);
  for (const note of plan.notes) console.log(`note: ${note}`);
}

/**
 * `--publish`: each app's image in the registry, its digest in its record. An image whose content tag the
 * registry already has is not pushed again (a second build of the same content would move the tag).
 * @param {ReturnType<typeof parse>} options
 */
async function publish(options) {
  const registry = normaliseRegistry(options.registry ?? '');
  for (const app of options.apps.length ? options.apps : APPS) {
    const record = requireImageRecord(options['images-dir'], app);
    const remote = pushedRepository(registry, record.repository);
    if (record.digest && record.registry === registry) {
      console.log(`publish ${app}: ${remote}:${record.tag}@${record.digest} is already in the registry (docker-build found it there)`);
      continue;
    }
    const digest = pullImage(remote, record.tag) ?? (await pushImage(planPush(app, record, registry)));
    writeImageRecord(options['images-dir'], { ...record, registry, digest });
    console.log(`publish ${app}: ${remote}:${record.tag}@${digest}; recorded in ${join(options['images-dir'], `${app}.json`)}`);
  }
}

/**
 * `--drift`: the apps whose recorded image the release does not run.
 * @param {ReturnType<typeof parse>} options
 * @param {string} context
 */
function drift(options, context) {
  const helm = findDeployHelm();
  if (!helm) throw new Error('no Helm 3 or 4 found: run `bash tools/ci/setup/30-helm.sh` or install Helm 4, or set HELM=/path/to/helm');
  /** @type {Partial<Record<import('./plan.mjs').App, import('./images.mjs').ImageRecord>>} */
  const wanted = {};
  for (const app of APPS) wanted[app] = requireImageRecord(options['images-dir'], app);
  const state = releaseState({ context, namespace: options.namespace, release: options.release, helm: helm.binary });
  console.log(`drift: release ${options.release} in namespace ${options.namespace}, context ${context}: ${state ? `${state.status} at revision ${state.revision}` : 'not installed'}`);
  const { apps, reasons } = deployDrift(wanted, state);
  for (const app of APPS) console.log(`  ${app}: ${reasons[app]}`);
  console.log(apps.length ? `drift: deploy ${apps.join(', ')}` : 'drift: none; the release runs what the records say');
  if (options['drift-output']) appendFileSync(options['drift-output'], `apps=${apps.join(',')}\n`);
}

async function main() {
  const options = parse();
  if (options.publish) return publish(options);
  const context = options.context ?? currentContext();
  if (options.drift) return drift(options, context);
  if (options.watch) {
    const cli = fileURLToPath(import.meta.url);
    return runWatch({ app: options.apps[0], argv: [...process.argv.slice(2), `--context=${context}`], workspaceRoot, cli, target: { context, namespace: options.namespace, release: options.release } });
  }
  const header = `deploy ${options.apps.length ? options.apps.join(', ') : 'chart only'} (${options.environment}) → release ${options.release}, namespace ${options.namespace}, context ${context}`;

  if (options.plan) {
    const helm = findDeployHelm() ?? { binary: 'helm', major: 4 };
    const currentValues = options['current-values'] ? JSON.parse(readFileSync(options['current-values'], 'utf8')) : undefined;
    const plan = buildPlan(options, { context, currentValues, helm });
    if (options.json) console.log(JSON.stringify({ context, release: options.release, namespace: options.namespace, ...plan }, null, 2));
    else printPlan(plan, `plan: ${header}${currentValues ? '' : ' (release assumed not installed)'}`);
    return;
  }

  const helm = findDeployHelm();
  if (!helm) throw new Error('no Helm 3 or 4 found: run `bash tools/ci/setup/30-helm.sh` or install Helm 4, or set HELM=/path/to/helm');
  console.log(`${header}\nusing ${helm.binary} (Helm ${helm.major})`);
  const target = { context, namespace: options.namespace, release: options.release };
  if (!options['force-upgrade']) {
    const same = deployedWithSameInputs(options, target, helm);
    if (same) {
      console.log(`nothing to deploy: release ${options.release} revision ${same.revision} was deployed from exactly these inputs (images, values, chart, Helm); Helm not run (--force-upgrade runs it anyway)`);
      console.log(`running: ${Object.entries(same.plan.images).map(([app, image]) => `${app} ${imageReference(image)}`).join(', ')}`);
      return;
    }
  }
  const releaseLocal = acquireLocalLock(target);
  /** @type {(() => void) | undefined} */
  let releaseLease;
  try {
    releaseLease = acquireLease(target);
    const state = releaseState({ ...target, helm: helm.binary });
    if (state?.status.startsWith('pending-')) {
      throw new DeployFailure(
        `release ${options.release} is ${state.status}: another Helm operation is running or died half-way`,
        `if none is running: helm history ${options.release} -n ${options.namespace}, then helm rollback ${options.release} <last deployed revision> -n ${options.namespace}`,
      );
    }
    console.log(state ? `release ${options.release} is ${state.status} at revision ${state.revision}; keeping the images of apps not being deployed` : `release ${options.release} is not installed yet`);
    if (options.environment === 'prod') requireExistingSecret(target);
    const applied = migrationsApplied(options, { ...target, helm: helm.binary }, state);
    let plan = buildPlan(options, { context, currentValues: state?.values, helm, migrationsApplied: applied });
    printPlan(plan, 'plan:');
    /** @type {Partial<Record<import('./plan.mjs').App, string>>} */
    const digests = {};
    for (const push of plan.pushes) digests[push.app] = await pushImage(push);
    if (plan.pushes.length) plan = buildPlan(options, { context, currentValues: state?.values, helm, digests, migrationsApplied: applied });
    if (plan.upgrade.command.some((arg) => arg.includes(DIGEST_OF_THE_PUSH))) throw new Error('internal: an image was pushed without its digest being read');
    const imageChange = state ? changedImage(plan, state.values) : undefined;
    if (imageChange) console.log(`helm upgrade needed: ${imageChange}`);
    else if (state && !options['force-upgrade']) {
      const verdict = compareWithDryRun(plan.upgrade.command, state.release);
      if (verdict.unchanged) {
        console.log(`\nnothing to deploy: release ${options.release} ${verdict.reason}; Helm upgrade not run (--force-upgrade runs it anyway)`);
        console.log(`running: ${Object.entries(plan.images).map(([app, image]) => `${app} ${imageReference(image)}`).join(', ')}`);
        recordFingerprint(target, plan, state.revision);
        return;
      }
      console.log(`helm upgrade needed: ${verdict.reason}`);
    }
    for (const step of plan.loads) runStep(step.title, step.command, { hint: step.hint, cwd: workspaceRoot });
    await upgradeWithStatusCheck({ upgrade: plan.upgrade, target, helm: helm.binary, timeout: options.timeout, before: state?.revision, cwd: workspaceRoot });
    recordFingerprint(target, plan, (state?.revision ?? 0) + 1);
    console.log(`\ndeployed: ${Object.entries(plan.images).map(([app, image]) => `${app} ${imageReference(image)}`).join(', ')}`);
  } finally {
    releaseLease?.();
    releaseLocal();
  }
}

/**
 * The Secrets of the release's namespace, in one read; undefined when they cannot be read (the slow path says why).
 * @param {{ context: string, namespace: string }} target
 * @returns {import('./fingerprint.mjs').Secret[] | undefined}
 */
function namespaceSecrets({ context, namespace }) {
  try {
    return JSON.parse(capture('kubectl', ['--context', context, '-n', namespace, '--request-timeout=10s', 'get', 'secrets', '-o', 'json'])).items ?? [];
  } catch {
    return undefined;
  }
}

/**
 * The fast no-op: the newest revision is deployed and carries the fingerprint of the upgrade this deploy would
 * run. Deploys that push an image (its digest is known only after the push) always take the dry run.
 * @param {ReturnType<typeof parse>} options
 * @param {{ context: string, namespace: string, release: string }} target
 * @param {{ binary: string, major: number }} helm
 */
function deployedWithSameInputs(options, target, helm) {
  const secrets = namespaceSecrets(target);
  if (!secrets) return undefined;
  const { newest, keptSecrets } = releaseSecrets(secrets, target.release);
  if (!newest?.fingerprint || newest.status !== 'deployed') return undefined;
  if (options.environment === 'prod' && !secrets.some((s) => s.metadata?.name === existingSecretName())) return undefined;
  const plan = buildPlan(options, { context: target.context, currentValues: decodeRelease(newest.secret).config ?? {}, helm });
  if (plan.pushes.length) return undefined;
  const fingerprint = deployFingerprint({ upgrade: plan.upgrade.command, chartDir: CHART_DIR, cwd: workspaceRoot, keptSecrets });
  return fingerprint === newest.fingerprint ? { revision: newest.revision, plan } : undefined;
}

/**
 * Writes the fingerprint of `plan`'s upgrade on the release's newest revision, when that is `revision` and
 * deployed, so the next deploy of the same inputs is a single read. A failure only costs that speed.
 * @param {{ context: string, namespace: string, release: string }} target
 * @param {import('./plan.mjs').Plan} plan
 * @param {number} revision
 */
function recordFingerprint(target, plan, revision) {
  const secrets = namespaceSecrets(target);
  const { newest, keptSecrets } = releaseSecrets(secrets ?? [], target.release);
  if (!newest || newest.revision !== revision || newest.status !== 'deployed') return;
  const fingerprint = deployFingerprint({ upgrade: plan.upgrade.command, chartDir: CHART_DIR, cwd: workspaceRoot, keptSecrets });
  try {
    capture('kubectl', ['--context', target.context, '-n', target.namespace, 'annotate', '--overwrite', 'secret', String(newest.secret.metadata?.name), `${FINGERPRINT_ANNOTATION}=${fingerprint}`]);
  } catch (error) {
    console.warn(`warning: could not record this deploy's inputs on revision ${revision} (${String(/** @type {{ stderr?: string }} */ (error).stderr ?? error).trim().split('\n').pop()}); the next no-op deploy takes Helm's dry run`);
  }
}

/**
 * What a server-side dry run of the upgrade says against the release; a dry run that fails decides nothing.
 * @param {string[]} upgrade
 * @param {import('./unchanged.mjs').HelmRelease} release
 */
function compareWithDryRun(upgrade, release) {
  const [helm, ...args] = dryRunCommand(upgrade);
  try {
    return upgradeChanges(release, JSON.parse(capture(helm, args)));
  } catch (error) {
    const reason = String(/** @type {{ stderr?: string }} */ (error).stderr ?? error).trim().split('\n').pop();
    return { unchanged: false, reason: `the dry run could not tell (${reason})` };
  }
}

/** The Secret values-prod.yaml has the release read its credentials from. */
function existingSecretName() {
  const values = readFileSync(join(workspaceRoot, 'deploy', 'helm', 'values-prod.yaml'), 'utf8');
  return /existingSecret:\s*(\S+)/.exec(values)?.[1];
}

/** @param {{ context: string, namespace: string }} target */
function requireExistingSecret({ context, namespace }) {
  const name = existingSecretName();
  if (!name) return;
  try {
    capture('kubectl', ['--context', context, '-n', namespace, 'get', 'secret', name]);
  } catch {
    throw new Error(`Secret ${namespace}/${name} is missing: create it with \`npx todo-secrets --namespace ${namespace} --secret-name ${name}\``);
  }
}

main().catch((error) => {
  const message = error instanceof Error ? error.message : String(error);
  console.error(`\ndeploy failed: ${message}`);
  if (error instanceof DeployFailure) console.error(`next: ${error.next}`);
  else if (error instanceof UsageError) console.error(USAGE);
  else console.error('check the machine with `npx todo-doctor`; run again with --plan to see every command');
  process.exit(1);
});
