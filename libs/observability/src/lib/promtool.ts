import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

/** How to get promtool when PROMTOOL is unset or wrong. */
export const PROMTOOL_SETUP_HINT = 'PROMTOOL is not set to a promtool binary: run `bash tools/ci/setup/35-promtool.sh`, then `set -a; . dist/test-results/env; set +a`';

/** PROMTOOL from the environment (tools/ci/setup/35-promtool.sh writes it), if it names a file. */
export function findPromtool(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const path = env.PROMTOOL?.trim();
  return path && existsSync(path) ? path : undefined;
}

/** `promtool check metrics` on an exposition: ok when it exits 0, with what it printed (its lint findings). */
export function checkMetrics(promtool: string, exposition: string): { ok: boolean; output: string } {
  const result = spawnSync(promtool, ['check', 'metrics'], { input: exposition, encoding: 'utf8', timeout: 60_000 });
  if (result.error) throw result.error;
  return { ok: result.status === 0, output: `${result.stdout}${result.stderr}`.trim() };
}
