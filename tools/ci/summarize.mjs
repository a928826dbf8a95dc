// Sums every Vitest JSON report under the workspace into the closing line CI reads.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

const SKIP = new Set(['node_modules', '.git', '.nx', '.next']);

function* reports(dir) {
  for (const entry of readdirSync(dir)) {
    if (SKIP.has(entry)) continue;
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) yield* reports(path);
    else if (path.endsWith(join('test-output', 'vitest', 'results.json'))) yield path;
  }
}

let passed = 0, failed = 0, skipped = 0;
const rows = [];
for (const path of reports(process.cwd())) {
  const r = JSON.parse(readFileSync(path, 'utf8'));
  const suiteFailures = (r.testResults ?? []).filter((f) => f.status === 'failed' && (f.assertionResults ?? []).length === 0).length;
  const p = r.numPassedTests, f = r.numFailedTests + suiteFailures, s = r.numPendingTests + r.numTodoTests;
  passed += p; failed += f; skipped += s;
  rows.push(`  ${path.replace(process.cwd() + '/', '')}: ${p} passed, ${f} failed, ${s} skipped`);
}
console.log(rows.join('\n') || '  no test reports found');
if (passed + failed === 0) { console.log('0 passed, 1 failed'); process.exit(1); }
console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exit(failed ? 1 : 0);
