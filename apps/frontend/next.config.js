//@ts-check
const path = require('node:path');

/** @type {import('next').NextConfig} */
const nextConfig = {
  // Self-contained server for the Docker image (apps/frontend/Dockerfile): tracing from the workspace
  // root bundles workspace libraries and copies only the node_modules the server needs.
  output: 'standalone',
  outputFileTracingRoot: path.join(__dirname, '../../'),
  // next.config's own loader pulls in TypeScript (20 MB); the server never needs it at run time.
  outputFileTracingExcludes: { '*': ['**/node_modules/typescript/**'] },
};

module.exports = nextConfig;
