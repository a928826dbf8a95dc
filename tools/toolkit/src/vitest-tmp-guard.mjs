// @ts-check
// A vitest globalSetup that proves a test run cleans up after itself: the run's workers get a private
// temporary folder (TMPDIR, which os.tmpdir() reads), and when the run ends that folder must be empty, else
// the run fails naming what was left. Wired in each tool project's vitest config:
//   globalSetup: ['@todo/toolkit/vitest-tmp-guard']
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export default function setup() {
  const previous = process.env.TMPDIR;
  const dir = mkdtempSync(join(tmpdir(), 'vitest-tmp-guard-'));
  process.env.TMPDIR = dir;
  return () => {
    if (previous === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = previous;
    const left = readdirSync(dir);
    rmSync(dir, { recursive: true, force: true });
    if (left.length) {
      // vitest reports an error thrown here but still exits 0, so the exit code is set as well
      process.exitCode = 1;
      throw new Error(`the tests left ${left.length} entries in the temporary folder: ${left.sort().join(', ')}; remove each folder a test makes (afterAll or finally)`);
    }
  };
}
