import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { leftovers, recoveryPlan, type Revision } from '../src/recovery.mjs';

// `helm history todo-app -o json` entries as Helm 4.1.4 wrote them on the sandbox cluster.
const entry = (revision: number, status: string, description: string): Revision => ({ revision, status, description });
const upgradeCancelled = 'Upgrade "todo-app" failed: context canceled';

describe('putting the release back after a failed deploy', () => {
  it('leaves alone a release Helm already rolled back (SIGTERM with --atomic / --rollback-on-failure)', () => {
    const history = [entry(22, 'superseded', 'Rollback to 20'), entry(23, 'failed', upgradeCancelled), entry(24, 'deployed', 'Rollback to 22')];
    expect(recoveryPlan({ before: 22, history })).toEqual({ action: 'none', revision: 24, installed: true, summary: 'Helm rolled back to revision 22 (as revision 24)' });
  });

  it('rolls back itself when Helm died half-way and left the release pending', () => {
    const history = [entry(23, 'failed', upgradeCancelled), entry(24, 'deployed', 'Rollback to 22'), entry(25, 'pending-upgrade', 'Preparing upgrade')];
    expect(recoveryPlan({ before: 24, history })).toMatchObject({ action: 'rollback', revision: 24, installed: true });
    // A failed revision that Helm did not roll back: back to the last good one before the deploy.
    expect(recoveryPlan({ before: 3, history: [entry(2, 'superseded', 'Upgrade complete'), entry(3, 'deployed', 'Upgrade complete'), entry(4, 'failed', 'Upgrade "todo-app" failed: timed out')] })).toMatchObject({ action: 'rollback', revision: 3 });
  });

  it('rolls back a revision Helm reports deployed when the status check found it cannot work', () => {
    expect(recoveryPlan({ before: 5, history: [entry(5, 'superseded', 'Install complete'), entry(6, 'deployed', 'Upgrade complete')] })).toMatchObject({ action: 'rollback', revision: 5 });
  });

  it('uninstalls a first install that is still there, and does nothing when Helm already removed it', () => {
    expect(recoveryPlan({ before: undefined, history: [entry(1, 'pending-install', 'Initial install underway')] })).toMatchObject({ action: 'uninstall', installed: false });
    expect(recoveryPlan({ before: undefined, history: [entry(1, 'failed', 'Release "todo-app" failed: context canceled')] })).toMatchObject({ action: 'uninstall', installed: false });
    expect(recoveryPlan({ before: undefined, history: [] })).toMatchObject({ action: 'none', installed: false });
    expect(recoveryPlan({ before: 3, history: [] })).toMatchObject({ action: 'none', installed: false, summary: 'gone (someone uninstalled it)' });
  });

  it('says the release is unchanged when the deploy failed before Helm made a revision (a schema error)', () => {
    expect(recoveryPlan({ before: 7, history: [entry(6, 'superseded', 'Upgrade complete'), entry(7, 'deployed', 'Upgrade complete')] })).toMatchObject({ action: 'none', summary: 'unchanged at revision 7' });
  });
});

describe('what a failed deploy leaves behind', () => {
  // The failed hook Job exactly as the cluster returned it (first-install fixture), and the kinds around it.
  const fixture = JSON.parse(readFileSync(join(import.meta.dirname, 'fixtures', 'first-install-serviceaccount-missing.json'), 'utf8'));
  const hookJob = Object.values(fixture.store as Record<string, { kind: string }>).find((o) => o.kind === 'Job');
  const hookServiceAccount = { kind: 'ServiceAccount', metadata: { name: 'todo-app-migrate', annotations: { 'helm.sh/hook': 'pre-install,pre-upgrade', 'meta.helm.sh/release-name': 'todo-app' } } };
  const releaseSecret = { kind: 'Secret', metadata: { name: 'todo-app', annotations: { 'meta.helm.sh/release-name': 'todo-app' } } };
  const completedHook = { kind: 'Job', metadata: { name: 'todo-app-seed', annotations: { 'helm.sh/hook': 'post-install' } }, status: { conditions: [{ type: 'Complete', status: 'True' }] } };

  it('after a failed first install: every hook object and anything still labelled with the release', () => {
    expect(leftovers([hookJob, hookServiceAccount, releaseSecret], { release: 'todo-app', installed: false })).toEqual(['job/todo-app-migrate', 'serviceaccount/todo-app-migrate', 'secret/todo-app']);
  });

  it('after a rollback: only hook Jobs that did not complete; the objects the running release uses stay', () => {
    expect(leftovers([hookJob, hookServiceAccount, releaseSecret, completedHook], { release: 'todo-app', installed: true })).toEqual(['job/todo-app-migrate']);
  });

  it('after a rollback: also the hook objects the chart deletes on a failed hook, which a cancelled Helm leaves', () => {
    // As the chart renders the migration's ServiceAccount; after a stopped upgrade it outlived `helm uninstall`.
    const transientServiceAccount = {
      ...hookServiceAccount,
      metadata: { ...hookServiceAccount.metadata, annotations: { ...hookServiceAccount.metadata.annotations, 'helm.sh/hook-delete-policy': 'before-hook-creation,hook-succeeded,hook-failed' } },
    };
    expect(leftovers([hookJob, transientServiceAccount, releaseSecret, completedHook], { release: 'todo-app', installed: true })).toEqual([
      'job/todo-app-migrate',
      'serviceaccount/todo-app-migrate',
    ]);
  });
});
