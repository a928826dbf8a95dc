#!/usr/bin/env node
// First-load JavaScript per page, gzipped, from the build manifests (Next 16 with Turbopack no longer
// prints sizes). A page's first load = the shared root chunks (build-manifest rootMainFiles) plus every
// chunk its client reference manifest lists for the page's entries (layout, page, loading, error...).
// Fails when /tasks or /chat exceed the budget. Run after `nx build frontend`: `nx run frontend:size`.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { gzipSync } from 'node:zlib';
import vm from 'node:vm';

const BUDGET_KB = 180;
const BUDGETED = ['/tasks', '/chat'];
const dist = join(import.meta.dirname, '..', '.next');

if (!existsSync(join(dist, 'build-manifest.json'))) {
  console.error(`No build at ${dist}: run 'npx nx build frontend' first.`);
  process.exit(1);
}

const buildManifest = JSON.parse(readFileSync(join(dist, 'build-manifest.json'), 'utf8'));
const gzipped = new Map();
function gzipSize(file) {
  if (!gzipped.has(file)) gzipped.set(file, gzipSync(readFileSync(join(dist, file)), { level: 9 }).length);
  return gzipped.get(file);
}

function clientManifests(dir) {
  const found = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) found.push(...clientManifests(path));
    else if (entry.name === 'page_client-reference-manifest.js') found.push(path);
  }
  return found;
}

const rows = [];
for (const file of clientManifests(join(dist, 'server', 'app'))) {
  const sandbox = { globalThis: {} };
  sandbox.globalThis = sandbox;
  vm.runInNewContext(readFileSync(file, 'utf8'), sandbox);
  for (const [entry, manifest] of Object.entries(sandbox.__RSC_MANIFEST)) {
    const route = entry.replace(/\/page$/, '') || '/';
    const chunks = new Set(buildManifest.rootMainFiles);
    for (const files of Object.values(manifest.entryJSFiles ?? {})) for (const chunk of files) chunks.add(chunk);
    const bytes = [...chunks].reduce((sum, chunk) => sum + gzipSize(chunk), 0);
    rows.push({ route, chunks: chunks.size, kB: bytes / 1000, file: relative(dist, file) });
  }
}
rows.sort((a, b) => a.route.localeCompare(b.route));

console.log(`First-load JS (gzip -9) per page, budget ${BUDGET_KB} kB for ${BUDGETED.join(', ')}`);
console.log('route'.padEnd(16), 'chunks'.padStart(6), 'gzip kB'.padStart(9));
let failed = false;
for (const row of rows) {
  const over = BUDGETED.includes(row.route) && row.kB > BUDGET_KB;
  failed ||= over;
  console.log(row.route.padEnd(16), String(row.chunks).padStart(6), row.kB.toFixed(1).padStart(9), over ? '  OVER BUDGET' : '');
}
const shared = buildManifest.rootMainFiles.reduce((sum, chunk) => sum + gzipSize(chunk), 0) / 1000;
console.log(`shared by all pages: ${shared.toFixed(1)} kB\n`);
for (const route of BUDGETED) {
  if (!rows.some((row) => row.route === route)) {
    console.error(`no manifest found for ${route}`);
    failed = true;
  }
}
if (failed) {
  console.error(`First-load JS budget exceeded (${BUDGET_KB} kB): look at the page's client components and their imports.`);
  process.exit(1);
}
