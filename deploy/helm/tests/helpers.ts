import { render } from '../scripts/render.mjs';
import { SETUP_HINT, findHelm } from '../scripts/toolchain.mjs';

// Rendered manifests are untyped JSON whose shape each test asserts on.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type K8sObject = Record<string, any>;

/** Helm 3 and Helm 4 as found by the toolchain (tools/ci/setup/30-helm.sh installs both). */
export const helms = ([3, 4] as const).map((major) => ({ major, helm: findHelm(major) }));

/**
 * The one rule for a chart suite whose binaries are missing: under `npm test` (tools/ci/test.sh exports
 * TODO_REQUIRE_ENGINES=1) it fails with the setup message; in a developer's `nx test chart` it is skipped
 * with that message as a warning.
 */
export function describeNeeding(name: string, missing: string[], body: () => void) {
  if (missing.length === 0) return describe(name, body);
  const message = `${name}: missing ${missing.join(', ')}: ${SETUP_HINT}`;
  if (process.env.TODO_REQUIRE_ENGINES === '1') {
    return describe(name, () => {
      it('has the binaries it needs (TODO_REQUIRE_ENGINES=1: a missing one fails the suite)', () => {
        throw new Error(message);
      });
    });
  }
  console.warn(`skipped ${message}`);
  return describe.skip(name, body);
}

/** describeNeeding for one Helm major: the body gets the binary's path. */
export function describeWithHelm(name: string, major: 3 | 4, body: (helm: string) => void) {
  const helm = helms.find((h) => h.major === major)?.helm;
  return describeNeeding(name, helm ? [] : [`Helm ${major}`], () => body(helm as string));
}

/** describeWithHelm once for Helm 3 and once for Helm 4, each suite named "<name> under Helm N". */
export function describeForEachHelm(name: string, body: (helm: string, major: 3 | 4) => void) {
  for (const { major } of helms) describeWithHelm(`${name} under Helm ${major}`, major, (helm) => body(helm, major));
}

export const FIXED_SECRETS = {
  'secrets.jwtSecretKey': 'x'.repeat(40),
  'secrets.openaiApiKey': 'sk-test',
  'postgresql.auth.password': 'pg-test-password',
};

export type SetValues = Record<string, string | number | boolean | null | object>;

const renders = new Map<string, K8sObject[]>();

/** Renders once per distinct input (Helm is slow on a busy machine); callers get a fresh deep copy. */
export function renderWith(helm: string, valuesFiles: string[], set: SetValues = {}, release = 'todo') {
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

export const decode = (value: string) => Buffer.from(value, 'base64').toString();
