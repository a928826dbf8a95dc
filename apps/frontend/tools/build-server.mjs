// Bundles main.ts (the frontend's server: the /api/* gateway in front of Next's request handler) into one
// CommonJS file with esbuild. `next` stays external: the bundle uses the Next.js of the tree it runs in.
//   node tools/build-server.mjs         → .next/standalone/apps/frontend/main.js, after `next build`, with
//                                         .next/static and public/ copied beside it (what the image ships)
//   node tools/build-server.mjs --dev   → dist/server/main.js, for `nx dev frontend` (cwd apps/frontend)
import { build } from 'esbuild';
import { cpSync, existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const app = join(dirname(fileURLToPath(import.meta.url)), '..');
const dev = process.argv.includes('--dev');
const standalone = join(app, '.next/standalone/apps/frontend');
if (!dev && !existsSync(join(standalone, 'server.js'))) throw new Error(`${standalone} has no standalone build: run next build first`);
const outfile = dev ? join(app, 'dist/server/main.js') : join(standalone, 'main.js');

const nextOutside = {
  name: 'next-outside',
  setup(builder) {
    // lib/server/* guard themselves with 'server-only', which throws outside React's server build.
    builder.onResolve({ filter: /^server-only$/ }, () => ({ path: join(app, '../../node_modules/server-only/empty.js') }));
    // Next's cookie (de)serialiser is bundled: the gateway writes Set-Cookie exactly as Next does.
    builder.onResolve({ filter: /^next\/dist\/compiled\/@edge-runtime\/cookies$/ }, () => ({
      path: join(app, '../../node_modules/next/dist/compiled/@edge-runtime/cookies/index.js'),
    }));
    builder.onResolve({ filter: /^next(\/|$)/ }, (args) => ({ path: args.path, external: true }));
  },
};

await build({
  entryPoints: [join(app, 'main.ts')],
  outfile,
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  // The workspace libraries from their source, as the specs use them.
  conditions: ['@todo/source'],
  plugins: [nextOutside],
  legalComments: 'none',
  logLevel: 'warning',
});

if (!dev) {
  cpSync(join(app, '.next/static'), join(standalone, '.next/static'), { recursive: true });
  if (existsSync(join(app, 'public'))) cpSync(join(app, 'public'), join(standalone, 'public'), { recursive: true });
}
console.log(`built ${outfile}`);
