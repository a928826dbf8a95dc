// @ts-check
// Which migrations a dev deploy ships. The release records their checksum (`migrations.checksum`); the next
// dev upgrade with the same checksum skips the migration Job (plan.mjs: `--no-hooks`), which is most of a
// backend change's time to Ready on the sandbox cluster (docs/deploy-e2e.md, issue 16).
import { join } from 'node:path';
import { folderChecksum } from './fingerprint.mjs';

/** The backend's migrations, relative to the workspace root; copied into its image beside main.js (apps/backend/src/db/migrate.ts reads them there). */
export const MIGRATIONS_PATH = join('apps', 'backend', 'src', 'db', 'migrations');

/**
 * sha256 hex of the backend's migration files.
 * @param {string} workspaceRoot
 */
export function migrationsChecksum(workspaceRoot) {
  return folderChecksum(join(workspaceRoot, MIGRATIONS_PATH));
}
