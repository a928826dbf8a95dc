// Images for the cluster's containerd: the locally built pause and CoreDNS images (FROM scratch, since
// nothing can be pulled here) and any image from the local Docker engine (what `kind load` does).
import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dockerBinary } from '@todo/toolkit';
import { COREDNS_IMAGE, METRICS_SERVER_IMAGE, PAUSE_IMAGE } from './layout.mjs';

const DOCKER = dockerBinary();

export class ImageError extends Error {}

/** Dockerfile of a single static binary image. @param {string} binary @param {string} user */
export function scratchDockerfile(binary, user) {
  return `FROM scratch\nCOPY ${binary} /${binary}\nUSER ${user}\nENTRYPOINT ["/${binary}"]\n`;
}

/** @param {string} ref */
export function dockerHasImage(ref) {
  return spawnSync(DOCKER, ['image', 'inspect', ref], { stdio: 'ignore' }).status === 0;
}

/** @param {string} ref @param {string} binaryPath @param {string} binary @param {string} user */
function buildScratchImage(ref, binaryPath, binary, user) {
  const context = mkdtempSync(join(tmpdir(), 'sandbox-image-'));
  try {
    copyFileSync(binaryPath, join(context, binary));
    writeFileSync(join(context, 'Dockerfile'), scratchDockerfile(binary, user));
    const result = spawnSync(DOCKER, ['build', '-q', '-t', ref, context], { encoding: 'utf8', env: { ...process.env, DOCKER_BUILDKIT: '1' } });
    if (result.status !== 0) throw new ImageError(`docker build of ${ref} failed: ${result.stderr.trim()}`);
  } finally {
    rmSync(context, { recursive: true, force: true });
  }
}

/**
 * Builds the pause, CoreDNS and metrics-server images from the cached binaries.
 * @param {string} bin the Kubernetes binaries' folder (pause, coredns)
 * @param {string} metricsServer the metrics-server binary
 */
export function buildSystemImages(bin, metricsServer) {
  buildScratchImage(PAUSE_IMAGE, join(bin, 'pause'), 'pause', '65535:65535');
  buildScratchImage(COREDNS_IMAGE, join(bin, 'coredns'), 'coredns', '0:0');
  buildScratchImage(METRICS_SERVER_IMAGE, metricsServer, 'metrics-server', '1000:1000');
  return [PAUSE_IMAGE, COREDNS_IMAGE, METRICS_SERVER_IMAGE];
}

/**
 * `docker save ref | ctr -n k8s.io images import -` into the containerd of every node given: one `docker save`,
 * its stream fed to one `ctr import` per node at once.
 * @param {string} ref
 * @param {string | string[]} containerdSockets
 */
export function importImage(ref, containerdSockets) {
  if (!dockerHasImage(ref)) {
    return Promise.reject(new ImageError(`Docker has no image ${ref}: build it first (docker images lists what exists)`));
  }
  const sockets = [containerdSockets].flat();
  return new Promise((resolve, reject) => {
    const save = spawn(DOCKER, ['save', ref], { stdio: ['ignore', 'pipe', 'pipe'] });
    const loads = sockets.map((socket) => spawn('ctr', ['--address', socket, '-n', 'k8s.io', 'images', 'import', '-'], { stdio: ['pipe', 'pipe', 'pipe'] }));
    let errors = '';
    save.stderr.on('data', (chunk) => (errors += chunk));
    for (const load of loads) {
      save.stdout.pipe(load.stdin);
      load.stdin.on('error', () => { /* ctr exited early: its exit code says why */ });
      load.stderr.on('data', (chunk) => (errors += chunk));
      load.stdout.resume();
    }
    // Every end must have exited: ctr can finish (EOF on its stdin) before docker's exit is reported.
    const exited = (/** @type {import('node:child_process').ChildProcess} */ child) =>
      new Promise((resolveExit) => child.on('close', (code, signal) => resolveExit(code ?? signal)));
    Promise.all([exited(save), ...loads.map(exited)]).then(([saveCode, ...loadCodes]) => {
      if (saveCode === 0 && loadCodes.every((code) => code === 0)) resolve(undefined);
      else reject(new ImageError(`importing ${ref} failed (docker save exit ${saveCode}, ctr import exit ${loadCodes.join(', ')}): ${errors.trim()}`));
    });
  });
}

/** Image names as the cluster's containerd lists them. @param {string} containerdSocket */
export function clusterImages(containerdSocket) {
  const result = spawnSync('ctr', ['--address', containerdSocket, '-n', 'k8s.io', 'images', 'ls', '-q'], { encoding: 'utf8' });
  return result.status === 0 ? result.stdout.split('\n').filter(Boolean) : [];
}

/** Docker's short names as containerd stores them: `app:1` is `docker.io/library/app:1`. @param {string} ref */
export function normalizeImageRef(ref) {
  let name = ref;
  const firstSlash = name.indexOf('/');
  const first = firstSlash === -1 ? '' : name.slice(0, firstSlash);
  if (firstSlash === -1) name = `docker.io/library/${name}`;
  else if (!first.includes('.') && !first.includes(':') && first !== 'localhost') name = `docker.io/${name}`;
  const lastPart = name.slice(name.lastIndexOf('/') + 1);
  if (!lastPart.includes(':') && !lastPart.includes('@')) name += ':latest';
  return name;
}
