import { all, describeForEachHelm, get, podSpec, renderWith, type K8sObject } from './helpers.js';

const PROD = ['values-prod.yaml'];
const DB = { 'secrets.databaseUrl': 'postgres://todo@db.internal:5432/todo' };
const MONITORS = { ...DB, 'metrics.serviceMonitor.enabled': true, 'metrics.podMonitor.enabled': true, 'metrics.serviceMonitor.labels.release': 'prom' };
const APPS = [
  { component: 'backend', port: 9464 },
  { component: 'frontend', port: 9465 },
] as const;

const selector = (component: string) => ({
  'app.kubernetes.io/name': 'todo-app',
  'app.kubernetes.io/instance': 'todo',
  'app.kubernetes.io/component': component,
});
const container = (objects: K8sObject[], component: string) => podSpec(get(objects, 'Deployment', `todo-todo-app-${component}`)).containers[0];
const podAnnotations = (objects: K8sObject[], component: string) =>
  get(objects, 'Deployment', `todo-todo-app-${component}`).spec.template.metadata.annotations;
const config = (objects: K8sObject[], component: string) => get(objects, 'ConfigMap', `todo-todo-app-${component}`).data;
const ingress = (objects: K8sObject[], component: string) => get(objects, 'NetworkPolicy', `todo-todo-app-${component}`).spec.ingress;
const egress = (objects: K8sObject[], component: string) => get(objects, 'NetworkPolicy', `todo-todo-app-${component}`).spec.egress;

describeForEachHelm('metrics and tracing in the chart', (helm) => {
  it('gives each app a `metrics` container port, METRICS_PORT and scrape annotations, on no Service', () => {
    const objects = renderWith(helm, PROD, DB);
    for (const { component, port } of APPS) {
      expect(container(objects, component).ports).toContainEqual({ name: 'metrics', containerPort: port, protocol: 'TCP' });
      expect(config(objects, component).METRICS_PORT).toBe(String(port));
      expect(podAnnotations(objects, component)).toMatchObject({ 'prometheus.io/scrape': 'true', 'prometheus.io/port': String(port), 'prometheus.io/path': '/metrics' });
      const service = get(objects, 'Service', `todo-todo-app-${component}`);
      expect(service.spec.ports.map((p: { port: number }) => p.port)).not.toContain(port);
    }
    expect(all(objects, 'ServiceMonitor')).toEqual([]);
    expect(all(objects, 'PodMonitor')).toEqual([]);
    expect(all(objects, 'Service').map((s) => s.metadata.name)).toEqual(['todo-todo-app-backend', 'todo-todo-app-frontend']);
  });

  it('opens the metrics port to the labelled scraper only, in a namespace of its labels when set', () => {
    const samePod = renderWith(helm, PROD, DB);
    const rule = (from: object) => ({ from: [from], ports: [{ protocol: 'TCP', port: 'metrics' }] });
    for (const { component } of APPS) {
      expect(ingress(samePod, component)).toContainEqual(rule({ podSelector: { matchLabels: { 'app.kubernetes.io/name': 'prometheus' } } }));
    }
    const elsewhere = renderWith(helm, PROD, {
      ...DB,
      'metrics.scraper.podLabels': { 'app.kubernetes.io/name': null, app: 'vmagent' },
      'metrics.scraper.namespaceLabels': { team: 'observability' },
    });
    for (const { component } of APPS) {
      const rules = ingress(elsewhere, component).filter((r: { ports: { port: unknown }[] }) => r.ports.some((p) => p.port === 'metrics'));
      expect(rules).toEqual([rule({ podSelector: { matchLabels: { app: 'vmagent' } }, namespaceSelector: { matchLabels: { team: 'observability' } } })]);
    }
  });

  it('renders a ServiceMonitor over a headless metrics Service, and a PodMonitor, per app only when enabled', () => {
    const objects = renderWith(helm, PROD, MONITORS);
    for (const { component, port } of APPS) {
      const service = get(objects, 'Service', `todo-todo-app-${component}-metrics`);
      expect(service.spec).toEqual({ clusterIP: 'None', selector: selector(component), ports: [{ name: 'metrics', port, targetPort: 'metrics', protocol: 'TCP' }] });
      const monitor = get(objects, 'ServiceMonitor', `todo-todo-app-${component}`);
      expect(monitor.metadata.labels.release).toBe('prom');
      expect(monitor.spec).toEqual({
        selector: { matchLabels: { ...selector(component), 'todo-app/metrics': 'true' } },
        endpoints: [{ port: 'metrics', path: '/metrics', interval: '30s', scrapeTimeout: '10s' }],
      });
      expect(service.metadata.labels['todo-app/metrics']).toBe('true');
      expect(get(objects, 'PodMonitor', `todo-todo-app-${component}`).spec).toEqual({
        selector: { matchLabels: selector(component) },
        podMetricsEndpoints: [{ port: 'metrics', path: '/metrics', interval: '30s', scrapeTimeout: '10s' }],
      });
    }
    // The app Services never match the ServiceMonitor's selector (they lack todo-app/metrics).
    expect(get(objects, 'Service', 'todo-todo-app-backend').metadata.labels['todo-app/metrics']).toBeUndefined();
  });

  it('turns every metrics piece off with metrics.enabled=false (METRICS_PORT=0)', () => {
    const objects = renderWith(helm, PROD, { ...MONITORS, 'metrics.enabled': false });
    for (const { component } of APPS) {
      expect(container(objects, component).ports.map((p: { name: string }) => p.name)).toEqual(['http']);
      expect(config(objects, component).METRICS_PORT).toBe('0');
      expect(podAnnotations(objects, component)['prometheus.io/scrape']).toBeUndefined();
      expect(JSON.stringify(ingress(objects, component))).not.toContain('metrics');
    }
    expect([...all(objects, 'ServiceMonitor'), ...all(objects, 'PodMonitor')]).toEqual([]);
  });

  it('sends traces to tracing.otlpEndpoint from both apps and lets them reach the collector port', () => {
    const off = renderWith(helm, PROD, DB);
    const on = renderWith(helm, PROD, { ...DB, 'tracing.otlpEndpoint': 'http://otel.monitoring:4318' });
    for (const { component } of APPS) {
      expect(config(off, component).OTEL_EXPORTER_OTLP_ENDPOINT).toBeUndefined();
      expect(config(on, component).OTEL_EXPORTER_OTLP_ENDPOINT).toBe('http://otel.monitoring:4318');
      expect(egress(off, component)).not.toContainEqual({ ports: [{ protocol: 'TCP', port: 4318 }] });
      expect(egress(on, component)).toContainEqual({ ports: [{ protocol: 'TCP', port: 4318 }] });
    }
  });
});
