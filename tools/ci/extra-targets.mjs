// Targets run after the unit suites, in order; each stays off the default run-many because it needs
// an engine or service that the setup scripts start (Docker, Helm, Chromium, a cluster).
// cluster-e2e (deploy-e2e) deploys to a real cluster: the sandbox one with SANDBOX_CLUSTER_UP=1 (.ci/run).
const targets = ['helm-lint', 'e2e', 'image-test', 'cluster-e2e'];
console.log(targets.join('\n'));
