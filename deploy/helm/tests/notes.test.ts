import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { chartDir } from '../scripts/toolchain.mjs';
import { helms } from './helpers.js';

// Helm 4 renders NOTES.txt with `install --dry-run=client` without a cluster; Helm 3.17 insists on one.
const helm4 = helms.find((h) => h.major === 4)?.helm;

function notes(valuesFile: string, set: string[] = []) {
  const out = execFileSync(
    helm4 as string,
    ['install', 'todo', chartDir, '--namespace', 'apps', '--dry-run=client', '-f', join(chartDir, valuesFile), ...set.flatMap((s) => ['--set', s])],
    { encoding: 'utf8', env: { ...process.env, KUBECONFIG: '/nonexistent' } },
  );
  return out.slice(out.indexOf('NOTES:'));
}

describe.skipIf(!helm4)('NOTES.txt (Helm 4)', () => {
  it('tells a dev user the NodePort URL for Minikube and kind, and the port-forward', () => {
    const text = notes('values-dev.yaml');
    expect(text).toContain('minikube service todo-todo-app-frontend -n apps --url');
    expect(text).toContain('http://$(minikube ip):30000');
    expect(text).toContain('kubectl port-forward -n apps svc/todo-todo-app-frontend 3000:3000');
    expect(text).toContain('npx todo-secrets --release todo --namespace apps --prompt --restart');
  });

  it('gives the Ingress URL and no NodePort hint in production', () => {
    const text = notes('values-prod.yaml', ['ingress.enabled=true', 'ingress.host=todo.example.org', 'ingress.tls.enabled=true']);
    expect(text).toContain('Ingress: https://todo.example.org/');
    expect(text).not.toContain('NodePort');
    expect(text).toContain('existing Secret "todo-app-credentials"');
  });
});
