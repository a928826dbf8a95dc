// @ts-check
// Which migrations a dev deploy ships. The release records their checksum (`migrations.checksum`); the next
// dev upgrade with the same checksum skips the migration Job (plan.mjs: `--no-hooks`), which is most of a
// backend change's time to Ready on the sandbox cluster (docs/deploy-e2e.md, issue 16).
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { folderChecksum } from './fingerprint.mjs';

/** The backend's migrations, copied into its image beside main.js (apps/backend/src/db/migrate.ts reads them there). */
export const MIGRATIONS_DIR = join(resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..'), 'apps', 'backend', 'src', 'db', 'migrations');

/** sha256 hex of the backend's migration files. */
export function migrationsChecksum() {
  return folderChecksum(MIGRATIONS_DIR);
}
