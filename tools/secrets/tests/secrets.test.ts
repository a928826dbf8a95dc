import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { chartFullname, collectValues, describeChange, generateJwtSecretKey, secretManifest, validateValues } from '../src/secret.mjs';

const cli = resolve(import.meta.dirname, '..', 'src', 'cli.mjs');
const DB = 'postgres://todo:s3cret-pw@db.internal:5432/todo';
const JWT = 'j'.repeat(40);

describe('secret values', () => {
  it('takes flags over environment variables and accepts OPENROUTER_API_KEY as the LLM key', () => {
    const values = collectValues({
      flags: { 'database-url': DB },
      env: { DATABASE_URL: 'postgres://ignored', JWT_SECRET_KEY: JWT, OPENROUTER_API_KEY: 'sk-or-1' },
      fromEnv: true,
    });
    expect(values).toEqual({ DATABASE_URL: DB, JWT_SECRET_KEY: JWT, OPENAI_API_KEY: 'sk-or-1' });
    expect(collectValues({ flags: {}, env: { JWT_SECRET_KEY: JWT }, fromEnv: false })).toEqual({});
  });

  it('rejects a database URL that is not PostgreSQL and a short JWT key', () => {
    expect(validateValues({ DATABASE_URL: 'mysql://x', JWT_SECRET_KEY: 'short' })).toEqual([
      'DATABASE_URL must start with postgres:// or postgresql://',
      'JWT_SECRET_KEY must be at least 32 characters (or use --generate-jwt-secret-key)',
    ]);
    expect(validateValues({ DATABASE_URL: DB, JWT_SECRET_KEY: generateJwtSecretKey() })).toEqual([]);
  });

  it('names the Secret after the release the way the chart does', () => {
    expect(chartFullname('todo-app')).toBe('todo-app');
    expect(chartFullname('shop')).toBe('shop-todo-app');
  });
});

describe('secret manifest', () => {
  it('creates a Secret that helm install adopts for the release', () => {
    const manifest = secretManifest({ name: 'todo-app-secrets', namespace: 'ns', release: 'todo-app', values: { OPENAI_API_KEY: 'sk-1' }, adoptByRelease: true });
    expect(manifest.metadata.labels).toEqual({ 'app.kubernetes.io/managed-by': 'Helm' });
    expect(manifest.metadata.annotations).toEqual({ 'meta.helm.sh/release-name': 'todo-app', 'meta.helm.sh/release-namespace': 'ns' });
    expect(manifest.data).toEqual({ OPENAI_API_KEY: Buffer.from('sk-1').toString('base64') });
  });

  it('updates only the given keys of an existing Secret and keeps its metadata', () => {
    const existing = {
      metadata: { name: 'creds', resourceVersion: '42', labels: { team: 'a' } },
      data: { DATABASE_URL: Buffer.from(DB).toString('base64'), JWT_SECRET_KEY: 'b2xk' },
    };
    const manifest = secretManifest({ name: 'creds', namespace: 'ns', release: 'todo-app', values: { JWT_SECRET_KEY: JWT }, existing, adoptByRelease: false });
    expect(manifest.metadata).toEqual({ name: 'creds', namespace: 'ns', resourceVersion: '42', labels: { team: 'a' } });
    expect(manifest.data.DATABASE_URL).toBe(existing.data.DATABASE_URL);
    expect(Buffer.from(manifest.data.JWT_SECRET_KEY, 'base64').toString()).toBe(JWT);
  });

  it('describes the change with key names only', () => {
    const text = describeChange('creds', { JWT_SECRET_KEY: JWT }, { JWT_SECRET_KEY: 'x', DATABASE_URL: 'y' });
    expect(text).toBe('Secret creds: set JWT_SECRET_KEY\n  kept as stored: DATABASE_URL\n  still missing: OPENAI_API_KEY');
    expect(text).not.toContain(JWT);
  });
});

describe('todo-secrets command', () => {
  const run = (args: string[], env: Record<string, string> = {}) =>
    spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8', env: { PATH: process.env.PATH ?? '', ...env } });

  it('prints which keys it would set from the environment, never the values', () => {
    const result = run(['--from-env', '--dry-run', '--release=shop'], { DATABASE_URL: DB, JWT_SECRET_KEY: JWT, OPENAI_API_KEY: 'sk-live-123' });
    expect(result.status).toBe(0);
    expect(result.stdout).toContain('would update Secret todo-app/shop-todo-app-secrets');
    expect(result.stdout).toContain('set DATABASE_URL, JWT_SECRET_KEY, OPENAI_API_KEY');
    for (const secret of [DB, 's3cret-pw', JWT, 'sk-live-123']) expect(result.stdout + result.stderr).not.toContain(secret);
  });

  it('refuses to run without any value and shows how to give them', () => {
    const result = run(['--dry-run']);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('no values given: pass --from-env, --prompt or flags');
  });

  it('refuses to prompt without a terminal', () => {
    const result = run(['--prompt', '--dry-run']);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('--prompt needs a terminal');
  });

  it('rejects invalid values before touching the cluster', () => {
    const result = run(['--jwt-secret-key=short', '--dry-run']);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('JWT_SECRET_KEY must be at least 32 characters');
  });
});
