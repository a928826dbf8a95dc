import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { cacheDir, toolsCache } from '@todo/toolkit';

// Every temporary folder of this file is made inside scratch, which is removed when the file's tests end.
const scratch = mkdtempSync(join(tmpdir(), 'deploy-run-test-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const root = resolve(import.meta.dirname, '..', '..', '..');
const cli = join(root, 'tools', 'deploy', 'src', 'cli.mjs');

describe('deploy against a cluster that is down', () => {
  it('stops before loading or installing anything, says why, and releases its lock', () => {
    const home = mkdtempSync(join(scratch, 'home-'));
    const kubeconfig = join(home, 'kubeconfig');
    // 127.0.0.1:9 refuses connections: a kind cluster that is not running.
    writeFileSync(kubeconfig, `apiVersion: v1
kind: Config
clusters: [{name: down, cluster: {server: "https://127.0.0.1:9"}}]
contexts: [{name: kind-down, context: {cluster: down, user: u}}]
users: [{name: u, user: {token: x}}]
current-context: kind-down
`);
    const images = mkdtempSync(join(scratch, 'images-'));
    writeFileSync(join(images, 'backend.json'), JSON.stringify({ project: 'backend', repository: 'todo-app/backend', tag: '0123456789ab', ref: 'todo-app/backend:0123456789ab' }));
    const result = spawnSync(process.execPath, [cli, '--app=backend', `--images-dir=${images}`], {
      encoding: 'utf8',
      cwd: root,
      env: { ...process.env, HOME: home, KUBECONFIG: kubeconfig, TODO_TOOLS_CACHE: toolsCache() },
    });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('the cluster of context kind-down does not answer');
    expect(result.stderr).toContain('npx todo-doctor');
    expect(result.stdout).not.toContain('kind load');
    expect(readdirSync(cacheDir('locks', { HOME: home }))).toEqual([]);
  });
});
