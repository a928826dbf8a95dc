import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { chartDir } from '../scripts/toolchain.mjs';
import { describeWithHelm } from './helpers.js';

// Helm 4 renders NOTES.txt with `install --dry-run=client` without a cluster; Helm 3.17 insists on one.
describeWithHelm('NOTES.txt (Helm 4)', 4, (helm4) => {
  function notes(valuesFile: string, set: string[] = []) {
    const out = execFileSync(
      helm4,
      ['install', 'todo', chartDir, '--namespace', 'apps', '--dry-run=client', '-f', join(chartDir, valuesFile), ...set.flatMap((s) => ['--set', s])],
      { encoding: 'utf8', env: { ...process.env, KUBECONFIG: '/nonexistent' } },
    );
    return out.slice(out.indexOf('NOTES:'));
  }

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
    expect(text).toContain('existing Secret "todo-app-credentials" (keys DATABASE_URL, JWT_SECRET_KEY, OPENAI_API_KEY)');
  });

  it('names the existing Secret\'s keys as secrets.existingSecretKeys sets them, and the images by digest', () => {
    const digest = `sha256:${'e'.repeat(64)}`;
    const text = notes('values-prod.yaml', ['secrets.existingSecretKeys.databaseUrl=url', 'secrets.existingSecretKeys.openaiApiKey=llm', `backend.image.digest=${digest}`]);
    expect(text).toContain('existing Secret "todo-app-credentials" (keys url, JWT_SECRET_KEY, llm)');
    expect(text).toContain(`Backend image:  todo-app/backend@${digest}`);
  });
});
