// The GitHub workflow calls real Nx targets on the projects that must have them, with the set-up
// affected-only CI needs (full history, nx-set-shas, npm ci, sync:check) and no Nx Cloud.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import { readProjectGraph, workspaceRoot } from '../src/nx.mjs';
import { projectsWithRootFile, testFiles } from '../src/projects.mjs';
import { nxInvocations, readWorkflow, stepIndex, type Job, type NxInvocation } from '../src/workflow.mjs';

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

/** The job may push to GHCR: packages: write, a login, and a lower-case ghcr.io/<owner> path in `variable`. */
function expectGhcrPush(job: Job, variable: string) {
  expect(job.permissions).toMatchObject({ packages: 'write' });
  expect(job.steps.find((s) => s.uses?.startsWith('docker/login-action@'))?.with?.registry).toBe('ghcr.io');
  const path = job.steps.find((s) => (s.run ?? '').includes(`${variable}=ghcr.io/`));
  expect(path?.run, `a step sets ${variable}=ghcr.io/<owner>`).toContain('${GITHUB_REPOSITORY_OWNER,,}');
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
    const deploys = invocations.filter((i) => i.targets.includes('deploy') || i.targets.includes('helm-deploy'));
    expect(deploys.length).toBeGreaterThan(0);
    const unknown = deploys
      .flatMap((i) => i.passthrough)
      .map((arg) => arg.split('=')[0])
      .filter((flag) => flag.startsWith('--') && !usage.includes(`${flag}=`) && !usage.includes(`${flag} `));
    expect(unknown).toEqual([]);
  });

  it('builds and pushes the affected apps\' images to GHCR with their content tags, on pushes to main only', () => {
    const name = affectedWith('docker-build').find((i) => i.targets.length === 1)?.job ?? '';
    expect(name, 'a job running only `nx affected -t docker-build`').not.toBe('');
    const job = workflow.jobs[name];
    expect(job.if).toMatch(/github\.event_name == 'push'/);
    expect(job.if).toMatch(/github\.ref == 'refs\/heads\/main'/);
    expectGhcrPush(job, 'IMAGE_REGISTRY');
    const push = job.steps.find((s) => /docker push/.test(s.run ?? ''));
    expect(push?.run).toMatch(/dist\/images\/\*\.json/);
    expect(push?.run).toMatch(/\.repository/);
    expect(push?.run).toMatch(/\.tag/);
    // ...the fields docker-build records for each image it builds
    const dockerBuild = readFileSync(join(workspaceRoot, 'tools', 'docker-build', 'docker-build.mjs'), 'utf8');
    expect(dockerBuild).toMatch(/const record = \{ project, repository, tag, ref \}/);
  });

  it('deploys affected apps and chart changes to prod only behind an environment gate', () => {
    const deploy = affectedWith('deploy')[0];
    expect(deploy, '`npx nx affected -t deploy` step').toBeDefined();
    expect(deploy.configuration).toBe('prod');
    const job = workflow.jobs[deploy.job];
    expect(job.environment, 'deploy job environment (protection rules gate it)').toBeTruthy();
    // the deploy tool pushes each image to TODO_REGISTRY (--cluster-type=registry)
    expect(deploy.passthrough).toContain('--cluster-type=registry');
    expectGhcrPush(job, 'TODO_REGISTRY');
    // secrets reach scripts through env, never spliced into the script text
    expect(job.steps.filter((s) => /\$\{\{\s*secrets\./.test(s.run ?? ''))).toEqual([]);
    expect(job.if).toMatch(/github\.ref == 'refs\/heads\/main'/);
    expect(job.if).toMatch(/github\.event_name == 'push'/);
    // A chart-only change makes no app affected: it ships through the chart's helm-deploy.
    const chart = affectedWith('helm-deploy', deploy.job)[0];
    expect(chart, '`npx nx affected -t helm-deploy` in the deploy job').toBeDefined();
    expect(chart.configuration).toBe('prod');
    expect(chart.step).toBeGreaterThan(deploy.step);
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
