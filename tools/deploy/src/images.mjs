// @ts-check
// The image record `docker-build` writes for each app: dist/images/<project>.json. Once the image is in a
// registry (`todo-deploy --publish`, or docker-build finding its content tag there) the record also holds
// that registry and the image's digest, and a deploy to that registry runs it by that digest without pushing.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DIGEST } from './registry.mjs';

/** @typedef {{ project: string, repository: string, tag: string, ref: string, registry?: string, digest?: string }} ImageRecord */

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
  if ((record.digest !== undefined || record.registry !== undefined) && !(typeof record.registry === 'string' && record.registry && DIGEST.test(record.digest ?? ''))) {
    throw new Error(`${file}: a pushed image needs both "registry" and a sha256 "digest"; rebuild with \`npx nx docker-build ${project}\``);
  }
  return record;
}

/**
 * Writes the record of an image once it is in a registry.
 * @param {string} imagesDir
 * @param {ImageRecord} record
 */
export function writeImageRecord(imagesDir, record) {
  writeFileSync(join(imagesDir, `${record.project}.json`), `${JSON.stringify(record, null, 2)}\n`);
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
