// A no-op deploy in one read: the fingerprint of a deploy's inputs, written on the Helm revision it produced,
// matches only when the same upgrade would run with the same chart, values files, Helm and kept Secrets.
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { decodeRelease, deployFingerprint, FINGERPRINT_ANNOTATION, releaseSecrets, type Secret } from '../src/fingerprint.mjs';

const root = resolve(import.meta.dirname, '..', '..', '..');

const scratch = mkdtempSync(join(tmpdir(), 'deploy-fingerprint-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** A copy of the real chart in a scratch workspace (under one scratch folder), so a test can edit it. */
function workspace() {
  const dir = mkdtempSync(join(scratch, 'workspace-'));
  cpSync(join(root, 'deploy', 'helm'), join(dir, 'deploy', 'helm'), { recursive: true });
  writeFileSync(join(dir, 'overlay.yaml'), 'backend:\n  replicaCount: 1\n');
  return dir;
}

const upgrade = (tag: string) => [
  process.execPath, // any real binary stands for Helm
  'upgrade', '--install', 'todo-app', 'deploy/helm', '--namespace', 'todo-app',
  '-f', 'deploy/helm/values-dev.yaml', '-f', 'overlay.yaml',
  '--set-string', `backend.image.tag=${tag}`,
];
const kept = (password: string): Secret => ({
  metadata: { name: 'todo-app-postgresql', labels: { 'app.kubernetes.io/instance': 'todo-app', 'app.kubernetes.io/managed-by': 'Helm' } },
  type: 'Opaque',
  data: { POSTGRES_PASSWORD: Buffer.from(password).toString('base64') },
});

describe('the fingerprint of a deploy', () => {
  it('is the same for the same inputs, and changes with the image, a chart file, a values file or a kept Secret', () => {
    const cwd = workspace();
    const base = { upgrade: upgrade('aaaaaaaaaaaa'), chartDir: 'deploy/helm', cwd, keptSecrets: [kept('one')] };
    const first = deployFingerprint(base);
    expect(first).toMatch(/^[0-9a-f]{64}$/);
    expect(deployFingerprint({ ...base })).toBe(first);

    expect(deployFingerprint({ ...base, upgrade: upgrade('bbbbbbbbbbbb') })).not.toBe(first);
    expect(deployFingerprint({ ...base, keptSecrets: [kept('two')] })).not.toBe(first);

    writeFileSync(join(cwd, 'overlay.yaml'), 'backend:\n  replicaCount: 2\n');
    const valuesChanged = deployFingerprint(base);
    expect(valuesChanged).not.toBe(first);

    writeFileSync(join(cwd, 'deploy', 'helm', 'templates', 'extra.yaml'), '# a template added\n');
    expect(deployFingerprint(base)).not.toBe(valuesChanged);
  });
});

describe('the release Secrets of a namespace', () => {
  const releaseJson = { info: { status: 'deployed' }, version: 3, config: { backend: { image: { tag: 'aaaaaaaaaaaa' } } } };
  // As Helm stores it: data.release is base64 (Kubernetes) of base64 (Helm) of gzipped JSON.
  const stored = Buffer.from(gzipSync(JSON.stringify(releaseJson)).toString('base64')).toString('base64');
  const revision = (version: number, status: string, fingerprint?: string): Secret => ({
    metadata: {
      name: `sh.helm.release.v1.todo-app.v${version}`,
      labels: { owner: 'helm', name: 'todo-app', status, version: String(version) },
      ...(fingerprint ? { annotations: { [FINGERPRINT_ANNOTATION]: fingerprint } } : {}),
    },
    type: 'helm.sh/release.v1',
    data: { release: stored },
  });

  it('gives the newest revision with its status and fingerprint, and the Secrets the chart owns', () => {
    const other = { ...revision(9, 'deployed', 'f'), metadata: { ...revision(9, 'deployed', 'f').metadata, labels: { owner: 'helm', name: 'other', status: 'deployed', version: '9' } } };
    const user: Secret = { metadata: { name: 'todo-app-credentials', labels: {} }, type: 'Opaque', data: {} };
    const { newest, keptSecrets } = releaseSecrets([revision(2, 'superseded', 'e'), revision(10, 'pending-upgrade'), revision(3, 'superseded', 'd'), other, kept('x'), user], 'todo-app');
    expect(newest).toMatchObject({ revision: 10, status: 'pending-upgrade', fingerprint: undefined });
    expect(keptSecrets.map((s) => s.metadata?.name)).toEqual(['todo-app-postgresql']);
    expect(releaseSecrets([], 'todo-app').newest).toBeUndefined();
  });

  it('decodes the release Helm stored', () => {
    expect(decodeRelease(revision(3, 'deployed'))).toEqual(releaseJson);
  });
});
