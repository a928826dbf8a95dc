// The toolkit against the real binaries the setup installed (Helm 3 and 4, docker) and the real shell.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cacheDir, clusterTypeOf, dockerBinary, Failure, findDeployHelm, findHelm, helmMajor, stepFailure, toolsCache, tryRun, VERSIONS, VERSIONS_FILE } from '../src/index.mjs';

const root = join(import.meta.dirname, '..', '..', '..');
const home = process.env.HOME ?? '';
const installed = toolsCache({ HOME: home });
const helm3 = join(installed, `helm-v${VERSIONS.helm3.version}`, 'helm');
const helm4 = join(installed, `helm-v${VERSIONS.helm4.version}`, 'helm');
const scratch = mkdtempSync(join(tmpdir(), 'toolkit-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('versions.json', () => {
  it('is the sandbox cluster’s Kubernetes too: go.mod requires k8s.io/kubernetes at that version', () => {
    const goMod = readFileSync(join(root, 'tools', 'sandbox-cluster', 'go', 'go.mod'), 'utf8');
    expect(/k8s\.io\/kubernetes (v\S+)/.exec(goMod)?.[1]).toBe(`v${VERSIONS.kubernetes.version}`);
  });

  it('reaches the shell scripts through shell-env.mjs as NAME_FIELD variables', () => {
    const script = `eval "$(node ${join(root, 'tools/toolkit/src/shell-env.mjs')})"; echo "$HELM3_VERSION $HELM4_NPM_PACKAGE $GO_PROGRAMS_KUBE_ROUTER_VERSION $TODO_TOOLS_CACHE"`;
    const out = execFileSync('bash', ['-c', script], { encoding: 'utf8', env: { PATH: process.env.PATH, HOME: '/home/someone' } }).trim();
    expect(out).toBe(`${VERSIONS.helm3.version} ${VERSIONS.helm4.npmPackage} ${VERSIONS.goPrograms['kube-router'].version} /home/someone/.cache/todo-app/tools`);
    expect(VERSIONS_FILE).toBe(join(root, 'tools', 'toolkit', 'versions.json'));
  });
});

describe('the cache folder', () => {
  it('is ~/.cache/todo-app/<part>, under $XDG_CACHE_HOME when set; the tools cache follows $TODO_TOOLS_CACHE', () => {
    expect(cacheDir('locks', { HOME: '/h' })).toMatch(/\/\.cache\/todo-app\/locks$/);
    expect(cacheDir('locks', { XDG_CACHE_HOME: '/x' })).toBe('/x/todo-app/locks');
    expect(toolsCache({ XDG_CACHE_HOME: '/x' })).toBe('/x/todo-app/tools');
    expect(toolsCache({ TODO_TOOLS_CACHE: '/t', XDG_CACHE_HOME: '/x' })).toBe('/t');
  });
});

describe('Helm', () => {
  it('finds each major in the setup’s cache and checks the major it runs as', () => {
    const env = { TODO_TOOLS_CACHE: installed, PATH: '' };
    expect(findHelm(3, env)).toBe(helm3);
    expect(findHelm(4, env)).toBe(helm4);
    expect(helmMajor(helm3)).toBe(3);
    expect(helmMajor(helm4)).toBe(4);
    // HELM4 pointing at a Helm 3 is skipped, not trusted
    expect(findHelm(4, { HELM4: helm3, TODO_TOOLS_CACHE: scratch, PATH: '' })).toBeUndefined();
  });

  it('finds Helm on PATH when neither the variable nor the cache has it', () => {
    const bin = join(scratch, 'bin');
    mkdirSync(bin, { recursive: true });
    symlinkSync(helm4, join(bin, 'helm'));
    const env = { TODO_TOOLS_CACHE: join(scratch, 'empty'), PATH: bin };
    expect(findHelm(4, env)).toBe(join(bin, 'helm'));
    expect(findHelm(3, env)).toBeUndefined();
  });

  it('deploys with $HELM when set, else Helm 4, else Helm 3', () => {
    expect(findDeployHelm({ HELM: helm3, TODO_TOOLS_CACHE: installed, PATH: '' })).toEqual({ binary: helm3, major: 3 });
    expect(findDeployHelm({ TODO_TOOLS_CACHE: installed, PATH: '' })).toEqual({ binary: helm4, major: 4 });
    expect(findDeployHelm({ HELM3: helm3, TODO_TOOLS_CACHE: join(scratch, 'empty'), PATH: '' })).toEqual({ binary: helm3, major: 3 });
    expect(findDeployHelm({ TODO_TOOLS_CACHE: join(scratch, 'empty'), PATH: '' })).toBeUndefined();
  });
});

describe('docker', () => {
  it('is $DOCKER, else /usr/bin/docker, and that binary answers', () => {
    expect(dockerBinary({ DOCKER: '/opt/docker' })).toBe('/opt/docker');
    expect(dockerBinary({})).toBe('/usr/bin/docker');
    expect(tryRun(dockerBinary({}), ['--version'])).toMatch(/^Docker version /);
  });
});

describe('clusterTypeOf', () => {
  it.each([
    ['minikube', 'minikube'],
    ['minikube-dev', 'minikube'],
    ['kind-todo', 'kind'],
    ['sandbox-cluster', 'sandbox'],
    ['gke_project_zone_prod', 'registry'],
  ])('%s is %s', (context, type) => {
    expect(clusterTypeOf(context)).toBe(type);
  });
});

describe('running commands', () => {
  it('says a missing binary is not installed, and a failing one why, without throwing', () => {
    expect(String(tryRun('no-such-binary-here', []))).toBe('Error: no-such-binary-here is not installed (not on PATH)');
    expect(String(tryRun('bash', ['-c', 'echo first >&2; echo the reason >&2; exit 3']))).toBe('Error: the reason');
  });

  it('a step’s failure names the step, its reason and what to do next', () => {
    const failure = stepFailure({ number: 2, started: Date.now() }, 'exit code 1', { title: 'push the image', hint: 'log in to the registry' });
    expect(failure).toBeInstanceOf(Failure);
    expect(failure.message).toMatch(/^step 2 failed after 0\.\ds \(exit code 1\): push the image$/);
    expect(failure.next).toBe('log in to the registry');
  });
});
