// Prepares a Node app's build output for its image, small enough for the size budget:
//   node tools/docker-build/node-app-image.mjs --dist apps/backend/dist --out dist/images/backend/app \
//     --external @electric-sql/pglite,@node-rs/argon2,@fastify/swagger-ui
// 1. installs the production dependencies from the pruned lockfile (`nx prune`) in <out>.install, kept for
//    the next build, which installs again only when the lockfile, package.json or workspace modules differ,
// 2. bundles <dist>/main.js with them into one file (esbuild), except the --external packages, which
//    load files beside their own code (WebAssembly, native addons, static assets),
// 3. copies the externals and what they depend on, without types, source maps, TS sources, docs or
//    files matching --leave-out,
// 4. copies the rest of <dist> (migrations, assets) beside the bundle.
// Run through Nx (`nx image-app backend`, a dependency of `nx docker-build backend`).
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, lstatSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    dist: { type: 'string' },
    out: { type: 'string' },
    external: { type: 'string', default: '' },
    'leave-out': { type: 'string' }, // regex of extra package files not to ship (e.g. unused extensions)
  },
});
if (!values.dist || !values.out) {
  console.error('usage: node-app-image.mjs --dist <app dist> --out <folder> [--external a,b]');
  process.exit(2);
}
const dist = resolve(values.dist);
const out = resolve(values.out);
const externals = values.external.split(',').filter(Boolean);
const install = `${out}.install`;
const step = (/** @type {string} */ message) => console.log(`image-app: ${message}`);

for (const file of ['main.js', 'package.json', 'package-lock.json']) {
  if (!existsSync(join(dist, file))) {
    console.error(`image-app: ${join(values.dist, file)} is missing\n  next: run the app's build and prune targets first`);
    process.exit(1);
  }
}

// What the install is made from; the same inputs give the same node_modules, which is then kept, not installed again
// (a source change rebuilds the image without reinstalling its 250 packages).
const NPM_CI = ['ci', '--omit=dev', '--ignore-scripts', '--no-audit', '--no-fund', '--loglevel=error'];
const INSTALL_INPUTS = ['package.json', 'package-lock.json', 'workspace_modules'];
function installKey() {
  const hash = createHash('sha256').update(`${process.version}\n${NPM_CI.join(' ')}\n`);
  /** @param {string} path */
  const add = (path) => {
    if (!existsSync(path)) return;
    if (statSync(path).isDirectory()) for (const entry of readdirSync(path).sort()) add(join(path, entry));
    else hash.update(`${relative(dist, path)}\0`).update(readFileSync(path)).update('\0');
  };
  for (const entry of INSTALL_INPUTS) add(join(dist, entry));
  return hash.digest('hex');
}
const keyFile = join(install, '.install-key');
const key = installKey();

rmSync(out, { recursive: true, force: true });
if (existsSync(keyFile) && readFileSync(keyFile, 'utf8') === key) {
  step(`production dependencies already installed from the same lockfile and workspace modules (${relative(process.cwd(), install)}): npm ci not run`);
} else {
  rmSync(install, { recursive: true, force: true });
  mkdirSync(install, { recursive: true });
  for (const entry of INSTALL_INPUTS) {
    if (existsSync(join(dist, entry))) cpSync(join(dist, entry), join(install, entry), { recursive: true });
  }
  step(`npm ci --omit=dev from ${relative(process.cwd(), join(dist, 'package-lock.json'))}`);
  execFileSync('npm', NPM_CI, { cwd: install, stdio: 'inherit' });
  writeFileSync(keyFile, key);
}

step(`bundling main.js (external: ${externals.join(', ') || 'none'})`);
cpSync(join(dist, 'main.js'), join(install, 'main.js'));
const { build } = await import('esbuild');
await build({
  entryPoints: [join(install, 'main.js')],
  outfile: join(out, 'main.js'),
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  external: externals,
  minify: true,
  keepNames: true, // Fastify plugin names and error class names stay readable
  legalComments: 'none',
  logLevel: 'warning',
});

// the externals and, transitively, the packages they need, resolved the way Node would
const TYPES_MAPS_DOCS = /(\.d\.[cm]?ts|\.map|\.md|\.markdown|(?<!\.d)\.[cm]?ts)$/i;
const extraLeftOut = values['leave-out'] ? new RegExp(values['leave-out']) : null;
const leftOut = (/** @type {string} */ path) => TYPES_MAPS_DOCS.test(path) || (extraLeftOut?.test(path) ?? false);
const copied = new Set();
/** @param {string} name @param {string} fromDir */
function copyPackage(name, fromDir) {
  let dir = fromDir;
  let pkgDir;
  for (;;) {
    const candidate = join(dir, 'node_modules', name);
    if (existsSync(join(candidate, 'package.json'))) { pkgDir = candidate; break; }
    if (dir === install || dir === dirname(dir)) return false;
    dir = dirname(dir);
  }
  if (copied.has(pkgDir)) return true;
  copied.add(pkgDir);
  cpSync(pkgDir, join(out, relative(install, pkgDir)), {
    recursive: true,
    filter: (source) => !/[/\\]\.bin$/.test(source) && (lstatSync(source).isDirectory() || !leftOut(source)),
  });
  const manifest = JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8'));
  for (const dep of Object.keys(manifest.dependencies ?? {})) {
    if (!copyPackage(dep, pkgDir)) throw new Error(`${name} needs ${dep}, which is not installed`);
  }
  // platform packages of native addons: only the ones npm installed for this machine
  for (const dep of Object.keys(manifest.optionalDependencies ?? {})) copyPackage(dep, pkgDir);
  return true;
}
for (const name of externals) {
  if (!copyPackage(name, install)) throw new Error(`external ${name} is not a production dependency`);
}

for (const entry of readdirSync(dist)) {
  if (['main.js', 'node_modules', 'workspace_modules', 'apps', 'package-lock.json'].includes(entry)) continue;
  if (/\.(map|tsbuildinfo)$|\.d\.ts$/.test(entry)) continue;
  cpSync(join(dist, entry), join(out, entry), { recursive: true });
}
// keep name/version, drop the dependency list: everything left is bundled or copied above
const manifest = JSON.parse(readFileSync(join(dist, 'package.json'), 'utf8'));
writeFileSync(
  join(out, 'package.json'),
  `${JSON.stringify({ name: manifest.name, version: manifest.version, private: true }, null, 2)}\n`,
);

/** @type {(path: string) => number} */
const size = (path) =>
  lstatSync(path).isDirectory() ? readdirSync(path).reduce((sum, e) => sum + size(join(path, e)), 0) : lstatSync(path).size;
step(`wrote ${relative(process.cwd(), out)} (${(size(out) / 1e6).toFixed(1)} MB; ${copied.size} packages kept external)`);
