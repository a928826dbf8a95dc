import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const SERVER = join(import.meta.dirname, '..', 'lib', 'server');

describe('the server modules', () => {
  it("each import 'server-only', so next build fails if a client component reaches one (session cookies, BACKEND_URL)", () => {
    const modules = readdirSync(SERVER).filter((name) => /\.tsx?$/.test(name));
    expect(modules.length).toBeGreaterThan(0);
    const unguarded = modules.filter((name) => !/^import 'server-only';$/m.test(readFileSync(join(SERVER, name), 'utf8')));
    expect(unguarded).toEqual([]);
  });
});
