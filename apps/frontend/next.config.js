//@ts-check
const path = require('node:path');

/** @type {import('next').NextConfig} */
const nextConfig = {
  // Standalone output lands at .next/standalone/apps/frontend/server.js because tracing starts at the
  // workspace root (so the hoisted node_modules and workspace libraries are found).
  output: 'standalone',
  outputFileTracingRoot: path.join(__dirname, '../../'),
  // Build-time tools that Next's own server trace pulls in but never loads at run time.
  outputFileTracingExcludes: {
    '*': [
      '**/node_modules/typescript/**',
      '**/node_modules/@swc/core*/**',
      '**/node_modules/@esbuild/**',
      '**/node_modules/esbuild/**',
      '**/node_modules/@tailwindcss/**',
      '**/node_modules/tailwindcss/**',
      '**/node_modules/lightningcss*/**',
      '**/node_modules/@nx/**',
      '**/node_modules/nx/**',
      '**/node_modules/vitest/**',
      '**/node_modules/playwright-core/**',
    ],
  },
  poweredByHeader: false,
  reactStrictMode: true,
};

module.exports = nextConfig;
