// @ts-check
// The image record `docker-build` writes for each app: dist/images/<project>.json.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** @typedef {{ project: string, repository: string, tag: string, ref: string }} ImageRecord */

/**
 * @param {string} imagesDir
 * @param {string} project
 * @returns {ImageRecord | undefined}
 */
export function readImageRecord(imagesDir, project) {
  const file = join(imagesDir, `${project}.json`);
  if (!existsSync(file)) return undefined;
  const record = JSON.parse(readFileSync(file, 'utf8'));
  for (const key of ['project', 'repository', 'tag', 'ref']) {
    if (typeof record[key] !== 'string' || record[key] === '') {
      throw new Error(`${file}: "${key}" is missing; rebuild with \`npx nx docker-build ${project}\``);
    }
  }
  return record;
}

/**
 * @param {string} imagesDir
 * @param {string} project
 * @returns {ImageRecord}
 */
export function requireImageRecord(imagesDir, project) {
  const record = readImageRecord(imagesDir, project);
  if (!record) {
    throw new Error(
      `no image record ${join(imagesDir, `${project}.json`)}: \`npx nx docker-build ${project}\` writes it ` +
        `(nx deploy runs it first); build the image, then deploy again`,
    );
  }
  return record;
}
