// Targets run after the unit suites, in order; each stays off the default run-many because it needs
// an engine or service that the setup scripts start (Docker, Helm, Chromium, a cluster).
const targets = ['image-test'];
console.log(targets.join('\n'));
