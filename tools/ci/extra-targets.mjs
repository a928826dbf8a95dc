// Targets run after the unit suites, in order; each stays off the default run-many because it needs
// an engine or service that the setup scripts start (Docker, Helm, Chromium, a cluster).
// cluster-e2e (deploy-e2e: the dev suite, then the production one with the registry) deploys to a real cluster:
// the sandbox one that 50-sandbox-cluster.sh starts as root; SANDBOX_CLUSTER_UP=0 leaves it out (reported as skipped).
const targets = ['helm-lint', 'e2e', 'image-test', 'cluster-e2e'];
console.log(targets.join('\n'));
