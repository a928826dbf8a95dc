// @ts-check
// After a deploy that failed or was stopped: from `helm history`, what must still be done so that the
// release is back where it was (Helm rolls back on failure and on cancel, but a killed Helm leaves
// pending-*, and a failed first install must leave nothing).

/** @typedef {{ revision: number, status: string, description?: string }} Revision one entry of `helm history -o json` */

/**
 * @typedef {object} Recovery
 * @property {'none' | 'rollback' | 'uninstall'} action what the deploy tool runs itself
 * @property {number} [revision] rollback: the revision to go back to; none: the revision the release runs
 * @property {boolean} installed whether the release exists once the action is done
 * @property {string} summary what happened to the release, for the user
 */

const GOOD = new Set(['deployed', 'superseded']);

/**
 * @param {{ before: number | undefined, history: Revision[] }} input before: the release's revision before
 *   this deploy (undefined: it was not installed); history: `helm history` now, oldest first
 * @returns {Recovery}
 */
export function recoveryPlan({ before, history }) {
  const latest = history.at(-1);
  if (!latest) return { action: 'none', installed: false, summary: before === undefined ? 'not installed (Helm undid the first install, or never made it)' : 'gone (someone uninstalled it)' };
  const target = before === undefined ? undefined : history.filter((r) => r.revision <= before && GOOD.has(r.status)).at(-1);
  const rolledBackTo = /^Rollback to (\d+)/.exec(latest.description ?? '')?.[1];
  if (latest.status === 'deployed' && (latest.revision === before || rolledBackTo)) {
    return {
      action: 'none',
      revision: latest.revision,
      installed: true,
      summary: latest.revision === before ? `unchanged at revision ${before}` : `Helm rolled back to revision ${rolledBackTo} (as revision ${latest.revision})`,
    };
  }
  // pending-*, failed, or this deploy's own revision deployed although the status check found it cannot work.
  if (!target) return { action: 'uninstall', installed: false, summary: `revision ${latest.revision} is ${latest.status} and there is no earlier good revision: uninstalling` };
  return { action: 'rollback', revision: target.revision, installed: true, summary: `revision ${latest.revision} is ${latest.status}: rolling back to revision ${target.revision}` };
}

/**
 * Objects a failed deploy leaves behind. While the release stays installed: its hook Jobs that did not
 * complete, and every hook object whose delete policy says hook-failed (Helm skips that policy when it is
 * cancelled mid-hook, which is how the status check stops it; seen: the migration's hook ServiceAccount
 * outlived the release). Other hook objects, meant to persist, stay. Once the release is gone: every hook
 * object and anything still labelled with it.
 * @param {any[]} objects items of `kubectl get jobs,secrets,serviceaccounts -l app.kubernetes.io/instance=<release> -o json`
 * @param {{ release: string, installed: boolean }} input
 * @returns {string[]} kind/name to delete
 */
export function leftovers(objects, { release, installed }) {
  /** @param {any} o */
  const hook = (o) => Boolean(o.metadata?.annotations?.['helm.sh/hook']);
  /** @param {any} o */
  const completed = (o) => o.status?.conditions?.some((/** @type {any} */ c) => c.type === 'Complete' && c.status === 'True');
  /** @param {any} o */
  const goneOnFailure = (o) => String(o.metadata?.annotations?.['helm.sh/hook-delete-policy'] ?? '').split(',').includes('hook-failed');
  return objects
    .filter((o) =>
      installed
        ? hook(o) && (goneOnFailure(o) || (o.kind === 'Job' && !completed(o)))
        : hook(o) || o.metadata?.annotations?.['meta.helm.sh/release-name'] === release,
    )
    .map((o) => `${String(o.kind).toLowerCase()}/${o.metadata.name}`);
}
