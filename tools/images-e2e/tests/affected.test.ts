// Which images `npx nx affected -t docker-build` rebuilds for a change, and which edits move a tag.
import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { engineAvailable, nx, readImageRecord, workspaceRoot } from './support/engine.js';

function affectedImages(...files: string[]): string[] {
  const result = nx('show', 'projects', '--affected', `--files=${files.join(',')}`, '--with-target=docker-build', '--json');
  expect(result.status, result.stderr).toBe(0);
  return (JSON.parse(result.stdout) as string[]).sort();
}

describe('nx affected -t docker-build', () => {
  it('rebuilds only the frontend image for a frontend-only change', () => {
    expect(affectedImages('apps/frontend/app/page.tsx')).toEqual(['frontend']);
  });

  it('rebuilds only the backend image for a backend-only change', () => {
    expect(affectedImages('apps/backend/src/main.ts')).toEqual(['backend']);
  });

  it('rebuilds both images for a change in libs/health', () => {
    expect(affectedImages('libs/health/src/index.ts')).toEqual(['backend', 'frontend']);
  });

  it('rebuilds no image for a docs change', () => {
    expect(affectedImages('docs/images.md')).toEqual([]);
  });

  // Nx decides "affected" per project: a test file inside apps/backend makes backend affected, so the
  // docker-build task runs. The tag hashes production inputs only, so it comes out unchanged (below).
  it('still lists the app for a test-only change (affected is per project)', () => {
    expect(affectedImages('apps/backend/tests/auth.test.ts')).toEqual(['backend']);
  });
});

describe.skipIf(!engineAvailable)('image tags follow production inputs only', () => {
  function buildBackendTag(): string {
    const result = nx('run', 'backend:docker-build', '--outputStyle=static');
    expect(result.status, (result.stdout + result.stderr).slice(-3000)).toBe(0);
    return readImageRecord('backend').tag;
  }

  function withEdit<T>(relativePath: string, line: string, body: () => T): T {
    const path = join(workspaceRoot, relativePath);
    const original = readFileSync(path, 'utf8');
    appendFileSync(path, line);
    try {
      return body();
    } finally {
      writeFileSync(path, original);
    }
  }

  it('keeps the backend tag for a test-only edit and changes it for a Dockerfile edit', () => {
    const before = buildBackendTag();
    const afterTestEdit = withEdit('apps/backend/tests/auth.test.ts', '\n// images-e2e: test-only edit\n', buildBackendTag);
    expect(afterTestEdit).toBe(before);
    const afterDockerfileEdit = withEdit('apps/backend/Dockerfile', '\n# images-e2e: production edit\n', buildBackendTag);
    expect(afterDockerfileEdit).not.toBe(before);
    // back to the committed tree: the record points at the committed image again
    expect(buildBackendTag()).toBe(before);
  }, 900_000);
});
