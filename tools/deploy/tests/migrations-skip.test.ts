// A dev deploy runs the migration Job only when the backend it ships has migrations the release has not
// applied yet (plan.mjs: `--no-hooks` otherwise); the CLI decides "applied" from the release's newest
// revision (deployed, recorded this checksum, and a database that keeps its data).
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { deployFingerprint, folderChecksum } from '../src/fingerprint.mjs';
import { migrationsChecksum, MIGRATIONS_PATH } from '../src/migrations.mjs';
import { planDeploy, type App, type PlanInput } from '../src/plan.mjs';

const root = resolve(import.meta.dirname, '..', '..', '..');
const scratch = mkdtempSync(join(tmpdir(), 'migrations-skip-test-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const SHIPPED = 'a'.repeat(64);
const RECORDED = 'b'.repeat(64);
const record = (app: App, tag: string) => ({ project: app, repository: `todo-app/${app}`, tag, ref: `todo-app/${app}:${tag}` });
const installed = (checksum?: string) => ({
  backend: { image: { repository: 'todo-app/backend', tag: '111111111111' } },
  frontend: { image: { repository: 'todo-app/frontend', tag: '222222222222' } },
  ...(checksum ? { migrations: { checksum } } : {}),
});

function input(overrides: Partial<PlanInput>): PlanInput {
  return {
    apps: ['backend'],
    environment: 'dev',
    release: 'todo-app',
    namespace: 'todo-app',
    context: 'sandbox',
    clusterType: 'sandbox',
    records: { backend: record('backend', '333333333333'), frontend: record('frontend', '444444444444') },
    currentValues: installed(SHIPPED),
    helm: { binary: 'helm', major: 4 },
    chartDir: 'deploy/helm',
    migrationsChecksum: SHIPPED,
    migrationsApplied: true,
    ...overrides,
  };
}

const checksumSet = (command: string[]) => command.filter((arg, i) => command[i - 1] === '--set-string' && arg.startsWith('migrations.checksum='));

describe('the migration Job of a dev deploy', () => {
  it('is skipped when the shipped migrations are the ones the release applied, and the plan says so', () => {
    const plan = planDeploy(input({}));
    expect(plan.upgrade.command).toContain('--no-hooks');
    expect(checksumSet(plan.upgrade.command)).toEqual([`migrations.checksum=${SHIPPED}`]);
    expect(plan.notes.join('\n')).toContain('the migration Job is not run (--run-migrations runs it)');
  });

  it('runs when the migrations differ, on a first install, or when the CLI could not show them applied', () => {
    const changed = planDeploy(input({ currentValues: installed(RECORDED) }));
    expect(changed.upgrade.command).not.toContain('--no-hooks');
    expect(checksumSet(changed.upgrade.command)).toEqual([`migrations.checksum=${SHIPPED}`]);
    expect(planDeploy(input({ currentValues: installed() })).upgrade.command).not.toContain('--no-hooks');
    expect(planDeploy(input({ currentValues: undefined, migrationsApplied: false })).upgrade.command).not.toContain('--no-hooks');
    expect(planDeploy(input({ migrationsApplied: false })).upgrade.command).not.toContain('--no-hooks');
  });

  it('runs when the user sets a migrations value, and stays off when the backend has no image to run it with', () => {
    expect(planDeploy(input({ extraSet: ['migrations.backoffLimit=3'] })).upgrade.command).not.toContain('--no-hooks');
    const noBackend = planDeploy(input({ apps: ['frontend'], records: { frontend: record('frontend', '444444444444') }, currentValues: undefined, migrationsApplied: false }));
    expect(noBackend.upgrade.command.join(' ')).toContain('migrations.enabled=false');
    expect(checksumSet(noBackend.upgrade.command)).toEqual([]);
  });

  it('keeps the checksum the release recorded when only the frontend ships (the kept backend image has those migrations)', () => {
    const frontendOnly = planDeploy(input({ apps: ['frontend'], currentValues: installed(RECORDED), migrationsChecksum: SHIPPED }));
    expect(checksumSet(frontendOnly.upgrade.command)).toEqual([`migrations.checksum=${RECORDED}`]);
    expect(frontendOnly.upgrade.command).toContain('--no-hooks');
  });

  it('records nothing in prod, where the CLI passes no checksum and every upgrade runs the Job', () => {
    const prod = planDeploy(input({ environment: 'prod', migrationsChecksum: undefined, migrationsApplied: false, currentValues: installed() }));
    expect(checksumSet(prod.upgrade.command)).toEqual([]);
    expect(prod.upgrade.command).not.toContain('--no-hooks');
  });

  it('leaves the no-op fingerprint alone: the same deploy with and without --no-hooks', () => {
    const cwd = mkdtempSync(join(scratch, 'workspace-'));
    cpSync(join(root, 'deploy', 'helm'), join(cwd, 'deploy', 'helm'), { recursive: true });
    const skipped = planDeploy(input({ helm: { binary: process.execPath, major: 4 } })).upgrade.command;
    const ran = planDeploy(input({ helm: { binary: process.execPath, major: 4 }, migrationsApplied: false })).upgrade.command;
    expect(skipped).not.toEqual(ran);
    expect(deployFingerprint({ upgrade: skipped, chartDir: 'deploy/helm', cwd, keptSecrets: [] })).toBe(deployFingerprint({ upgrade: ran, chartDir: 'deploy/helm', cwd, keptSecrets: [] }));
  });
});

describe('the migrations checksum', () => {
  it('covers the backend migrations the build copies into the image, and changes with a file', () => {
    const build = JSON.stringify(JSON.parse(readFileSync(join(root, 'apps', 'backend', 'package.json'), 'utf8')));
    expect(build, 'apps/backend/package.json copies MIGRATIONS_PATH into the image').toContain(`"input":"${MIGRATIONS_PATH}"`);
    expect(migrationsChecksum(root)).toMatch(/^[0-9a-f]{64}$/);
    const dir = mkdtempSync(join(scratch, 'migrations-'));
    cpSync(join(root, MIGRATIONS_PATH), dir, { recursive: true });
    const before = folderChecksum(dir);
    expect(before).toBe(migrationsChecksum(root));
    writeFileSync(join(dir, '9999_next.sql'), 'SELECT 1;\n');
    expect(folderChecksum(dir)).not.toBe(before);
  });
});
