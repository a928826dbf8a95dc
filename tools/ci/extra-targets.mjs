// Targets run after the unit suites, in order; each stays off the default run-many because it needs
// an engine or service that the setup scripts start. One naming scheme: test-<engine> (vitest.shared.mjs).
// helm-lint keeps the name the chart's users know (SPEC: `helm-lint`, `helm-deploy`); its render tests run
// under the chart's `test`.
// test-cluster (deploy-e2e: the dev suite, then the production one with the registry) deploys to a real cluster:
// the sandbox one that 50-sandbox-cluster.sh starts as root; SANDBOX_CLUSTER_UP=0 leaves it out (reported as skipped).
const targets = ['helm-lint', 'test-browser', 'test-docker', 'test-cluster'];
console.log(targets.join('\n'));
