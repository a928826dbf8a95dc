import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { summarize } from '../src/checks.mjs';

// Every temporary folder of this file is made inside scratch, which is removed when the file's tests end.
const scratch = mkdtempSync(join(tmpdir(), 'doctor-test-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const cli = resolve(import.meta.dirname, '..', 'src', 'cli.mjs');

function doctor(env: Record<string, string>) {
  return spawnSync(process.execPath, [cli], { encoding: 'utf8', env: { HOME: mkdtempSync(join(scratch, 'home-')), ...env } });
}

describe('doctor', () => {
  it('reports every check and exits 1 when the tools are missing, instead of stopping at the first', () => {
    // An empty PATH: no kubectl, helm, minikube or kind (the doctor runs under this node by absolute path).
    const emptyCache = mkdtempSync(join(scratch, 'tools-'));
    const result = doctor({ PATH: mkdtempSync(join(scratch, 'path-')), TODO_TOOLS_CACHE: emptyCache, KUBECONFIG: join(emptyCache, 'none') });
    expect(result.status).toBe(1);
    for (const name of ['Node.js', 'Docker daemon', 'kubectl', 'Helm 4 (deploys)', 'Helm 3 (helm-lint)', 'kube context', 'cluster reachable', 'built images']) {
      expect(result.stdout).toContain(`${name}:`);
    }
    expect(result.stdout).toMatch(/FAIL {2}kubectl: kubectl is not installed/);
    expect(result.stdout).toMatch(/FAIL {2}Helm 4 \(deploys\): no Helm found\n {10}next: run `bash tools\/ci\/setup\/30-helm.sh`/);
    expect(result.stdout).toMatch(/doctor: \d+ ok, \d+ warnings, [4-9] failed/);
  });

  it('fails the context and cluster checks with a next step when no cluster is configured', () => {
    const dir = mkdtempSync(join(scratch, 'kube-'));
    const kubeconfig = join(dir, 'config');
    writeFileSync(kubeconfig, 'apiVersion: v1\nkind: Config\nclusters: []\ncontexts: []\nusers: []\n');
    const result = doctor({ PATH: process.env.PATH ?? '', KUBECONFIG: kubeconfig });
    expect(result.status).toBe(1);
    expect(result.stdout).toContain('FAIL  kube context');
    expect(result.stdout).toContain('minikube start');
    expect(result.stdout).toContain('FAIL  cluster reachable: skipped: no kube context');
  });

  it('fails a context whose cluster does not answer', () => {
    const dir = mkdtempSync(join(scratch, 'kube-'));
    const kubeconfig = join(dir, 'config');
    // 127.0.0.1:9 (discard) refuses connections: a cluster that is down.
    writeFileSync(kubeconfig, `apiVersion: v1
kind: Config
clusters: [{name: down, cluster: {server: "https://127.0.0.1:9"}}]
contexts: [{name: kind-down, context: {cluster: down, user: u}}]
users: [{name: u, user: {token: x}}]
current-context: kind-down
`);
    const result = doctor({ PATH: process.env.PATH ?? '', KUBECONFIG: kubeconfig });
    expect(result.status).toBe(1);
    expect(result.stdout).toContain('ok    kube context: kind-down (images are loaded into kind)');
    expect(result.stdout).toMatch(/FAIL {2}cluster reachable: .*(refused|connect)/);
  });

  it('summarizes counts and prints hints only for problems', () => {
    const { text, failed } = summarize([
      { name: 'a', status: 'ok', detail: 'fine', hint: 'unused' },
      { name: 'b', status: 'warn', detail: 'meh', hint: 'do x' },
      { name: 'c', status: 'fail', detail: 'broken', hint: 'do y' },
    ]);
    expect(failed).toBe(1);
    expect(text).not.toContain('unused');
    expect(text).toContain('next: do y');
    expect(text.split('\n').pop()).toBe('doctor: 1 ok, 1 warnings, 1 failed');
  });
});
