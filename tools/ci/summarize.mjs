// Sums every Vitest JSON report under the workspace (<project>/test-output/<target>/results.json) into the closing line CI reads.
// Each suite (test file) counts once: a report found twice (a copy of a library inside an app's build
// output, say) or two reports naming the same file add nothing the second time, and build output
// folders (dist, .next, out-tsc) are not searched.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

const SKIP = new Set(['node_modules', '.git', '.nx', '.next', 'dist', 'out-tsc']);

/** @param {string} dir @returns {Generator<string>} */
function* reports(dir) {
  for (const entry of readdirSync(dir).sort()) {
    if (SKIP.has(entry)) continue;
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) yield* reports(path);
    // <project>/test-output/<target>/results.json: one report per target (vitest.shared.mjs)
    else if (entry === 'results.json' && basename(dirname(dirname(path))) === 'test-output') yield path;
  }
}

const SKIPPED = new Set(['pending', 'todo', 'skipped', 'disabled']);
const seen = new Set();
let passed = 0, failed = 0, skipped = 0;
const rows = [];
for (const path of reports(process.cwd())) {
  const r = JSON.parse(readFileSync(path, 'utf8'));
  let p = 0, f = 0, s = 0, repeated = 0;
  for (const suite of r.testResults ?? []) {
    if (seen.has(suite.name)) { repeated++; continue; }
    seen.add(suite.name);
    const tests = suite.assertionResults ?? [];
    // a suite that failed before running any test (an import error) counts as one failure
    if (suite.status === 'failed' && tests.length === 0) f++;
    for (const t of tests) {
      if (t.status === 'passed') p++;
      else if (t.status === 'failed') f++;
      else if (SKIPPED.has(t.status)) s++;
    }
  }
  passed += p; failed += f; skipped += s;
  const note = repeated ? ` (${repeated} suite${repeated === 1 ? '' : 's'} already counted from another report)` : '';
  rows.push(`  ${path.replace(process.cwd() + '/', '')}: ${p} passed, ${f} failed, ${s} skipped${note}`);
}
console.log(rows.join('\n') || '  no test reports found');
if (passed + failed === 0) { console.log('0 passed, 1 failed'); process.exit(1); }
console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exit(failed ? 1 : 0);
