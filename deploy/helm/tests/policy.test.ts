import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { convert, schemaFileName } from '../scripts/k8s-json-schemas.mjs';
import { allowAllRules, checkPolicies } from '../scripts/policy.mjs';
import { findKubeconform, findSchemaDir, kubernetesVersion } from '../scripts/toolchain.mjs';
import { FIXED_SECRETS, all, describeNeeding, describeWithHelm, get, renderWith, type K8sObject } from './helpers.js';

// Every temporary folder of this file is made inside scratch, which is removed when the file's tests end.
const scratch = mkdtempSync(join(tmpdir(), 'chart-policy-test-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describeWithHelm('policy checks over the rendered chart', 4, (helm) => {
  const dev = () => renderWith(helm, ['values-dev.yaml'], FIXED_SECRETS);

  it('passes the dev and prod renders', () => {
    expect(checkPolicies(dev(), { production: false })).toEqual([]);
    expect(checkPolicies(renderWith(helm, ['values-prod.yaml']), { production: true })).toEqual([]);
  });

  it('flags a root container, a missing limit, a missing probe and a latest tag in production', () => {
    const objects = dev();
    const backend = all(objects, 'Deployment').find((d) => d.metadata.name.endsWith('-backend')) as K8sObject;
    const container = backend.spec.template.spec.containers[0];
    container.securityContext.runAsUser = 0;
    delete container.resources.limits.memory;
    delete container.readinessProbe;
    container.image = 'todo-app/backend:latest';
    const violations = checkPolicies(objects, { production: true });
    expect(violations).toEqual([
      'Deployment/todo-todo-app-backend container backend: runs as uid 0',
      'Deployment/todo-todo-app-backend container backend: no limits.memory',
      'Deployment/todo-todo-app-backend container backend: image todo-app/backend:latest uses the latest tag in production',
      'Deployment/todo-todo-app-backend container backend: no readinessProbe',
    ]);
    expect(checkPolicies(objects, { production: false })).not.toContainEqual(expect.stringContaining('latest'));
  });

  it('flags a NetworkPolicy rule with neither peers nor ports, which allows everything', () => {
    const objects = dev();
    expect(allowAllRules(objects)).toEqual([]);
    get(objects, 'NetworkPolicy', 'todo-todo-app-frontend').spec.egress.push({});
    get(objects, 'NetworkPolicy', 'todo-todo-app-backend').spec.ingress.push({ from: [], ports: [] });
    expect(checkPolicies(objects, { production: false })).toEqual([
      'NetworkPolicy/todo-todo-app-frontend: egress[2] has no to and no ports, so it allows all egress',
      'NetworkPolicy/todo-todo-app-backend: ingress[2] has no from and no ports, so it allows all ingress',
    ]);
  });
});

describe('Kubernetes JSON schema conversion', () => {
  it('names files the way kubeconform looks them up', () => {
    expect(schemaFileName({ group: 'apps', version: 'v1', kind: 'Deployment' })).toBe('deployment-apps-v1.json');
    expect(schemaFileName({ group: '', version: 'v1', kind: 'Service' })).toBe('service-v1.json');
    expect(schemaFileName({ group: 'networking.k8s.io', version: 'v1', kind: 'NetworkPolicy' })).toBe('networkpolicy-networking-v1.json');
  });

  it('closes objects to unknown properties and accepts int-or-string', () => {
    const files = convert({
      definitions: {
        'io.k8s.apimachinery.pkg.util.intstr.IntOrString': { type: 'string', format: 'int-or-string' },
        'x.Port': { type: 'object', properties: { port: { $ref: '#/definitions/io.k8s.apimachinery.pkg.util.intstr.IntOrString' } } },
        'x.Thing': {
          type: 'object',
          'x-kubernetes-group-version-kind': [{ group: 'example.io', version: 'v1', kind: 'Thing' }],
          properties: { apiVersion: { type: 'string' }, kind: { type: 'string' }, spec: { $ref: '#/definitions/x.Port' } },
        },
      },
    });
    const schema = files.get('thing-example-v1.json');
    expect(schema?.additionalProperties).toBe(false);
    expect(schema?.properties.kind.enum).toEqual(['Thing']);
    expect(schema?.definitions['x.Port'].additionalProperties).toBe(false);
    expect(schema?.definitions['io.k8s.apimachinery.pkg.util.intstr.IntOrString'].oneOf).toHaveLength(2);
  });
});

const kubeconform = findKubeconform();
const schemaDir = findSchemaDir();

const missing = [
  ...(kubeconform ? [] : ['kubeconform']),
  ...(schemaDir ? [] : [`Kubernetes ${kubernetesVersion()} JSON schemas`]),
];

describeNeeding('kubeconform with the offline strict schemas', missing, () => {
  const validate = (manifest: string) => {
    const file = join(mkdtempSync(join(scratch, 'kubeconform-')), 'manifest.yaml');
    writeFileSync(file, manifest);
    const location = `${schemaDir}/{{ .NormalizedKubernetesVersion }}-standalone{{ .StrictSuffix }}/{{ .ResourceKind }}{{ .KindSuffix }}.json`;
    const args = ['-strict', '-summary', '-kubernetes-version', kubernetesVersion(), '-schema-location', location, file];
    try {
      return { ok: true, output: execFileSync(kubeconform as string, args, { encoding: 'utf8' }) };
    } catch (error) {
      return { ok: false, output: String((error as { stdout?: string }).stdout) };
    }
  };
  const deployment = (extra: string) => `apiVersion: apps/v1
kind: Deployment
metadata: {name: x}
spec:
  selector: {matchLabels: {a: b}}
  template:
    metadata: {labels: {a: b}}
    spec:
      containers:
        - name: x
          image: x:1
${extra}`;

  it('accepts a valid Deployment and rejects an unknown field or a wrong type', () => {
    expect(validate(deployment('')).ok).toBe(true);
    const unknown = validate(deployment('          readinessProb: {}'));
    expect(unknown.ok).toBe(false);
    expect(unknown.output).toContain("additional properties 'readinessProb' not allowed");
    const wrongType = validate(deployment('          ports: [{containerPort: "http"}]'));
    expect(wrongType.ok).toBe(false);
  });
});
