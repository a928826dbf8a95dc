// Nx inference plugin: every project with a Dockerfile gets a `deploy` target. Its shape (command,
// dependsOn docker-build, dev/prod configurations) is defined once in nx.json targetDefaults.
const { dirname } = require('node:path');

/** @type {import('@nx/devkit').CreateNodesV2} */
const createNodesV2 = [
  '{apps,libs}/*/Dockerfile',
  (dockerfiles) =>
    dockerfiles.map((file) => [file, { projects: { [dirname(file)]: { targets: { deploy: {} } } } }]),
];

module.exports = { name: '@todo/deploy-tool/nx-plugin', createNodesV2 };
