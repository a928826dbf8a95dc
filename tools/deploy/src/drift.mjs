// @ts-check
// Deploy the drift, not the diff: which apps a deploy must ship so that the release runs what main should run.
// "What main should run" is one pushed image per app (the records CI's build job wrote: registry, repository,
// content tag, digest); "what the release runs" is read from the cluster (`helm status` + `helm get values`).
// Comparing the two, rather than looking at which files a commit changed, makes a skipped or failed deploy
// caught up by the next one and a first deploy ship every app. Pure: no cluster, no Docker.
import { APPS, currentImage, imageReference } from './plan.mjs';
import { DIGEST, normaliseRegistry } from './registry.mjs';

/** @typedef {import('./plan.mjs').App} App */
/** @typedef {import('./images.mjs').ImageRecord} ImageRecord */

/**
 * @typedef {object} ReleaseState what `helm status` and `helm get values -o json` say of the release
 * @property {string} status e.g. deployed, failed, pending-upgrade
 * @property {number} revision
 * @property {Record<string, any>} values
 */

/**
 * @typedef {object} Drift
 * @property {App[]} apps the apps to deploy, in APPS order (empty: the release runs what main should run)
 * @property {Record<App, string>} reasons why each app is or is not in `apps`, one line each
 */

/**
 * @param {Partial<Record<App, ImageRecord>>} wanted the image each app should run (pushed: registry and digest set)
 * @param {ReleaseState | undefined} release undefined when the release is not installed
 * @returns {Drift}
 */
export function deployDrift(wanted, release) {
  /** @type {App[]} */
  const apps = [];
  const reasons = /** @type {Record<App, string>} */ ({});
  for (const app of APPS) {
    const record = wanted[app];
    if (!record) throw new Error(`no image record for ${app}: the build job must record a pushed image for every app, not only the affected ones`);
    if (!record.registry || !record.digest || !DIGEST.test(record.digest)) {
      throw new Error(`the image record of ${app} (${record.ref}) has no registry digest: only pushed images are deployed by drift`);
    }
    const want = imageReference({ ...record, registry: normaliseRegistry(record.registry), source: '' });
    const reason = driftReason(app, record, release);
    if (reason) apps.push(app);
    reasons[app] = reason ? `deploy ${want}: ${reason}` : `keep: already runs ${want}`;
  }
  return { apps, reasons };
}

/**
 * Why the release does not run the wanted image of an app; undefined when it does.
 * @param {App} app
 * @param {ImageRecord} record
 * @param {ReleaseState | undefined} release
 */
function driftReason(app, record, release) {
  if (!release) return 'the release is not installed (first deploy)';
  // A failed or half-done operation leaves values that may not be what runs: deploy, which settles it.
  if (release.status !== 'deployed') return `the release is ${release.status} at revision ${release.revision}, so what runs is in doubt`;
  const running = currentImage(release.values, app);
  if (!running) return `the release runs no image of ${app} yet`;
  if (release.values?.[app]?.replicaCount === 0) return `${app} is scaled to 0 replicas (installed before it had an image)`;
  const shown = imageReference({ repository: `todo-app/${app}`, tag: '', ...running, source: '' });
  if (!running.digest) return `it runs ${shown}, by tag, not by digest`;
  if (running.digest !== record.digest) return `it runs ${shown}`;
  if (normaliseRegistry(running.registry ?? '') !== normaliseRegistry(record.registry ?? '') || (running.repository ?? `todo-app/${app}`) !== record.repository) {
    return `it runs the same digest from another repository (${shown})`;
  }
  return undefined;
}
