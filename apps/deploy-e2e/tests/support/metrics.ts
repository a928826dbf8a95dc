import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseExposition, sumOf, type Sample } from '@todo/observability';
import { parse } from 'yaml';
import { kubectl, runAsync, type Target, WORKSPACE } from './cluster.js';

/** The chart's metrics ports (values.yaml metrics.ports), which the suites do not override. */
export const METRICS_PORTS = (parse(readFileSync(join(WORKSPACE, 'deploy/helm/values.yaml'), 'utf8')) as { metrics: { ports: Record<'backend' | 'frontend', number> } }).metrics.ports;

/** The chart's default scraper label (values.yaml metrics.scraper.podLabels): the NetworkPolicies let only it in. */
export const SCRAPER_LABELS = { 'app.kubernetes.io/name': 'prometheus' };

/** Every pod of one app component, with the address its metrics port listens on. */
export interface MetricsTarget {
  component: 'backend' | 'frontend';
  /** Container port named `metrics` (values.yaml metrics.ports). */
  port: number;
}

/**
 * The summed samples of `component`'s /metrics across all its pods, scraped from inside the cluster the way
 * Prometheus does: a short-lived pod carrying the scraper's labels (so the NetworkPolicy admits it) fetches
 * each pod's metrics port. `image` is any image with Node (the backend's).
 */
export async function scrapeFromCluster(target: Target, namespace: string, release: string, { component, port }: MetricsTarget, image: string): Promise<Sample[]> {
  const pods = JSON.parse(
    kubectl(target, namespace, ['get', 'pods', '-l', `app.kubernetes.io/instance=${release},app.kubernetes.io/component=${component}`, '-o', 'json']).stdout,
  ) as { items: { status: { podIP?: string; phase: string } }[] };
  const urls = pods.items.filter((p) => p.status.phase === 'Running' && p.status.podIP).map((p) => `http://${p.status.podIP}:${port}/metrics`);
  if (urls.length === 0) throw new Error(`no running ${component} pod of release ${release} in ${namespace} to scrape`);
  // The policy agent (kube-router) admits a new pod's address a moment after the pod starts: until then its
  // connections are rejected (ECONNREFUSED or EHOSTUNREACH), so a rejected connection is tried again for up to 15 s (a long-running Prometheus
  // never sees this).
  const script = `
    const refused = (e) => ['ECONNREFUSED', 'EHOSTUNREACH'].includes(e?.cause?.code);
    for (const url of ${JSON.stringify(urls)}) {
      const until = Date.now() + 15000;
      for (;;) {
        try {
          const r = await fetch(url);
          if (!r.ok) throw new Error(url + ' answered ' + r.status);
          process.stdout.write(await r.text());
          break;
        } catch (e) {
          if (!refused(e) || Date.now() > until) throw e;
          await new Promise((r) => setTimeout(r, 250));
        }
      }
    }`;
  const name = `scrape-${component}-${Date.now().toString(36)}`;
  const overrides = {
    spec: {
      automountServiceAccountToken: false,
      securityContext: { runAsNonRoot: true, runAsUser: 1001, seccompProfile: { type: 'RuntimeDefault' } },
      containers: [
        {
          name,
          image,
          command: ['node', '--input-type=module', '-e', script],
          securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } },
          resources: { requests: { cpu: '10m', memory: '32Mi' }, limits: { memory: '128Mi' } },
        },
      ],
    },
  };
  const labels = Object.entries(SCRAPER_LABELS).map(([k, v]) => `${k}=${v}`).join(',');
  // Asynchronous: the suite's browser keeps its connections to the frontend open meanwhile (runAsync says why).
  const { stdout } = await runAsync(target, 'kubectl', [
    '--context', target.context, '-n', namespace,
    'run', name, '--rm', '-i', '--quiet', '--restart=Never', `--image=${image}`, `--labels=${labels}`, `--overrides=${JSON.stringify(overrides)}`,
  ]);
  return parseExposition(stdout);
}

/** A counter or histogram count to compare before and after a flow: its name and the labels to match. */
export interface Counted {
  name: string;
  labels?: Record<string, string>;
}

/** How much each counter moved between two scrapes (summed over matching series), keyed `name{k="v",...}`. */
export function counterDeltas(before: Sample[], after: Sample[], counted: Counted[]): Record<string, number> {
  return Object.fromEntries(
    counted.map(({ name, labels = {} }) => {
      const key = `${name}{${Object.entries(labels).map(([k, v]) => `${k}="${v}"`).join(',')}}`;
      return [key, sumOf(after, name, labels) - sumOf(before, name, labels)];
    }),
  );
}
