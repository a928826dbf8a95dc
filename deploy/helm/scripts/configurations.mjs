// @ts-check
// Every configuration the chart is shipped or checked with: helm-lint lints, renders, validates and
// policy-checks each one, and the chart tests check every hook of each one.

const DIGEST = `sha256:${'ab'.repeat(32)}`;

/**
 * @typedef {{ name: string, valuesFiles: string[], set?: Record<string, string | number | boolean>, production: boolean }} Configuration
 * @type {Configuration[]}
 */
export const CONFIGURATIONS = [
  { name: 'dev', valuesFiles: ['values-dev.yaml'], production: false },
  { name: 'prod', valuesFiles: ['values-prod.yaml'], production: true },
  {
    name: 'prod-ingress-autoscaling',
    valuesFiles: ['values-prod.yaml'],
    set: {
      'ingress.enabled': true,
      'ingress.tls.enabled': true,
      'backend.autoscaling.enabled': true,
      'frontend.autoscaling.enabled': true,
    },
    production: true,
  },
  {
    // Prometheus Operator objects and tracing on, so kubeconform checks the ServiceMonitor and PodMonitor too.
    name: 'prod-monitoring',
    valuesFiles: ['values-prod.yaml'],
    set: {
      'metrics.serviceMonitor.enabled': true,
      'metrics.podMonitor.enabled': true,
      'metrics.serviceMonitor.labels.release': 'prometheus',
      'metrics.scraper.namespaceLabels.kubernetes\\.io/metadata\\.name': 'monitoring',
      'tracing.otlpEndpoint': 'http://otel-collector.monitoring:4318',
    },
    production: true,
  },
  {
    name: 'defaults-with-database-url',
    valuesFiles: [],
    set: { 'secrets.databaseUrl': 'postgres://todo@db.internal:5432/todo' },
    production: true,
  },
  {
    // What `nx deploy --configuration=prod` sets when it pushes to a registry, plus the Bitnami-style values,
    // so that kubeconform checks their rendered shape too.
    name: 'prod-registry-digest-extras',
    valuesFiles: ['values-prod.yaml'],
    set: {
      'backend.image.registry': 'registry.example.com:5000',
      'backend.image.repository': 'todo-app/backend',
      'backend.image.tag': '3f2a9c1b7d40',
      'backend.image.digest': DIGEST,
      'frontend.image.registry': 'registry.example.com:5000',
      'frontend.image.digest': DIGEST,
      'secrets.existingSecretKeys.databaseUrl': 'database-url',
      'imagePullSecrets[0].name': 'registry-pull',
      'commonLabels.team': 'todo',
      'backend.podLabels.tier': 'api',
      'backend.podAnnotations.example\\.com/scrape': 'true',
      'backend.extraEnv[0].name': 'NODE_EXTRA_CA_CERTS',
      'backend.extraEnv[0].value': '/etc/db-ca/ca.crt',
      'backend.extraEnvFrom[0].configMapRef.name': 'backend-extra',
      'backend.extraVolumes[0].name': 'db-ca',
      'backend.extraVolumes[0].secret.secretName': 'db-ca',
      'backend.extraVolumeMounts[0].name': 'db-ca',
      'backend.extraVolumeMounts[0].mountPath': '/etc/db-ca',
      'migrations.extraEnv[0].name': 'NODE_EXTRA_CA_CERTS',
      'migrations.extraEnv[0].value': '/etc/db-ca/ca.crt',
      'migrations.extraVolumes[0].name': 'db-ca',
      'migrations.extraVolumes[0].secret.secretName': 'db-ca',
      'migrations.extraVolumeMounts[0].name': 'db-ca',
      'migrations.extraVolumeMounts[0].mountPath': '/etc/db-ca',
      'migrations.podAnnotations.sidecar\\.istio\\.io/inject': 'false',
      'frontend.priorityClassName': 'high',
      'frontend.service.annotations.example\\.com/lb': 'internal',
      'frontend.pdb.minAvailable': 1,
    },
    production: true,
  },
  {
    name: 'dev-existing-service-account',
    valuesFiles: ['values-dev.yaml'],
    set: { 'serviceAccount.create': false, 'serviceAccount.name': 'todo-runner' },
    production: false,
  },
];
