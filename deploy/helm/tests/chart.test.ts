import { FIXED_SECRETS, all, decode, describeForEachHelm, get, podSpec, renderWith, type K8sObject } from './helpers.js';

const DEV = ['values-dev.yaml'];
const PROD = ['values-prod.yaml'];

const secretEnv = (secret: string, keys = { DATABASE_URL: 'DATABASE_URL', JWT_SECRET_KEY: 'JWT_SECRET_KEY', OPENAI_API_KEY: 'OPENAI_API_KEY' }) => [
  { name: 'DATABASE_URL', valueFrom: { secretKeyRef: { name: secret, key: keys.DATABASE_URL } } },
  { name: 'JWT_SECRET_KEY', valueFrom: { secretKeyRef: { name: secret, key: keys.JWT_SECRET_KEY } } },
  { name: 'OPENAI_API_KEY', valueFrom: { secretKeyRef: { name: secret, key: keys.OPENAI_API_KEY, optional: true } } },
];

describeForEachHelm('todo-app chart', (helm) => {
  const dev = () => renderWith(helm, DEV, FIXED_SECRETS);
  const prod = () => renderWith(helm, PROD);

  describe('services', () => {
    it('exposes the frontend on NodePort 30000 in dev only', () => {
      const devService = get(dev(), 'Service', 'todo-todo-app-frontend');
      expect(devService.spec.type).toBe('NodePort');
      expect(devService.spec.ports[0]).toMatchObject({ port: 3000, nodePort: 30000, targetPort: 'http' });

      const prodService = get(prod(), 'Service', 'todo-todo-app-frontend');
      expect(prodService.spec.type).toBe('ClusterIP');
      expect(prodService.spec.ports[0].nodePort).toBeUndefined();
    });

    it('lets Kubernetes pick the NodePort when frontend.service.nodePort is null', () => {
      const service = get(renderWith(helm, DEV, { ...FIXED_SECRETS, 'frontend.service.nodePort': null }), 'Service', 'todo-todo-app-frontend');
      expect(service.spec.type).toBe('NodePort');
      expect(service.spec.ports[0]).not.toHaveProperty('nodePort');
    });

    it('keeps the backend on ClusterIP in every configuration', () => {
      for (const objects of [dev(), prod()]) {
        expect(get(objects, 'Service', 'todo-todo-app-backend').spec.type).toBe('ClusterIP');
      }
    });

    it('derives every name from the release (no hard-coded Service or Secret names)', () => {
      const objects = renderWith(helm, DEV, FIXED_SECRETS, 'shop');
      for (const object of objects) expect(object.metadata.name).toMatch(/^shop-todo-app(-|$)/);
      const same = renderWith(helm, DEV, FIXED_SECRETS, 'todo-app');
      expect(get(same, 'Service', 'todo-app-backend')).toBeDefined();
      expect(get(same, 'ConfigMap', 'todo-app-frontend').data.BACKEND_URL).toBe('http://todo-app-backend:8000');
    });

    it('selects pods by name, instance and component only', () => {
      for (const deployment of all(dev(), 'Deployment')) {
        expect(Object.keys(deployment.spec.selector.matchLabels).sort()).toEqual([
          'app.kubernetes.io/component',
          'app.kubernetes.io/instance',
          'app.kubernetes.io/name',
        ]);
        expect(deployment.spec.template.metadata.labels).toMatchObject(deployment.spec.selector.matchLabels);
        expect(deployment.metadata.labels['app.kubernetes.io/managed-by']).toBe('Helm');
        expect(deployment.metadata.labels['helm.sh/chart']).toMatch(/^todo-app-/);
      }
    });
  });

  describe('configuration and secrets', () => {
    it('feeds the ConfigMaps to the pods through envFrom and the Secret\'s keys through env', () => {
      const objects = dev();
      const backend = podSpec(get(objects, 'Deployment', 'todo-todo-app-backend')).containers[0];
      expect(backend.envFrom).toEqual([{ configMapRef: { name: 'todo-todo-app-backend' } }]);
      expect(backend.env).toEqual(secretEnv('todo-todo-app-secrets'));
      const frontend = podSpec(get(objects, 'Deployment', 'todo-todo-app-frontend')).containers[0];
      expect(frontend.envFrom).toEqual([{ configMapRef: { name: 'todo-todo-app-frontend' } }]);
      expect(get(objects, 'ConfigMap', 'todo-todo-app-backend').data).toMatchObject({
        LOG_LEVEL: 'debug',
        JWT_ALGORITHM: 'HS256',
        ACCESS_TOKEN_EXPIRE_DAYS: '7',
        PORT: '8000',
        SHUTDOWN_DELAY_MS: '0',
      });
      expect(get(objects, 'ConfigMap', 'todo-todo-app-backend').data).not.toHaveProperty('OPENAI_MODEL');
    });

    it('turns on HSTS and the trusted proxy in prod only, and lets frontend.hsts tune it', () => {
      const frontendConfig = (objects: K8sObject[]) => get(objects, 'ConfigMap', 'todo-todo-app-frontend').data;
      expect(frontendConfig(dev())).toMatchObject({ HSTS_MAX_AGE_SECONDS: '0', HSTS_INCLUDE_SUBDOMAINS: 'false' });
      expect(frontendConfig(dev())).not.toHaveProperty('TRUST_PROXY');
      expect(frontendConfig(prod())).toMatchObject({ TRUST_PROXY: 'true', HSTS_MAX_AGE_SECONDS: '63072000', HSTS_INCLUDE_SUBDOMAINS: 'false' });
      const tuned = renderWith(helm, PROD, { 'frontend.hsts.maxAgeSeconds': 31536000, 'frontend.hsts.includeSubDomains': true });
      expect(frontendConfig(tuned)).toMatchObject({ HSTS_MAX_AGE_SECONDS: '31536000', HSTS_INCLUDE_SUBDOMAINS: 'true' });
      expect(frontendConfig(renderWith(helm, PROD, { 'frontend.hsts.enabled': false })).HSTS_MAX_AGE_SECONDS).toBe('0');
    });

    it('renders a Secret with exactly the keys the backend reads, pointing dev at the in-chart PostgreSQL', () => {
      const objects = dev();
      const secret = get(objects, 'Secret', 'todo-todo-app-secrets');
      expect(Object.keys(secret.data).sort()).toEqual(['DATABASE_URL', 'JWT_SECRET_KEY', 'OPENAI_API_KEY']);
      expect(decode(secret.data.DATABASE_URL)).toBe(
        'postgres://todo:pg-test-password@todo-todo-app-postgresql:5432/todo',
      );
      expect(decode(secret.data.OPENAI_API_KEY)).toBe('sk-test');
      const pg = get(objects, 'Secret', 'todo-todo-app-postgresql');
      expect(decode(pg.data.POSTGRES_PASSWORD)).toBe('pg-test-password');
    });

    it('generates one JWT key and one database password per render, shared by every object', () => {
      const objects = renderWith(helm, DEV);
      const jwt = decode(get(objects, 'Secret', 'todo-todo-app-secrets').data.JWT_SECRET_KEY);
      expect(jwt).toMatch(/^[A-Za-z0-9]{48}$/);
      const password = decode(get(objects, 'Secret', 'todo-todo-app-postgresql').data.POSTGRES_PASSWORD);
      expect(decode(get(objects, 'Secret', 'todo-todo-app-secrets').data.DATABASE_URL)).toContain(`:${password}@`);
      expect(decode(get(objects, 'Secret', 'todo-todo-app-migrate').data.DATABASE_URL)).toContain(`:${password}@`);
    });

    it('uses an existing Secret instead of rendering one when existingSecret is set', () => {
      const objects = prod();
      expect(all(objects, 'Secret')).toEqual([]);
      const backend = podSpec(get(objects, 'Deployment', 'todo-todo-app-backend')).containers[0];
      expect(backend.env).toEqual(secretEnv('todo-app-credentials'));
      const migrate = podSpec(get(objects, 'Job', 'todo-todo-app-migrate')).containers[0];
      expect(migrate.env.find((e: K8sObject) => e.name === 'DATABASE_URL').valueFrom.secretKeyRef).toEqual({
        name: 'todo-app-credentials',
        key: 'DATABASE_URL',
      });
    });

    it('refuses to render without any database', () => {
      expect(() => renderWith(helm, [])).toThrow(/no database configured/);
    });
  });

  describe('rollouts', () => {
    const annotations = (objects: K8sObject[], component: string) =>
      get(objects, 'Deployment', `todo-todo-app-${component}`).spec.template.metadata.annotations;

    it('changes the backend checksum/config, and only it, when the backend config changes', () => {
      const before = dev();
      const after = renderWith(helm, DEV, { ...FIXED_SECRETS, 'backend.config.LOG_LEVEL': 'warn' });
      expect(annotations(after, 'backend')['checksum/config']).not.toBe(annotations(before, 'backend')['checksum/config']);
      expect(annotations(after, 'backend')['checksum/secret']).toBe(annotations(before, 'backend')['checksum/secret']);
      expect(get(after, 'Deployment', 'todo-todo-app-frontend')).toEqual(get(before, 'Deployment', 'todo-todo-app-frontend'));
    });

    it('changes checksum/secret when a secret value changes', () => {
      const after = renderWith(helm, DEV, { ...FIXED_SECRETS, 'secrets.openaiApiKey': 'sk-other' });
      expect(annotations(after, 'backend')['checksum/secret']).not.toBe(annotations(dev(), 'backend')['checksum/secret']);
    });

    it('changes the frontend checksum/config when the frontend config changes', () => {
      const after = renderWith(helm, DEV, { ...FIXED_SECRETS, 'frontend.config.CHAT_TIMEOUT_MS': '60000' });
      expect(annotations(after, 'frontend')['checksum/config']).not.toBe(annotations(dev(), 'frontend')['checksum/config']);
    });

    it('leaves the frontend Deployment byte-identical when only the backend tag changes', () => {
      const first = renderWith(helm, DEV, { ...FIXED_SECRETS, 'backend.image.tag': 'aaaaaaaaaaaa', 'frontend.image.tag': 'ffffffffffff' });
      const second = renderWith(helm, DEV, { ...FIXED_SECRETS, 'backend.image.tag': 'bbbbbbbbbbbb', 'frontend.image.tag': 'ffffffffffff' });
      expect(get(second, 'Deployment', 'todo-todo-app-frontend')).toEqual(get(first, 'Deployment', 'todo-todo-app-frontend'));
      expect(podSpec(get(second, 'Deployment', 'todo-todo-app-frontend')).containers[0].image).toBe('todo-app/frontend:ffffffffffff');
      expect(podSpec(get(second, 'Deployment', 'todo-todo-app-backend')).containers[0].image).toBe('todo-app/backend:bbbbbbbbbbbb');
      expect(podSpec(get(second, 'Job', 'todo-todo-app-migrate')).containers[0].image).toBe('todo-app/backend:bbbbbbbbbbbb');
    });
  });

  describe('values schema', () => {
    it('rejects a misspelled key', () => {
      expect(() => renderWith(helm, DEV, { 'backend.imag.tag': 'x' })).toThrow(/imag/);
      expect(() => renderWith(helm, DEV, { 'frontend.servce.type': 'NodePort' })).toThrow(/servce/);
      expect(() => renderWith(helm, DEV, { replicaCount: 3 })).toThrow(/replicaCount/);
    });

    it('rejects wrong types and values', () => {
      expect(() => renderWith(helm, DEV, { 'backend.replicaCount': 'two' })).toThrow(/replicaCount/);
      expect(() => renderWith(helm, DEV, { 'frontend.service.nodePort': 80 })).toThrow(/nodePort/);
      expect(() => renderWith(helm, DEV, { 'backend.image.pullPolicy': 'Sometimes' })).toThrow(/pullPolicy/);
      expect(() => renderWith(helm, DEV, { 'containerSecurityContext.allowPrivilegeEscalation': true })).toThrow(
        /allowPrivilegeEscalation/,
      );
    });
  });

  describe('probes and shutdown', () => {
    it.each(['backend', 'frontend'])('%s has startup, liveness and readiness probes on /startup, /health, /ready', (component) => {
      const container = podSpec(get(dev(), 'Deployment', `todo-todo-app-${component}`)).containers[0];
      expect(container.startupProbe.httpGet).toEqual({ path: '/startup', port: 'http' });
      expect(container.livenessProbe.httpGet).toEqual({ path: '/health', port: 'http' });
      expect(container.readinessProbe.httpGet).toEqual({ path: '/ready', port: 'http' });
    });

    it.each(['backend', 'frontend'])('%s pauses before SIGTERM and gets a grace period longer than its drain', (component) => {
      const spec = podSpec(get(prod(), 'Deployment', `todo-todo-app-${component}`));
      const preStop = spec.containers[0].lifecycle.preStop.sleep.seconds;
      expect(preStop).toBeGreaterThan(0);
      const shutdownDelay = component === 'backend' ? 5 : 0;
      expect(spec.terminationGracePeriodSeconds).toBeGreaterThan(preStop + shutdownDelay);
    });

    it('refuses a grace period shorter than the drain', () => {
      expect(() => renderWith(helm, PROD, { 'backend.terminationGracePeriodSeconds': 8 })).toThrow(
        /terminationGracePeriodSeconds/,
      );
    });
  });

  describe('security', () => {
    it('runs every pod as uid 1001, non-root, without a service account token', () => {
      for (const workload of [...all(dev(), 'Deployment'), ...all(dev(), 'StatefulSet'), ...all(dev(), 'Job')]) {
        const spec = podSpec(workload);
        expect(spec.automountServiceAccountToken).toBe(false);
        expect(spec.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 1001, seccompProfile: { type: 'RuntimeDefault' } });
        for (const container of [...spec.containers, ...(spec.initContainers ?? [])]) {
          expect(container.securityContext).toMatchObject({
            runAsNonRoot: true,
            runAsUser: 1001,
            allowPrivilegeEscalation: false,
            readOnlyRootFilesystem: true,
            privileged: false,
            capabilities: { drop: ['ALL'] },
          });
          expect(container.resources.limits).toHaveProperty('memory');
          expect(container.resources.limits).toHaveProperty('cpu');
        }
      }
      expect(get(dev(), 'ServiceAccount', 'todo-todo-app').automountServiceAccountToken).toBe(false);
    });

    it('mounts writable emptyDirs only where the apps write', () => {
      const mounts = (component: string) =>
        podSpec(get(dev(), 'Deployment', `todo-todo-app-${component}`)).containers[0].volumeMounts.map((m: K8sObject) => m.mountPath);
      expect(mounts('backend')).toEqual(['/tmp']);
      expect(mounts('frontend')).toEqual(['/tmp', '/app/apps/frontend/.next/cache']);
    });
  });

  describe('network policy', () => {
    const selector = (component: string) => ({
      'app.kubernetes.io/name': 'todo-app',
      'app.kubernetes.io/instance': 'todo',
      'app.kubernetes.io/component': component,
    });
    const pods = (component: string) => ({ podSelector: { matchLabels: selector(component) } });
    const tcp = (port: number | string) => ({ protocol: 'TCP', port });
    const dns = { ports: [{ protocol: 'UDP', port: 53 }, tcp(53)] };
    const scraper = { from: [{ podSelector: { matchLabels: { 'app.kubernetes.io/name': 'prometheus' } } }], ports: [tcp('metrics')] };
    const policy = (component: string, rules: K8sObject) => ({
      podSelector: { matchLabels: selector(component) },
      policyTypes: ['Ingress', 'Egress'],
      ...rules,
    });
    /** Every NetworkPolicy's spec by component: an added rule, peer or port anywhere fails the comparison. */
    const specs = (objects: K8sObject[]) =>
      Object.fromEntries(all(objects, 'NetworkPolicy').map((p) => [p.metadata.labels['app.kubernetes.io/component'], p.spec]));
    const expected = (database: 'in-chart' | 'external', externalPort = 5432) => {
      const toDatabase = database === 'in-chart' ? { to: [pods('database')], ports: [tcp(5432)] } : { ports: [tcp(externalPort)] };
      return {
        frontend: policy('frontend', { ingress: [{ ports: [tcp('http')] }, scraper], egress: [{ to: [pods('backend')], ports: [tcp(8000)] }, dns] }),
        backend: policy('backend', {
          ingress: [{ from: [pods('frontend')], ports: [tcp('http')] }, scraper],
          egress: [toDatabase, dns, { ports: [tcp(443)] }],
        }),
        migrate: policy('migrate', { egress: [toDatabase, dns] }),
        ...(database === 'in-chart'
          ? { database: policy('database', { ingress: [{ from: [pods('backend'), pods('migrate')], ports: [tcp('postgresql')] }], egress: [] }) }
          : {}),
      };
    };

    it('allows each component exactly its peers and ports in dev (in-chart database)', () => {
      expect(specs(dev())).toEqual(expected('in-chart'));
    });

    it('allows each component exactly its peers and ports in prod (external database on its port)', () => {
      expect(specs(prod())).toEqual(expected('external'));
      expect(specs(renderWith(helm, PROD, { 'networkPolicy.externalDatabasePort': 6432 }))).toEqual(expected('external', 6432));
    });

    it('lets only the frontend reach the backend (and only the scraper its metrics port)', () => {
      for (const objects of [dev(), prod()]) {
        expect(get(objects, 'NetworkPolicy', 'todo-todo-app-backend').spec.ingress).toEqual([{ from: [pods('frontend')], ports: [tcp('http')] }, scraper]);
      }
    });

    it('lets only the backend (and the migration Job) reach the database', () => {
      expect(get(dev(), 'NetworkPolicy', 'todo-todo-app-postgresql').spec.ingress).toEqual([
        { from: [pods('backend'), pods('migrate')], ports: [tcp('postgresql')] },
      ]);
      for (const objects of [dev(), prod()]) {
        expect(JSON.stringify(get(objects, 'NetworkPolicy', 'todo-todo-app-frontend').spec.egress)).not.toContain('5432');
      }
    });

    it('drops the backend\'s HTTPS egress when allowBackendHttpsEgress is false, and renders no policy when disabled', () => {
      const closed = specs(renderWith(helm, PROD, { 'networkPolicy.allowBackendHttpsEgress': false }));
      expect(closed.backend.egress).toEqual([{ ports: [tcp(5432)] }, dns]);
      expect(all(renderWith(helm, PROD, { 'networkPolicy.enabled': false }), 'NetworkPolicy')).toEqual([]);
    });
  });

  describe('migrations', () => {
    it('runs `node main.js migrate` in the backend image as a pre-install/pre-upgrade hook', () => {
      const job = get(prod(), 'Job', 'todo-todo-app-migrate');
      expect(job.metadata.annotations['helm.sh/hook']).toBe('pre-install,pre-upgrade');
      expect(podSpec(job).containers[0].command).toEqual(['node', 'main.js', 'migrate']);
      expect(podSpec(job).containers[0].image).toBe('todo-app/backend:0.1.0');
    });

    it('migrates after install when the database is part of the release, waiting for it first', () => {
      const job = get(dev(), 'Job', 'todo-todo-app-migrate');
      expect(job.metadata.annotations['helm.sh/hook']).toBe('post-install,pre-upgrade');
      expect(podSpec(job).initContainers[0].name).toBe('wait-for-database');
    });
  });

  describe('production extras', () => {
    it('adds PodDisruptionBudgets in prod and none in dev', () => {
      expect(all(prod(), 'PodDisruptionBudget').map((p: K8sObject) => p.metadata.name).sort()).toEqual([
        'todo-todo-app-backend',
        'todo-todo-app-frontend',
      ]);
      expect(all(dev(), 'PodDisruptionBudget')).toEqual([]);
      expect(get(prod(), 'Deployment', 'todo-todo-app-backend').spec.replicas).toBe(2);
      expect(get(dev(), 'Deployment', 'todo-todo-app-backend').spec.replicas).toBe(1);
    });

    it('renders HPA and Ingress only when enabled, leaving replicas to the HPA', () => {
      expect(all(prod(), 'HorizontalPodAutoscaler')).toEqual([]);
      expect(all(prod(), 'Ingress')).toEqual([]);
      const objects = renderWith(helm, PROD, { 'backend.autoscaling.enabled': true, 'ingress.enabled': true });
      expect(get(objects, 'HorizontalPodAutoscaler', 'todo-todo-app-backend').spec.scaleTargetRef.name).toBe('todo-todo-app-backend');
      expect(get(objects, 'Deployment', 'todo-todo-app-backend').spec.replicas).toBeUndefined();
      expect(get(objects, 'HorizontalPodAutoscaler', 'todo-todo-app-backend').spec.behavior).toBeUndefined();
      const window = { scaleDown: { stabilizationWindowSeconds: 15 } };
      const tuned = renderWith(helm, PROD, { 'backend.autoscaling.enabled': true, 'backend.autoscaling.behavior.scaleDown.stabilizationWindowSeconds': 15 });
      expect(get(tuned, 'HorizontalPodAutoscaler', 'todo-todo-app-backend').spec.behavior).toEqual(window);
      const ingress = get(objects, 'Ingress', 'todo-todo-app');
      expect(ingress.spec.rules[0].http.paths[0].backend.service).toEqual({ name: 'todo-todo-app-frontend', port: { name: 'http' } });
    });

    it('keeps the dev database on a PersistentVolumeClaim unless persistence is off', () => {
      const claims = get(dev(), 'StatefulSet', 'todo-todo-app-postgresql').spec.volumeClaimTemplates;
      expect(claims[0].spec.resources.requests.storage).toBe('1Gi');
      // dev: the volume goes with the release; the chart default keeps it
      const statefulSet = (objects: K8sObject[]) => get(objects, 'StatefulSet', 'todo-todo-app-postgresql');
      expect(statefulSet(dev()).spec.persistentVolumeClaimRetentionPolicy).toEqual({ whenDeleted: 'Delete', whenScaled: 'Retain' });
      const retained = renderWith(helm, DEV, { ...FIXED_SECRETS, 'postgresql.persistence.whenDeleted': 'Retain' });
      expect(statefulSet(retained).spec.persistentVolumeClaimRetentionPolicy.whenDeleted).toBe('Retain');
      const ephemeral = get(renderWith(helm, DEV, { ...FIXED_SECRETS, 'postgresql.persistence.enabled': false }), 'StatefulSet', 'todo-todo-app-postgresql');
      expect(ephemeral.spec.volumeClaimTemplates).toBeUndefined();
      expect(podSpec(ephemeral).volumes).toContainEqual({ name: 'data', emptyDir: {} });
    });

    it('uses a configurable PostgreSQL image in dev', () => {
      const objects = renderWith(helm, DEV, { ...FIXED_SECRETS, 'postgresql.image.repository': 'mirror/postgres', 'postgresql.image.tag': '17.6' });
      expect(podSpec(get(objects, 'StatefulSet', 'todo-todo-app-postgresql')).containers[0].image).toBe('mirror/postgres:17.6');
      expect(podSpec(get(dev(), 'StatefulSet', 'todo-todo-app-postgresql')).containers[0].image).toBe('postgres:17-alpine');
    });
  });
});
