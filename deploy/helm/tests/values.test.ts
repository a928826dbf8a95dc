// The values users of Bitnami-style charts expect, each rendered and asserted on the objects.
import { FIXED_SECRETS, all, describeForEachHelm, get, podSpec, renderWith, type K8sObject, type SetValues } from './helpers.js';

const DEV = ['values-dev.yaml'];
const PROD = ['values-prod.yaml'];
const DIGEST = `sha256:${'0123456789abcdef'.repeat(4)}`;
const OTHER_DIGEST = `sha256:${'f'.repeat(64)}`;

const selectorOf = (component: string) => ({
  'app.kubernetes.io/name': 'todo-app',
  'app.kubernetes.io/instance': 'todo',
  'app.kubernetes.io/component': component,
});

/** Every label selector in the rendered objects, with where it is. */
function selectors(objects: K8sObject[]) {
  const found: { where: string; labels: Record<string, string> }[] = [];
  for (const o of objects) {
    const at = `${o.kind}/${o.metadata.name}`;
    if (o.spec?.selector?.matchLabels) found.push({ where: `${at} selector`, labels: o.spec.selector.matchLabels });
    if (o.kind === 'Service') found.push({ where: `${at} selector`, labels: o.spec.selector });
    if (o.kind === 'NetworkPolicy') {
      found.push({ where: `${at} podSelector`, labels: o.spec.podSelector.matchLabels });
      for (const rule of [...(o.spec.ingress ?? []), ...(o.spec.egress ?? [])]) {
        for (const peer of [...(rule.from ?? []), ...(rule.to ?? [])]) found.push({ where: `${at} peer`, labels: peer.podSelector.matchLabels });
      }
    }
    const pod = o.spec?.template?.spec;
    for (const c of pod?.topologySpreadConstraints ?? []) found.push({ where: `${at} topologySpreadConstraints`, labels: c.labelSelector.matchLabels });
    for (const claim of o.spec?.volumeClaimTemplates ?? []) found.push({ where: `${at} volumeClaimTemplates`, labels: claim.metadata.labels });
  }
  return found;
}

describeForEachHelm('Bitnami-style values', (helm) => {
  const prod = (set: SetValues = {}) => renderWith(helm, PROD, set);
  const dev = (set: SetValues = {}) => renderWith(helm, DEV, { ...FIXED_SECRETS, ...set });
  const container = (objects: K8sObject[], kind: string, name: string) => podSpec(get(objects, kind, name)).containers[0];
  const backend = (objects: K8sObject[]) => container(objects, 'Deployment', 'todo-todo-app-backend');
  const frontend = (objects: K8sObject[]) => container(objects, 'Deployment', 'todo-todo-app-frontend');
  const migrate = (objects: K8sObject[]) => container(objects, 'Job', 'todo-todo-app-migrate');

  describe('images', () => {
    it('builds [registry/]repository:tag, the tag defaulting to the appVersion', () => {
      expect(backend(prod()).image).toBe('todo-app/backend:0.1.0');
      const objects = prod({ 'backend.image.registry': 'registry.example.com:5000/team', 'backend.image.tag': '3f2a9c1b7d40' });
      expect(backend(objects).image).toBe('registry.example.com:5000/team/todo-app/backend:3f2a9c1b7d40');
      expect(frontend(objects).image).toBe('todo-app/frontend:0.1.0');
    });

    it('pins what the deploy tool pushed by digest, the digest winning over the tag, in the Deployment and the migration Job', () => {
      const objects = prod({
        'backend.image.registry': '127.0.0.1:5000',
        'backend.image.repository': 'todo-app/backend',
        'backend.image.tag': '3f2a9c1b7d40',
        'backend.image.digest': DIGEST,
        'frontend.image.registry': '127.0.0.1:5000',
        'frontend.image.repository': 'todo-app/frontend',
        'frontend.image.tag': '9e81d0c4a2f6',
        'frontend.image.digest': OTHER_DIGEST,
      });
      expect(backend(objects).image).toBe(`127.0.0.1:5000/todo-app/backend@${DIGEST}`);
      expect(migrate(objects).image).toBe(`127.0.0.1:5000/todo-app/backend@${DIGEST}`);
      expect(frontend(objects).image).toBe(`127.0.0.1:5000/todo-app/frontend@${OTHER_DIGEST}`);
    });

    it('takes global.imageRegistry for every image, PostgreSQL\'s and the wait-for-database container\'s too', () => {
      const objects = dev({ 'global.imageRegistry': 'mirror.example.com', 'backend.image.registry': 'ignored.example.com' });
      expect(backend(objects).image).toBe('mirror.example.com/todo-app/backend:local');
      expect(frontend(objects).image).toBe('mirror.example.com/todo-app/frontend:local');
      expect(migrate(objects).image).toBe('mirror.example.com/todo-app/backend:local');
      expect(podSpec(get(objects, 'Job', 'todo-todo-app-migrate')).initContainers[0].image).toBe('mirror.example.com/postgres:17-alpine');
      expect(container(objects, 'StatefulSet', 'todo-todo-app-postgresql').image).toBe('mirror.example.com/postgres:17-alpine');
    });

    it('pins the PostgreSQL image by digest', () => {
      const objects = dev({ 'postgresql.image.registry': 'docker.io/library', 'postgresql.image.digest': DIGEST });
      expect(container(objects, 'StatefulSet', 'todo-todo-app-postgresql').image).toBe(`docker.io/library/postgres@${DIGEST}`);
    });

    it('refuses a digest that is not sha256:<64 hex>, a registry with a scheme, and a PostgreSQL image with neither tag nor digest', () => {
      expect(() => prod({ 'backend.image.digest': 'sha256:abc' })).toThrow(/digest/);
      expect(() => prod({ 'backend.image.registry': 'https://registry.example.com' })).toThrow(/registry/);
      expect(() => dev({ 'postgresql.image.tag': '' })).toThrow(/image postgres needs a tag or a digest/);
    });
  });

  describe('global', () => {
    it('accepts globals the chart does not know (an umbrella chart shares them with every subchart)', () => {
      expect(backend(prod({ 'global.storageClass': 'fast', 'global.security.allowInsecureImages': true })).image).toBe('todo-app/backend:0.1.0');
    });

    it('adds global.imagePullSecrets, as names or {name}, before imagePullSecrets on every pod, each once', () => {
      const objects = dev({ 'global.imagePullSecrets[0]': 'mirror-pull', 'global.imagePullSecrets[1].name': 'shared', 'imagePullSecrets[0].name': 'shared', 'imagePullSecrets[1].name': 'own' });
      const workloads = [...all(objects, 'Deployment'), ...all(objects, 'StatefulSet'), ...all(objects, 'Job')];
      expect(workloads).toHaveLength(4);
      for (const workload of workloads) {
        expect(podSpec(workload).imagePullSecrets).toEqual([{ name: 'mirror-pull' }, { name: 'shared' }, { name: 'own' }]);
      }
      expect(podSpec(get(prod(), 'Deployment', 'todo-todo-app-backend'))).not.toHaveProperty('imagePullSecrets');
    });
  });

  describe('labels and annotations', () => {
    it('puts commonLabels on every object and pod template, never in a selector', () => {
      for (const objects of [dev({ 'commonLabels.team': 'payments' }), prod({ 'commonLabels.team': 'payments', 'backend.pdb.enabled': true })]) {
        for (const object of objects) expect(object.metadata.labels, `${object.kind}/${object.metadata.name}`).toMatchObject({ team: 'payments' });
        for (const workload of [...all(objects, 'Deployment'), ...all(objects, 'StatefulSet'), ...all(objects, 'Job')]) {
          expect(workload.spec.template.metadata.labels.team).toBe('payments');
        }
        const found = selectors(objects);
        expect(found.length).toBeGreaterThan(10);
        expect(found.filter((s) => 'team' in s.labels)).toEqual([]);
      }
    });

    it('puts podLabels and podAnnotations on that component\'s pods only, podLabels winning over commonLabels', () => {
      const objects = dev({
        'commonLabels.tier': 'all',
        'backend.podLabels.tier': 'api',
        'frontend.podLabels.tier': 'web',
        'migrations.podLabels.tier': 'job',
        'backend.podAnnotations.example\\.com/owner': 'api-team',
        'migrations.podAnnotations.sidecar\\.istio\\.io/inject': 'false',
      });
      const template = (kind: string, name: string) => get(objects, kind, name).spec.template.metadata;
      expect(template('Deployment', 'todo-todo-app-backend').labels.tier).toBe('api');
      expect(template('Deployment', 'todo-todo-app-frontend').labels.tier).toBe('web');
      expect(template('Job', 'todo-todo-app-migrate').labels.tier).toBe('job');
      expect(template('StatefulSet', 'todo-todo-app-postgresql').labels.tier).toBe('all');
      expect(get(objects, 'Deployment', 'todo-todo-app-backend').metadata.labels.tier).toBe('all');
      expect(template('Deployment', 'todo-todo-app-backend').annotations['example.com/owner']).toBe('api-team');
      expect(template('Deployment', 'todo-todo-app-frontend').annotations).not.toHaveProperty('example.com/owner');
      expect(template('Job', 'todo-todo-app-migrate').annotations).toEqual({ 'sidecar.istio.io/inject': 'false' });
      expect(selectors(objects).filter((s) => 'tier' in s.labels)).toEqual([]);
      // the chart's own labels stay on the pods
      expect(template('Deployment', 'todo-todo-app-backend').labels).toMatchObject(selectorOf('backend'));
    });

    it('refuses a commonLabels or podLabels key that the chart sets itself', () => {
      expect(() => prod({ 'commonLabels.app\\.kubernetes\\.io/name': 'x' })).toThrow(/commonLabels: "app.kubernetes.io\/name" is a label the chart sets itself/);
      expect(() => prod({ 'backend.podLabels.app\\.kubernetes\\.io/component': 'x' })).toThrow(/backend.podLabels: "app.kubernetes.io\/component"/);
    });

    it('annotates both Services only when asked', () => {
      const objects = prod({ 'backend.service.annotations.example\\.com/scrape': 'true', 'frontend.service.annotations.example\\.com/lb': 'internal' });
      expect(get(objects, 'Service', 'todo-todo-app-backend').metadata.annotations).toEqual({ 'example.com/scrape': 'true' });
      expect(get(objects, 'Service', 'todo-todo-app-frontend').metadata.annotations).toEqual({ 'example.com/lb': 'internal' });
      for (const service of all(prod(), 'Service')) expect(service.metadata).not.toHaveProperty('annotations');
    });
  });

  describe('extra env, envFrom, volumes and mounts', () => {
    const extras = (component: string, tag: string): SetValues => ({
      [`${component}.extraEnv[0].name`]: 'EXTRA',
      [`${component}.extraEnv[0].value`]: tag,
      [`${component}.extraEnvFrom[0].configMapRef.name`]: `${tag}-config`,
      [`${component}.extraVolumes[0].name`]: `${tag}-ca`,
      [`${component}.extraVolumes[0].secret.secretName`]: `${tag}-ca`,
      [`${component}.extraVolumeMounts[0].name`]: `${tag}-ca`,
      [`${component}.extraVolumeMounts[0].mountPath`]: '/etc/extra',
    });

    it('adds each component\'s extras after the chart\'s own entries, and to that component only', () => {
      const objects = prod({ ...extras('backend', 'be'), ...extras('frontend', 'fe'), ...extras('migrations', 'mg') });
      for (const [c, tag] of [[backend(objects), 'be'], [frontend(objects), 'fe'], [migrate(objects), 'mg']] as const) {
        expect(c.env.at(-1)).toEqual({ name: 'EXTRA', value: tag });
        expect(c.env.filter((e: K8sObject) => e.name === 'EXTRA')).toHaveLength(1);
        expect(c.envFrom.at(-1)).toEqual({ configMapRef: { name: `${tag}-config` } });
        expect(c.volumeMounts).toEqual([{ name: 'tmp', mountPath: '/tmp' }, ...(tag === 'fe' ? [{ name: 'next-cache', mountPath: '/app/apps/frontend/.next/cache' }] : []), { name: `${tag}-ca`, mountPath: '/etc/extra' }]);
      }
      expect(backend(objects).env.map((e: K8sObject) => e.name)).toEqual(['DATABASE_URL', 'JWT_SECRET_KEY', 'OPENAI_API_KEY', 'EXTRA']);
      expect(backend(objects).envFrom).toEqual([{ configMapRef: { name: 'todo-todo-app-backend' } }, { configMapRef: { name: 'be-config' } }]);
      expect(migrate(objects).envFrom).toEqual([{ configMapRef: { name: 'mg-config' } }]);
      const volumes = (kind: string, name: string) => podSpec(get(objects, kind, name)).volumes.map((v: K8sObject) => v.name);
      expect(volumes('Deployment', 'todo-todo-app-backend')).toEqual(['tmp', 'be-ca']);
      expect(volumes('Deployment', 'todo-todo-app-frontend')).toEqual(['tmp', 'next-cache', 'fe-ca']);
      expect(volumes('Job', 'todo-todo-app-migrate')).toEqual(['tmp', 'mg-ca']);
    });

    it('renders no env on the frontend and no envFrom on the Job without extras', () => {
      expect(frontend(prod())).not.toHaveProperty('env');
      expect(migrate(prod())).not.toHaveProperty('envFrom');
    });
  });

  describe('scheduling', () => {
    const spread = (objects: K8sObject[], component: string) => podSpec(get(objects, 'Deployment', `todo-todo-app-${component}`)).topologySpreadConstraints;

    it.each(['backend', 'frontend'])('spreads the %s replicas softly over nodes by default, selecting its own pods of the same revision', (component) => {
      const soft = (topologyKey: string) => ({ maxSkew: 1, topologyKey, whenUnsatisfiable: 'ScheduleAnyway', matchLabelKeys: ['pod-template-hash'], labelSelector: { matchLabels: selectorOf(component) } });
      // No zone constraint: on nodes without a zone label it would switch the node spreading off too.
      expect(spread(prod(), component)).toEqual([soft('kubernetes.io/hostname')]);
    });

    it('replaces the default with the user\'s constraints, filling in only a missing labelSelector, and renders none for []', () => {
      const objects = prod({
        'backend.topologySpreadConstraints[0].maxSkew': 2,
        'backend.topologySpreadConstraints[0].topologyKey': 'topology.kubernetes.io/zone',
        'backend.topologySpreadConstraints[0].whenUnsatisfiable': 'DoNotSchedule',
        'frontend.topologySpreadConstraints[0].maxSkew': 1,
        'frontend.topologySpreadConstraints[0].topologyKey': 'kubernetes.io/hostname',
        'frontend.topologySpreadConstraints[0].whenUnsatisfiable': 'ScheduleAnyway',
        'frontend.topologySpreadConstraints[0].labelSelector.matchLabels.app': 'web',
      });
      expect(spread(objects, 'backend')).toEqual([
        { maxSkew: 2, topologyKey: 'topology.kubernetes.io/zone', whenUnsatisfiable: 'DoNotSchedule', labelSelector: { matchLabels: selectorOf('backend') } },
      ]);
      expect(spread(objects, 'frontend')).toEqual([
        { maxSkew: 1, topologyKey: 'kubernetes.io/hostname', whenUnsatisfiable: 'ScheduleAnyway', labelSelector: { matchLabels: { app: 'web' } } },
      ]);
      expect(podSpec(get(prod({ 'backend.topologySpreadConstraints': [] }), 'Deployment', 'todo-todo-app-backend'))).not.toHaveProperty('topologySpreadConstraints');
    });

    it('sets priorityClassName per component, none by default', () => {
      const objects = prod({ 'backend.priorityClassName': 'todo-critical' });
      expect(podSpec(get(objects, 'Deployment', 'todo-todo-app-backend')).priorityClassName).toBe('todo-critical');
      expect(podSpec(get(objects, 'Deployment', 'todo-todo-app-frontend'))).not.toHaveProperty('priorityClassName');
    });
  });

  describe('PodDisruptionBudgets', () => {
    const budget = (objects: K8sObject[], component: string) => get(objects, 'PodDisruptionBudget', `todo-todo-app-${component}`).spec;

    it('takes minAvailable or maxUnavailable, a number or a percentage, and maxUnavailable 1 when neither is set', () => {
      const objects = prod({ 'backend.pdb.minAvailable': 1, 'frontend.pdb.maxUnavailable': '50%' });
      expect(budget(objects, 'backend')).toEqual({ minAvailable: 1, selector: { matchLabels: selectorOf('backend') } });
      expect(budget(objects, 'frontend')).toEqual({ maxUnavailable: '50%', selector: { matchLabels: selectorOf('frontend') } });
      expect(budget(prod(), 'backend')).toEqual({ maxUnavailable: 1, selector: { matchLabels: selectorOf('backend') } });
      expect(budget(prod({ 'backend.pdb.minAvailable': 0 }), 'backend')).toEqual({ minAvailable: 0, selector: { matchLabels: selectorOf('backend') } });
    });

    it('refuses both minAvailable and maxUnavailable, saying to pick one', () => {
      expect(() => prod({ 'frontend.pdb.minAvailable': 1, 'frontend.pdb.maxUnavailable': 1 })).toThrow(
        /frontend.pdb: set minAvailable \(1\) or maxUnavailable \(1\), not both/,
      );
      expect(() => prod({ 'backend.pdb.minAvailable': 'half' })).toThrow(/minAvailable/);
    });
  });

  describe('existing Secret key names', () => {
    it('reads each credential from the key secrets.existingSecretKeys names, the LLM key optional', () => {
      const objects = prod({
        'secrets.existingSecretKeys.databaseUrl': 'database-url',
        'secrets.existingSecretKeys.jwtSecretKey': 'jwt',
        'secrets.existingSecretKeys.openaiApiKey': 'llm-key',
      });
      expect(backend(objects).env).toEqual([
        { name: 'DATABASE_URL', valueFrom: { secretKeyRef: { name: 'todo-app-credentials', key: 'database-url' } } },
        { name: 'JWT_SECRET_KEY', valueFrom: { secretKeyRef: { name: 'todo-app-credentials', key: 'jwt' } } },
        { name: 'OPENAI_API_KEY', valueFrom: { secretKeyRef: { name: 'todo-app-credentials', key: 'llm-key', optional: true } } },
      ]);
      expect(backend(objects)).not.toHaveProperty('envFrom.1');
      expect(migrate(objects).env.find((e: K8sObject) => e.name === 'DATABASE_URL').valueFrom.secretKeyRef).toEqual({ name: 'todo-app-credentials', key: 'database-url' });
    });

    it('keeps the standard key names for the chart-managed Secret whatever existingSecretKeys says', () => {
      const objects = dev({ 'secrets.existingSecretKeys.databaseUrl': 'database-url' });
      expect(Object.keys(get(objects, 'Secret', 'todo-todo-app-secrets').data).sort()).toEqual(['DATABASE_URL', 'JWT_SECRET_KEY', 'OPENAI_API_KEY']);
      expect(backend(objects).env.map((e: K8sObject) => e.valueFrom.secretKeyRef.key)).toEqual(['DATABASE_URL', 'JWT_SECRET_KEY', 'OPENAI_API_KEY']);
      expect(migrate(objects).env.find((e: K8sObject) => e.name === 'DATABASE_URL').valueFrom.secretKeyRef).toEqual({ name: 'todo-todo-app-migrate', key: 'DATABASE_URL' });
    });

    it('rolls the backend when existingSecret names another Secret', () => {
      const checksum = (objects: K8sObject[]) => get(objects, 'Deployment', 'todo-todo-app-backend').spec.template.metadata.annotations['checksum/secret'];
      expect(checksum(prod({ 'secrets.existingSecret': 'other-credentials' }))).not.toBe(checksum(prod()));
      expect(checksum(prod({ 'backend.config.LOG_LEVEL': 'warn' }))).toBe(checksum(prod()));
    });
  });
});
