// The GitHub workflow calls real Nx targets on the projects that must have them, with the set-up
// affected-only CI needs (full history, nx-set-shas, npm ci, sync:check) and no Nx Cloud.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import { readProjectGraph, workspaceRoot } from '../src/nx.mjs';
import { projectsWithRootFile, testFiles } from '../src/projects.mjs';
import { deployToolInvocations, nxInvocations, readWorkflow, stepIndex, type Job, type NxInvocation, type Step } from '../src/workflow.mjs';

const workflowFile = join(workspaceRoot, '.github', 'workflows', 'ci.yml');
const workflowText = readFileSync(workflowFile, 'utf8');
const workflow = readWorkflow(workflowFile);
const invocations = nxInvocations(workflow);
const graph = readProjectGraph(inject('projectGraphFile'));

const targetsOf = (project: string) => Object.keys(graph.nodes[project].data.targets);
const projectsWithTarget = (target: string) =>
  Object.keys(graph.nodes)
    .filter((p) => targetsOf(p).includes(target))
    .sort();
const deployToolCalls = () => deployToolInvocations(workflow);
const affectedWith = (target: string, job?: string) =>
  invocations.filter((i) => i.kind === 'affected' && i.targets.includes(target) && (!job || i.job === job));

// Which projects must have a target, read from what their folders contain (not from a fixed list),
// so a new app or chart is held to the same rules.
const withDockerfile = projectsWithRootFile(graph, /^Dockerfile$/);
const withChart = projectsWithRootFile(graph, /^Chart\.yaml$/);
const REQUIRED: Record<string, { projects: string[]; why: string }> = {
  'docker-build': { projects: withDockerfile, why: 'has a Dockerfile' },
  deploy: { projects: withDockerfile, why: 'has a Dockerfile' },
  build: { projects: withDockerfile, why: 'has a Dockerfile (the image packs the build)' },
  'helm-lint': { projects: withChart, why: 'has a Chart.yaml' },
  'helm-deploy': { projects: withChart, why: 'has a Chart.yaml' },
  test: { projects: projectsWithRootFile(graph, /^vitest\.config\.(mts|ts|mjs|js)$/), why: 'has a vitest.config' },
  lint: { projects: projectsWithRootFile(graph, /^eslint\.config\.(mjs|cjs|js)$/), why: 'has an eslint.config' },
  typecheck: { projects: projectsWithRootFile(graph, /^tsconfig\.json$/), why: 'has a tsconfig.json' },
};

/** The value, failing the test with `what` when there is none. */
function must<T>(value: T | undefined, what: string): T {
  expect(value, what).toBeDefined();
  return value as T;
}

function firstStep(job: Job, predicate: (i: NxInvocation) => boolean, name: string) {
  return invocations.find((i) => i.job === name && predicate(i))?.step ?? -1;
}

describe('the GitHub workflow (.github/workflows/ci.yml)', () => {
  it('derives its expectations from a graph that has the apps and the chart', () => {
    expect(withDockerfile).toEqual(expect.arrayContaining(['backend', 'frontend']));
    expect(withChart).toContain('chart');
  });

  it('runs lint, typecheck, test, build, docker-build and helm-lint on affected projects', () => {
    const checks = invocations.find((i) => i.kind === 'affected' && i.targets.includes('lint'));
    expect(checks, 'an `npx nx affected -t lint ...` step').toBeDefined();
    expect(checks?.targets).toEqual(expect.arrayContaining(['lint', 'typecheck', 'test', 'build', 'docker-build', 'helm-lint']));
  });

  it('checks out full history, runs npm ci and nrwl/nx-set-shas before any nx affected', () => {
    const jobsWithAffected = [...new Set(invocations.filter((i) => i.kind === 'affected').map((i) => i.job))];
    expect(jobsWithAffected.length).toBeGreaterThan(0);
    for (const name of jobsWithAffected) {
      const job = workflow.jobs[name];
      const firstAffected = firstStep(job, (i) => i.kind === 'affected', name);
      const checkout = job.steps.find((s) => s.uses?.startsWith('actions/checkout@'));
      expect(checkout?.with?.['fetch-depth'], `${name}: checkout fetch-depth`).toBe(0);
      const npmCi = stepIndex(job, (s) => /(^|\s)npm ci(\s|$)/.test(s.run ?? ''));
      const setShas = stepIndex(job, (s) => s.uses?.startsWith('nrwl/nx-set-shas@') ?? false);
      expect(npmCi, `${name}: npm ci step`).toBeGreaterThanOrEqual(0);
      expect(setShas, `${name}: nrwl/nx-set-shas step`).toBeGreaterThanOrEqual(0);
      expect(npmCi, `${name}: npm ci before nx affected`).toBeLessThan(firstAffected);
      expect(setShas, `${name}: nx-set-shas before nx affected`).toBeLessThan(firstAffected);
    }
    // nx-set-shas reads earlier workflow runs through the GitHub API.
    expect(workflow.permissions).toMatchObject({ actions: 'read', contents: 'read' });
  });

  it('fails on uncommitted project references (nx sync:check) before the affected checks', () => {
    const sync = invocations.find((i) => i.kind === 'builtin' && i.command === 'sync:check');
    expect(sync, '`npx nx sync:check` step').toBeDefined();
    const checks = affectedWith('lint', sync?.job)[0];
    expect(checks, 'the affected checks run in the same job').toBeDefined();
    expect(sync?.step).toBeLessThan(checks?.step ?? -1);
  });

  it('needs no Nx Cloud', () => {
    expect(workflowText).not.toMatch(/NX_CLOUD_ACCESS_TOKEN|nx-cloud|start-ci-run|nx record|fix-ci|nx-agents/i);
    expect(workflow.env?.NX_NO_CLOUD).toBe('true');
    const nxJson = JSON.parse(readFileSync(join(workspaceRoot, 'nx.json'), 'utf8'));
    expect(nxJson.neverConnectToCloud).toBe(true);
    expect(nxJson.nxCloudId ?? nxJson.nxCloudAccessToken).toBeUndefined();
  });

  it('calls only targets that exist, on every project that must have them', () => {
    const named = [...new Set(invocations.flatMap((i) => i.targets))].sort();
    expect(named.length).toBeGreaterThan(0);
    const problems: string[] = [];
    for (const target of named) {
      const having = projectsWithTarget(target);
      if (having.length === 0) problems.push(`target "${target}" exists on no project`);
      for (const project of REQUIRED[target]?.projects ?? []) {
        if (!having.includes(project)) problems.push(`${project} ${REQUIRED[target].why} but has no "${target}" target`);
      }
    }
    for (const invocation of invocations.filter((i) => i.kind === 'run' || i.kind === 'target')) {
      for (const project of invocation.projects) {
        if (!graph.nodes[project]) problems.push(`\`${invocation.line}\`: no project "${project}"`);
        else if (!targetsOf(project).includes(invocation.targets[0])) problems.push(`\`${invocation.line}\`: ${project} has no "${invocation.targets[0]}"`);
      }
    }
    expect(problems).toEqual([]);
  });

  it('asks only for configurations that every project with the target defines', () => {
    const problems: string[] = [];
    for (const invocation of invocations) {
      const configuration = invocation.configuration;
      if (!configuration) continue;
      for (const target of invocation.targets) {
        const projects = invocation.projects.length ? invocation.projects : projectsWithTarget(target);
        for (const project of projects) {
          const configurations = graph.nodes[project].data.targets[target]?.configurations ?? {};
          if (!(configuration in configurations)) {
            problems.push(`\`${invocation.line}\`: ${project}:${target} has no configuration "${configuration}"`);
          }
        }
      }
    }
    expect(problems).toEqual([]);
  });

  it('passes the deploy tool only options it knows', () => {
    const usage = execFileSync('node', ['tools/deploy/src/cli.mjs', '--help'], { cwd: workspaceRoot, encoding: 'utf8' });
    const viaNx = invocations.filter((i) => i.targets.includes('deploy') || i.targets.includes('helm-deploy')).flatMap((i) => i.passthrough);
    const direct = deployToolCalls().flatMap((c) => c.args);
    expect(direct.length).toBeGreaterThan(0);
    const unknown = [...viaNx, ...direct]
      .map((arg) => arg.split('=')[0])
      .filter((flag) => flag.startsWith('--') && !usage.includes(`${flag}=`) && !usage.includes(`${flag} `));
    expect(unknown).toEqual([]);
  });

  it('builds each app\'s image once, in the job that ran the checks, and pushes it by digest on pushes to main only', () => {
    // The affected checks build the affected images (docker-build); only that job builds images.
    const checks = affectedWith('docker-build')[0];
    expect(checks?.targets).toContain('test');
    const name = checks.job;
    const job = workflow.jobs[name];
    const builders = invocations.filter((i) => i.targets.includes('docker-build') || i.targets.includes('deploy')).map((i) => i.job);
    expect([...new Set(builders)]).toEqual([name]);
    // On main, the registry is known before the checks, so docker-build skips a content tag GHCR already has...
    const onMain = (step: Step) => /github\.event_name == 'push'/.test(step.if ?? '') && /github\.ref == 'refs\/heads\/main'/.test(step.if ?? '');
    const registry = stepIndex(job, (s) => (s.run ?? '').includes('TODO_REGISTRY=ghcr.io/'));
    const login = stepIndex(job, (s) => s.uses?.startsWith('docker/login-action@') ?? false);
    expect(registry).toBeGreaterThanOrEqual(0);
    expect(job.steps[registry].run).toContain('${GITHUB_REPOSITORY_OWNER,,}');
    expect(job.steps[login].with?.registry).toBe('ghcr.io');
    expect(onMain(job.steps[registry]) && onMain(job.steps[login])).toBe(true);
    expect(Math.max(registry, login)).toBeLessThan(checks.step);
    expect(job.permissions).toMatchObject({ packages: 'write' });
    // ...then every app gets an image (the unaffected ones from GHCR), pushed by the deploy tool's --publish, whose
    // digests go to the deploy job as the image records.
    const all = must(
      invocations.find((i) => i.job === name && i.kind === 'run-many' && i.targets.includes('docker-build') && i.projects.length === 0),
      '`nx run-many -t docker-build` (every app)',
    );
    const publish = must(deployToolCalls().find((c) => c.job === name && c.args.includes('--publish')), 'a `cli.mjs --publish` step');
    const upload = stepIndex(job, (s) => s.uses?.startsWith('actions/upload-artifact@') ?? false);
    expect(all.step).toBeGreaterThan(checks.step);
    expect(publish.step).toBeGreaterThan(all.step);
    expect(upload).toBeGreaterThan(publish.step);
    for (const step of [all.step, publish.step, upload]) expect(onMain(job.steps[step]), `step ${step} on pushes to main only`).toBe(true);
    expect(job.steps[upload].with).toMatchObject({ name: 'images', path: 'dist/images/*.json', 'if-no-files-found': 'error' });
    // One push implementation (the deploy tool's, which reads the digest of the push): no `docker push` in a script.
    expect(Object.values(workflow.jobs).flatMap((j) => j.steps).filter((s) => /docker push/.test(s.run ?? ''))).toEqual([]);
    // ...and docker-build records what --publish reads
    const dockerBuild = readFileSync(join(workspaceRoot, 'tools', 'docker-build', 'docker-build.mjs'), 'utf8');
    expect(dockerBuild).toMatch(/const record = \{ project, repository, tag, ref \}/);
  });

  it('deploys the drift by digest, behind an environment gate: the images the checks built, nothing rebuilt or pushed', () => {
    const drift = must(deployToolCalls().find((c) => c.args.includes('--drift')), 'a `cli.mjs --drift` step');
    const name = drift.job;
    const job = workflow.jobs[name];
    expect(job.needs).toBe(affectedWith('docker-build')[0].job);
    expect(job.environment, 'deploy job environment (protection rules gate it)').toBeTruthy();
    expect(job.if).toMatch(/github\.ref == 'refs\/heads\/main'/);
    expect(job.if).toMatch(/github\.event_name == 'push'/);
    // the records the build job uploaded, where the deploy tool reads them (its default --images-dir)
    const download = stepIndex(job, (s) => s.uses?.startsWith('actions/download-artifact@') ?? false);
    expect(job.steps[download].with).toMatchObject({ name: 'images', path: 'dist/images' });
    expect(download).toBeLessThan(drift.step);
    expect(drift.args).toContain('--drift-output="$GITHUB_OUTPUT"');
    const driftId = job.steps[drift.step].id;
    expect(driftId).toBeTruthy();
    // the drifted apps, and only when there are some
    const deploy = must(deployToolCalls().find((c) => c.job === name && c.args.some((a) => a.startsWith('--app='))), 'a `cli.mjs --app=` step');
    const deployStep = job.steps[deploy.step];
    expect(deploy.args).toEqual(expect.arrayContaining(['--environment=prod', '--app="$APPS"']));
    expect(deployStep.env?.APPS).toBe(`\${{ steps.${driftId}.outputs.apps }}`);
    expect(deployStep.if).toBe(`steps.${driftId}.outputs.apps != ''`);
    // same registry as the build job, so the recorded digests are run as they are
    expect(job.steps.some((s) => (s.run ?? '').includes('TODO_REGISTRY=ghcr.io/${GITHUB_REPOSITORY_OWNER,,}'))).toBe(true);
    // nothing is built, pushed or logged into here
    expect(invocations.filter((i) => i.job === name && (i.targets.includes('docker-build') || i.targets.includes('deploy')))).toEqual([]);
    expect(job.steps.filter((s) => s.uses?.startsWith('docker/login-action@'))).toEqual([]);
    expect(job.permissions?.packages).toBeUndefined();
    // secrets reach scripts through env, never spliced into the script text
    expect(job.steps.filter((s) => /\$\{\{\s*secrets\./.test(s.run ?? ''))).toEqual([]);
    // A chart-only change makes no app drift: it ships through the chart's helm-deploy.
    const chart = affectedWith('helm-deploy', name)[0];
    expect(chart, '`npx nx affected -t helm-deploy` in the deploy job').toBeDefined();
    expect(chart.configuration).toBe('prod');
    expect(chart.step).toBeGreaterThan(drift.step);
    expect(job.steps[chart.step].if).toBe(`steps.${driftId}.outputs.apps == ''`);
  });

  it('installs Helm only in the jobs that need it: for helm-lint when the chart is affected, Helm 4 alone to deploy', () => {
    const helmSteps = Object.entries(workflow.jobs).flatMap(([job, { steps }]) =>
      steps.filter((s) => (s.run ?? '').includes('tools/ci/setup/30-helm.sh')).map((s) => ({ job, step: s })),
    );
    const lint = affectedWith('helm-lint')[0];
    const drift = must(deployToolCalls().find((c) => c.args.includes('--drift')), 'a `cli.mjs --drift` step');
    expect(helmSteps.map((h) => h.job).sort()).toEqual([lint.job, drift.job].sort());
    const forLint = must(helmSteps.find((h) => h.job === lint.job), 'Helm in the helm-lint job').step;
    const chartCheck = must(
      workflow.jobs[lint.job].steps.find((s) => /nx show projects --affected --withTarget=helm-lint/.test(s.run ?? '')),
      'a step asking whether the chart is affected',
    );
    expect(chartCheck.id).toBeTruthy();
    expect(forLint.if).toBe(`steps.${chartCheck.id}.outputs.affected == 'true'`);
    expect(must(helmSteps.find((h) => h.job === drift.job), 'Helm in the deploy job').step.run).toBe('bash tools/ci/setup/30-helm.sh deploy');
  });

  it('restores the Nx cache and the tool cache with actions/cache', () => {
    const caches = (job: string) => workflow.jobs[job].steps.filter((s) => s.uses?.startsWith('actions/cache@')).map((s) => s.with ?? {});
    const lint = affectedWith('lint')[0];
    const job = workflow.jobs[lint.job];
    // The Nx cache: a folder kept by actions/cache, served to Nx as its remote cache before the first nx command.
    const nxCache = must(caches(lint.job).find((c) => c.path === '.nx/remote-cache'), 'actions/cache of .nx/remote-cache');
    expect(nxCache.key).toContain('${{ github.sha }}');
    expect(nxCache['restore-keys']).toBeTruthy();
    const restore = stepIndex(job, (s) => s.with?.path === '.nx/remote-cache');
    const serve = stepIndex(job, (s) => /node tools\/ci\/nx-cache-server\.mjs --dir=\.nx\/remote-cache/.test(s.run ?? ''));
    expect(serve).toBeGreaterThan(restore);
    expect(job.steps[serve].run).toMatch(/NX_SELF_HOSTED_REMOTE_CACHE_SERVER=http:\/\/127\.0\.0\.1:\d+" >> "\$GITHUB_ENV"/);
    expect(job.steps[serve].run).toMatch(/::add-mask::\$token/);
    expect(serve).toBeLessThan(Math.min(...invocations.filter((i) => i.job === lint.job).map((i) => i.step)));
    // The tool cache, keyed by the setup script and the versions file it reads, restored before it runs.
    const helmScript = "hashFiles('tools/ci/setup/30-helm.sh', 'tools/toolkit/versions.json')";
    for (const name of Object.keys(workflow.jobs).filter((j) => workflow.jobs[j].steps.some((s) => (s.run ?? '').includes('30-helm.sh')))) {
      const tools = caches(name).find((c) => c.path === '~/.cache/todo-app/tools');
      expect(tools?.key, `${name}: tool cache keyed by the setup script and the versions file`).toContain(helmScript);
      const restoreTools = stepIndex(workflow.jobs[name], (s) => s.uses?.startsWith('actions/cache@') === true && s.with?.path === '~/.cache/todo-app/tools');
      expect(restoreTools).toBeLessThan(stepIndex(workflow.jobs[name], (s) => (s.run ?? '').includes('30-helm.sh')));
    }
  });

  it('leaves no test suite unrun: each runs in CI (test) or in the local gate', () => {
    const localGate = execFileSync('node', ['tools/ci/extra-targets.mjs'], { cwd: workspaceRoot, encoding: 'utf8' }).trim().split('\n');
    const ciChecks = affectedWith('lint').flatMap((i) => i.targets);
    const orphans = Object.values(graph.nodes)
      .filter((node) => node.data.root !== '.' && testFiles(node.data.root).length > 0)
      .filter((node) => !Object.keys(node.data.targets).some((t) => ciChecks.includes(t) || localGate.includes(t)))
      .map((node) => `${node.name} (${testFiles(node.data.root)[0]})`);
    expect(orphans).toEqual([]);
  });
});

describe('.ci/run, the local gate', () => {
  it('runs a fresh install and then the README\'s test command', () => {
    const gate = readFileSync(join(workspaceRoot, '.ci', 'run'), 'utf8');
    const readme = readFileSync(join(workspaceRoot, 'README.md'), 'utf8');
    const pkg = JSON.parse(readFileSync(join(workspaceRoot, 'package.json'), 'utf8'));
    expect(readme).toContain('npm ci && npm test');
    const install = gate.search(/^npm ci\b/m);
    const test = gate.search(/^npm test\b/m);
    expect(install).toBeGreaterThanOrEqual(0);
    expect(test).toBeGreaterThan(install);
    expect(pkg.scripts.test).toBe('bash tools/ci/test.sh');
    const script = readFileSync(join(workspaceRoot, 'tools', 'ci', 'test.sh'), 'utf8');
    expect(script).toMatch(/npx nx sync:check/);
    expect(script).toMatch(/npx nx run-many -t lint typecheck build test/);
  });
});
