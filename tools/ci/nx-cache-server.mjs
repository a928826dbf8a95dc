#!/usr/bin/env node
// The Nx cache across GitHub runners: a local server of Nx's self-hosted remote cache API
// (GET/PUT /v1/cache/<hash>, a tarball each) over a folder that actions/cache saves and restores.
// Restoring .nx/cache itself gives no hits: since Nx 20 the local cache is indexed by a database named
// after the machine id, which every hosted runner has anew, and Nx ignores artifacts it has no record of.
// A remote cache is the way Nx takes artifacts from other machines.
//   NX_SELF_HOSTED_REMOTE_CACHE_ACCESS_TOKEN=<token> node tools/ci/nx-cache-server.mjs --dir=DIR [--port=N (0: any free one)] [--keep-days=N]
// then run nx with NX_SELF_HOSTED_REMOTE_CACHE_SERVER=http://127.0.0.1:N and the same token.
// Listens on 127.0.0.1 only. An entry is written once (409 after that, as the API says), so a later run
// never replaces what an earlier one stored. An entry is dated by its last use; at start, entries unused for
// --keep-days (default 7) are removed, so the saved folder holds what recent runs used, not every run's.
import { createReadStream, createWriteStream, existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync, utimesSync } from 'node:fs';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { parseArgs } from 'node:util';

const { values } = parseArgs({ options: { dir: { type: 'string' }, port: { type: 'string', default: '4740' }, 'keep-days': { type: 'string', default: '7' } } });
const token = process.env.NX_SELF_HOSTED_REMOTE_CACHE_ACCESS_TOKEN ?? '';
if (!values.dir || !token) {
  console.error('usage: NX_SELF_HOSTED_REMOTE_CACHE_ACCESS_TOKEN=<token> node tools/ci/nx-cache-server.mjs --dir=DIR [--port=N]');
  process.exit(2);
}
const dir = values.dir;
mkdirSync(dir, { recursive: true });
const oldest = Date.now() - Number(values['keep-days']) * 86_400_000;
let pruned = 0;
for (const name of readdirSync(dir)) {
  const path = join(dir, name);
  if (statSync(path).mtimeMs < oldest || name.endsWith('.partial')) {
    rmSync(path, { force: true });
    pruned++;
  }
}
let hits = 0, misses = 0, stored = 0;

/**
 * @param {import('node:http').ServerResponse} res
 * @param {number} status
 * @param {string} text
 */
function answer(res, status, text) {
  res.writeHead(status, { 'content-type': 'text/plain' }).end(text);
}

const server = createServer(async (req, res) => {
  const hash = /^\/v1\/cache\/([\w-]{1,128})$/.exec(req.url ?? '')?.[1];
  if (!hash) return answer(res, 404, 'not found');
  if (req.headers.authorization !== `Bearer ${token}`) return answer(res, 401, 'missing or wrong access token');
  const file = join(dir, `${hash}.tar`);
  if (req.method === 'GET') {
    if (!existsSync(file)) {
      misses++;
      return answer(res, 404, 'no such entry');
    }
    hits++;
    const now = new Date();
    utimesSync(file, now, now);
    res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': statSync(file).size });
    return pipeline(createReadStream(file), res).catch(() => res.destroy());
  }
  if (req.method === 'PUT') {
    if (existsSync(file)) return answer(res, 409, 'the entry exists and is not replaced');
    const partial = `${file}.${process.pid}.${Date.now()}.partial`;
    try {
      await pipeline(req, createWriteStream(partial));
      renameSync(partial, file);
      stored++;
      return answer(res, 200, 'stored');
    } catch (error) {
      rmSync(partial, { force: true });
      return answer(res, 500, `not stored: ${error instanceof Error ? error.message : error}`);
    }
  }
  return answer(res, 405, 'GET or PUT');
});

server.listen(Number(values.port), '127.0.0.1', () => {
  const { port } = /** @type {import('node:net').AddressInfo} */ (server.address());
  console.log(`nx-cache-server: serving ${dir} on http://127.0.0.1:${port} (removed ${pruned} entries unused for ${values['keep-days']} days)`);
});
for (const signal of /** @type {const} */ (['SIGTERM', 'SIGINT'])) {
  process.on(signal, () => {
    console.log(`nx-cache-server: ${hits} hits, ${misses} misses, ${stored} stored`);
    server.close(() => process.exit(0));
  });
}
