import { render } from '../scripts/render.mjs';
import { findHelm } from '../scripts/toolchain.mjs';

// Rendered manifests are untyped JSON whose shape each test asserts on.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type K8sObject = Record<string, any>;

/** Helm 3 and Helm 4 as found by the toolchain (tools/ci/setup/30-helm.sh installs both). */
export const helms = ([3, 4] as const).map((major) => ({ major, helm: findHelm(major) }));

export const SETUP_MESSAGE = 'Helm binary missing: run `bash tools/ci/setup/30-helm.sh` first';

export const FIXED_SECRETS = {
  'secrets.jwtSecretKey': 'x'.repeat(40),
  'secrets.openaiApiKey': 'sk-test',
  'postgresql.auth.password': 'pg-test-password',
};

const renders = new Map<string, K8sObject[]>();

/** Renders once per distinct input (Helm is slow on a busy machine); callers get a fresh deep copy. */
export function renderWith(helm: string, valuesFiles: string[], set: Record<string, string | number | boolean | null> = {}, release = 'todo') {
  const key = JSON.stringify([helm, valuesFiles, set, release]);
  if (!renders.has(key)) renders.set(key, render({ helm, valuesFiles, set, release }));
  return structuredClone(renders.get(key) as K8sObject[]);
}

export function get(objects: K8sObject[], kind: string, name: string): K8sObject {
  const found = objects.find((o) => o.kind === kind && o.metadata.name === name);
  if (!found) {
    const have = objects.map((o) => `${o.kind}/${o.metadata.name}`).join(', ');
    throw new Error(`no ${kind}/${name} among ${have}`);
  }
  return found;
}

export function all(objects: K8sObject[], kind: string) {
  return objects.filter((o) => o.kind === kind);
}

export function podSpec(object: K8sObject) {
  return object.spec.template.spec;
}
