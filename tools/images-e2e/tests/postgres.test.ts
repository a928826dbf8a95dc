// The offline PostgreSQL image (tools/base-image/postgres.sh), built if missing and run exactly as
// deploy/helm/templates/postgresql.yaml runs it: uid/gid 1001, read-only root, no capabilities, emptyDirs
// at /tmp and /var/run/postgresql, the data volume group-owned by the fsGroup, POSTGRES_* and PGDATA.
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, chownSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { docker, dockerOk, engineAvailable, hostPort, waitFor, workspaceRoot } from './support/engine.js';

const BUILD_SCRIPT = join(workspaceRoot, 'tools', 'base-image', 'postgres.sh');
// the startup/liveness/readiness probe command of the chart, verbatim
const PROBE = 'pg_isready -q -h 127.0.0.1 -U "$POSTGRES_USER" -d "$POSTGRES_DB"';
const FS_GROUP = 1001;

if (!engineAvailable) console.warn('images-e2e: no Docker engine; run `bash tools/ci/setup/20-docker.sh` first');

describe.skipIf(!engineAvailable)('offline PostgreSQL image', () => {
  const run = randomBytes(4).toString('hex');
  const password = randomBytes(18).toString('base64url');
  const work = mkdtempSync(join(tmpdir(), 'images-e2e-postgres-'));
  const envFile = join(work, 'postgres.env');
  const containers: string[] = [];
  const logs: string[] = [];
  let image = '';
  let dataDir = '';

  /** A host folder like a PVC under fsGroup 1001 (default): root-owned, group 1001 with rwx and setgid. */
  function volumeDir(name: string, mode = 0o2770, gid = FS_GROUP): string {
    const dir = join(work, name);
    mkdirSync(dir);
    chownSync(dir, 0, gid);
    chmodSync(dir, mode); // after chown, which clears setgid
    return dir;
  }

  /** `docker run` with the chart's securityContext and mounts; extra args go before the image. */
  function chartRunArgs(name: string, data: string, ...extra: string[]): string[] {
    return [
      '--name', name, '--user', '1001:1001', '--read-only', '--cap-drop', 'ALL', '--security-opt', 'no-new-privileges',
      '--tmpfs', '/tmp', '--tmpfs', '/var/run/postgresql', '--volume', `${data}:/var/lib/postgresql/data`,
      '--env', 'PGDATA=/var/lib/postgresql/data/pgdata', ...extra, image,
    ];
  }

  function startChartContainer(data: string): string {
    const name = `todo-e2e-postgres-${run}-${containers.length}`;
    containers.push(name);
    dockerOk('run', '--detach', '--publish', '127.0.0.1::5432', ...chartRunArgs(name, data, '--env-file', envFile));
    return name;
  }

  function probe(name: string): number | null {
    return docker('exec', name, 'sh', '-c', PROBE).status;
  }

  async function untilReady(name: string): Promise<void> {
    await waitFor(`${name} to pass the chart's probe`, async () => {
      if (dockerOk('inspect', '--format', '{{.State.Running}}', name) !== 'true') {
        throw new Error(`${name} exited:\n${dockerOk('logs', name)}`);
      }
      return probe(name) === 0;
    }, 120_000);
  }

  function client(name: string, secret = password): pg.Client {
    const c = new pg.Client({
      host: '127.0.0.1', port: hostPort(name, 5432), user: 'todo', database: 'todo', password: secret,
      connectionTimeoutMillis: 15_000,
    });
    c.on('error', () => undefined); // a server shutdown while connected is part of some tests
    return c;
  }

  function logsOf(name: string): string {
    const result = docker('logs', name);
    return result.stdout + result.stderr;
  }

  beforeAll(async () => {
    // builds the image when it is missing or made by an older recipe; seconds when it is there
    const build = spawnSync('bash', [BUILD_SCRIPT, '--print-ref'], { encoding: 'utf8', cwd: workspaceRoot });
    if (build.status !== 0) throw new Error(`${BUILD_SCRIPT} failed:\n${build.stderr}${build.stdout}`);
    image = build.stdout.trim();
    writeFileSync(envFile, `POSTGRES_DB=todo\nPOSTGRES_USER=todo\nPOSTGRES_PASSWORD=${password}\n`, { mode: 0o600 });
    dataDir = volumeDir('data');
  });

  afterAll(() => {
    for (const name of containers) {
      if (docker('inspect', name).status !== 0) continue;
      if (process.env.IMAGES_E2E_LOGS) console.log(`--- ${name}\n${logsOf(name)}`);
      docker('rm', '--force', '--volumes', name);
    }
    rmSync(work, { recursive: true, force: true });
  });

  describe('a first start on an empty volume', () => {
    let name = '';

    beforeAll(async () => {
      name = startChartContainer(dataDir);
      await untilReady(name);
    });

    afterAll(() => logs.push(logsOf(name)));

    it('is the image built by tools/base-image/postgres.sh, PostgreSQL 15 on Debian bookworm', () => {
      expect(image).toBe('todo-app/postgres:15-bookworm');
      expect(dockerOk('image', 'inspect', '--format', '{{index .Config.Labels "org.todo-app.base-recipe"}}', image)).toMatch(/^[0-9a-f]{10}$/);
      expect(dockerOk('exec', name, 'postgres', '--version')).toMatch(/^postgres \(PostgreSQL\) 15\.\d+ \(Debian /);
    });

    it('runs postgres itself as PID 1, as uid and gid 1001', () => {
      const status = dockerOk('exec', name, 'cat', '/proc/1/status');
      expect(status).toMatch(/^Name:\s+postgres$/m);
      expect(status).toMatch(/^Uid:\s+1001\s+1001\s+1001\s+1001$/m);
      expect(status).toMatch(/^Gid:\s+1001\s+1001\s+1001\s+1001$/m);
    });

    it("passes the chart's probe with the real pg_isready first on PATH", () => {
      expect(probe(name)).toBe(0);
      expect(dockerOk('exec', name, 'sh', '-c', 'command -v pg_isready')).toBe('/usr/lib/postgresql/15/bin/pg_isready');
      // the probe means something: where no server listens it fails (2: no response)
      expect(docker('exec', name, 'sh', '-c', `${PROBE} -p 5433`).status).toBe(2);
    });

    it('created the data in PGDATA, a 0700 subdirectory owned by 1001 inside the fsGroup volume', () => {
      const stat = dockerOk('exec', name, 'stat', '-c', '%u:%g %a', '/var/lib/postgresql/data/pgdata');
      expect(stat).toBe('1001:1001 700');
      expect(dockerOk('exec', name, 'cat', '/var/lib/postgresql/data/pgdata/PG_VERSION')).toBe('15');
    });

    it('lets the user in over TCP with the password (SCRAM) and keeps a table', async () => {
      const c = client(name);
      await c.connect();
      try {
        const who = await c.query(
          "SELECT current_user AS usr, current_database() AS db, host(inet_client_addr()) AS addr, " +
            "(SELECT left(rolpassword, 14) FROM pg_authid WHERE rolname = current_user) AS hash",
        );
        expect(who.rows[0]).toMatchObject({ usr: 'todo', db: 'todo', hash: 'SCRAM-SHA-256$' });
        // from the Docker bridge, not loopback: the `host all all all scram-sha-256` line let us in
        expect(who.rows[0].addr).not.toBe('127.0.0.1');
        const rule = await c.query("SELECT auth_method FROM pg_hba_file_rules WHERE type = 'host' AND address = 'all'");
        expect(rule.rows).toEqual([{ auth_method: 'scram-sha-256' }]);
        await c.query('CREATE TABLE survivors (note text NOT NULL)');
        await c.query('INSERT INTO survivors (note) VALUES ($1)', [`written by ${run}`]);
      } finally {
        await c.end();
      }
    });

    it('refuses a wrong password', async () => {
      const c = client(name, `${password}-wrong`);
      await expect(c.connect()).rejects.toMatchObject({ code: '28P01' });
    });

    it('shuts down fast on `docker stop` while a client is connected, and exits 0', async () => {
      const c = client(name);
      await c.connect();
      const sleeping = c.query('SELECT pg_sleep(300)').catch((error: Error) => error);
      // a smart shutdown would wait for this client until Docker's 60 s timeout, then SIGKILL (exit 137)
      dockerOk('stop', '--time', '60', name);
      expect(dockerOk('inspect', '--format', '{{.State.ExitCode}}', name)).toBe('0');
      expect(await sleeping).toBeInstanceOf(Error);
      const log = logsOf(name);
      expect(log).toContain('received fast shutdown request');
      expect(log).toContain('database system is shut down');
      await c.end().catch(() => undefined);
    });
  });

  describe('a second start on the same volume', () => {
    let name = '';

    beforeAll(async () => {
      name = startChartContainer(dataDir);
      await untilReady(name);
    });

    afterAll(() => logs.push(logsOf(name)));

    it('skips initdb and still has the row', async () => {
      const log = logsOf(name);
      expect(log).toContain('appears to contain a database; skipping initialization');
      expect(log).not.toContain('initializing a new database');
      const c = client(name);
      await c.connect();
      try {
        const rows = await c.query('SELECT note FROM survivors');
        expect(rows.rows).toEqual([{ note: `written by ${run}` }]);
      } finally {
        await c.end();
      }
    });

    it('stops on SIGTERM too (smart shutdown) with no client connected, and exits 0', () => {
      dockerOk('kill', '--signal', 'TERM', name);
      expect(dockerOk('wait', name)).toBe('0');
      expect(logsOf(name)).toContain('received smart shutdown request');
    });
  });

  describe('misconfiguration', () => {
    function runOnce(data: string, ...extra: string[]): { status: number | null; lines: string[] } {
      const name = `todo-e2e-postgres-${run}-${containers.length}`;
      containers.push(name);
      const result = docker('run', ...chartRunArgs(name, data, ...extra));
      return { status: result.status, lines: (result.stdout + result.stderr).trim().split('\n') };
    }

    it('exits non-zero with one line when POSTGRES_PASSWORD is missing on an empty volume', () => {
      const { status, lines } = runOnce(volumeDir('no-password'), '--env', 'POSTGRES_USER=todo');
      expect(status).not.toBe(0);
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(/^docker-entrypoint: error: POSTGRES_PASSWORD is not set/);
    });

    it('exits non-zero with one line naming the fix when the volume is not writable by uid 1001', () => {
      const { status, lines } = runOnce(volumeDir('read-only', 0o755, 0), '--env-file', envFile);
      expect(status).not.toBe(0);
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(/^docker-entrypoint: error: .*\/var\/lib\/postgresql\/data.* not writable.*fsGroup: 1001/);
    });
  });

  it('started as root, initialises the volume and serves as the postgres user (uid 1001)', async () => {
    const name = `todo-e2e-postgres-${run}-root`;
    containers.push(name);
    dockerOk('run', '--detach', '--name', name, '--user', '0', '--env-file', envFile,
      '--volume', `${volumeDir('root', 0o755, 0)}:/var/lib/postgresql/data`, '--env', 'PGDATA=/var/lib/postgresql/data/pgdata', image);
    await untilReady(name);
    expect(dockerOk('exec', name, 'cat', '/proc/1/status')).toMatch(/^Uid:\s+1001\s+1001\s+1001\s+1001$/m);
    expect(dockerOk('exec', name, 'stat', '-c', '%u %a', '/var/lib/postgresql/data/pgdata')).toBe('1001 700');
    logs.push(logsOf(name));
  });

  it('never writes the password to a log', () => {
    expect(logs.length).toBeGreaterThanOrEqual(3);
    for (const log of logs) {
      expect(log).toContain('database system is ready to accept connections');
      expect(log.includes(password), 'the password appears in a container log').toBe(false);
    }
  });
});
