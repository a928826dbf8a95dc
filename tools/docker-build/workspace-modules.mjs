// @ts-check
// Copies the workspace libraries an app's pruned manifest names (`"@todo/x": "file:./workspace_modules/@todo/x"`,
// written by `nx prune-lockfile`) into <dist>/workspace_modules, as a published package would hold them:
// the package.json and the files it lists in `files` (default: dist/), never sources, tests, test output,
// lint or TypeScript configuration, nor build info. (@nx/js:copy-workspace-modules copies a library's
// whole folder.) The app's bundle already holds the libraries' code; these copies only let `npm ci` of the
// pruned lockfile (tools/docker-build/node-app-image.mjs) install what the libraries depend on.
//   node tools/docker-build/workspace-modules.mjs --dist apps/backend/dist [--workspace .]
// Run through Nx (`nx copy-workspace-modules backend`, a part of `nx prune backend`).
import { cpSync, existsSync, mkdirSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';
import { parseArgs } from 'node:util';

const { values } = parseArgs({ options: { dist: { type: 'string' }, workspace: { type: 'string', default: '.' } } });
if (!values.dist) {
  console.error('usage: workspace-modules.mjs --dist <app dist> [--workspace <workspace root>]');
  process.exit(2);
}
const dist = resolve(values.dist);
const workspace = resolve(values.workspace ?? '.');
const modules = join(dist, 'workspace_modules');
const PREFIX = 'file:./workspace_modules/';
/** Never shipped, even when a library's `files` would take them in. */
const NOT_SHIPPED = /(\.tsbuildinfo|\.(spec|test)\.[cm]?[jt]sx?)$|[/\\](test-output|out-tsc|src)([/\\]|$)/;

/** @param {string} name a package installed as a link to a workspace folder (not a registry package) */
const isWorkspacePackage = (name) => {
  const link = join(workspace, 'node_modules', name);
  return existsSync(link) && !realpathSync(link).includes(`${sep}node_modules${sep}`);
};
/** @param {string} path */
const readJson = (path) => JSON.parse(readFileSync(path, 'utf8'));
/** @param {Record<string, string> | undefined} deps */
const workspaceDeps = (deps) =>
  Object.entries(deps ?? {})
    .filter(([, spec]) => typeof spec === 'string' && spec.startsWith(PREFIX))
    .map(([name]) => name);

const manifestPath = join(dist, 'package.json');
if (!existsSync(manifestPath)) {
  console.error(`copy-workspace-modules: ${relative(process.cwd(), manifestPath)} is missing\n  next: run the app's prune-lockfile target first`);
  process.exit(1);
}
rmSync(modules, { recursive: true, force: true });
const app = readJson(manifestPath);
const wanted = [...workspaceDeps(app.dependencies), ...workspaceDeps(app.optionalDependencies)];
const copied = new Set();
while (wanted.length) {
  const name = /** @type {string} */ (wanted.shift());
  if (copied.has(name)) continue;
  copied.add(name);
  const link = join(workspace, 'node_modules', name);
  if (!existsSync(join(link, 'package.json'))) {
    console.error(`copy-workspace-modules: ${name} is not installed at ${relative(process.cwd(), link)}\n  next: run npm ci`);
    process.exit(1);
  }
  const root = realpathSync(link);
  const target = join(modules, name);
  const manifest = readJson(join(root, 'package.json'));
  mkdirSync(target, { recursive: true });
  for (const entry of manifest.files ?? ['dist']) {
    if (!existsSync(join(root, entry))) {
      console.error(`copy-workspace-modules: ${name} has no ${entry}/\n  next: build it first (nx build ${manifest.nx?.name ?? name})`);
      process.exit(1);
    }
    cpSync(join(root, entry), join(target, entry), { recursive: true, filter: (source) => !NOT_SHIPPED.test(relative(root, source)) });
  }
  // a library's own workspace dependencies: copied beside it, found by a relative file: path
  for (const section of ['dependencies', 'optionalDependencies']) {
    for (const dep of Object.keys(manifest[section] ?? {})) {
      if (!isWorkspacePackage(dep)) continue;
      manifest[section][dep] = `file:${relative(target, join(modules, dep)).split('\\').join('/')}`;
      wanted.push(dep);
    }
  }
  writeFileSync(join(target, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
}
console.log(`copy-workspace-modules: ${copied.size ? [...copied].join(', ') : 'no workspace libraries'} → ${relative(process.cwd(), modules)} (package.json and built files only)`);
