#!/usr/bin/env node
// @ts-check
// `nx helm-lint chart`: for Helm 3 and Helm 4, `helm lint --strict` each configuration, render it, validate
// every manifest against the Kubernetes API schema in strict mode (kubeconform, offline schemas) and run
// the policy checks. Reports every failure (never stops at the first) and exits 1 if there was any.
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { CONFIGURATIONS } from './configurations.mjs';
import { checkPolicies } from './policy.mjs';
import { helmArgs, renderText } from './render.mjs';
import {
  SETUP_HINT,
  chartDir,
  findHelm,
  findKubeconform,
  findCrdSchemaDir,
  findSchemaDir,
  helmMajor,
  kubernetesVersion,
} from './toolchain.mjs';

const workspaceRoot = join(chartDir, '..', '..');
const outDir = join(workspaceRoot, 'dist', 'helm-lint');

/** @type {{ check: string, ok: boolean, detail?: string }[]} */
const results = [];

/**
 * @param {string} check
 * @param {() => string | void} fn returns a detail line on success; throws on failure
 */
function record(check, fn) {
  try {
    const detail = fn() ?? undefined;
    results.push({ check, ok: true, detail });
    console.log(`  ok    ${check}${detail ? ` (${detail})` : ''}`);
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    results.push({ check, ok: false, detail });
    console.log(`  FAIL  ${check}\n${detail.replace(/^/gm, '        ')}`);
  }
}

/**
 * @param {string} binary
 * @param {string[]} args
 */
function run(binary, args) {
  try {
    return execFileSync(binary, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (error) {
    const e = /** @type {{ stdout?: string, stderr?: string }} */ (error);
    throw new Error(`${e.stdout ?? ''}${e.stderr ?? ''}`.trim() || String(error));
  }
}

function main() {
  const helms = /** @type {const} */ ([3, 4]).map((major) => ({ major, binary: findHelm(major) }));
  const kubeconform = findKubeconform();
  const schemaDir = findSchemaDir();
  const crdSchemaDir = findCrdSchemaDir();
  const missing = [
    ...helms.filter((h) => !h.binary).map((h) => `Helm ${h.major}`),
    ...(kubeconform ? [] : ['kubeconform']),
    ...(schemaDir ? [] : [`Kubernetes ${kubernetesVersion()} JSON schemas`]),
    ...(crdSchemaDir ? [] : ['Prometheus Operator CRD schemas']),
  ];
  if (missing.length > 0) {
    console.error(`helm-lint: missing ${missing.join(', ')}: ${SETUP_HINT}`);
    process.exit(1);
  }
  const schemaLocation = `${schemaDir}/{{ .NormalizedKubernetesVersion }}-standalone{{ .StrictSuffix }}/{{ .ResourceKind }}{{ .KindSuffix }}.json`;

  for (const { major, binary } of helms) {
    const helm = /** @type {string} */ (binary);
    console.log(`\n== Helm ${major} (${helm}, v${helmMajor(helm)})`);
    for (const config of CONFIGURATIONS) {
      const options = { helm, valuesFiles: config.valuesFiles, set: config.set };
      const file = join(outDir, `helm${major}`, `${config.name}.yaml`);
      record(`helm${major} ${config.name}: helm lint --strict`, () => {
        run(helm, ['lint', '--strict', chartDir, ...helmArgs(options)]);
      });
      let rendered = '';
      record(`helm${major} ${config.name}: helm template`, () => {
        rendered = renderText(options);
        mkdirSync(join(outDir, `helm${major}`), { recursive: true });
        writeFileSync(file, rendered);
        return file;
      });
      if (!rendered) continue;
      record(`helm${major} ${config.name}: kubeconform -strict (Kubernetes ${kubernetesVersion()})`, () =>
        run(/** @type {string} */ (kubeconform), [
          '-strict',
          '-summary',
          '-kubernetes-version',
          kubernetesVersion(),
          '-schema-location',
          schemaLocation,
          '-schema-location',
          `${crdSchemaDir}/{{ .Group }}/{{ .ResourceKind }}_{{ .ResourceAPIVersion }}.json`,
          file,
        ]).trim(),
      );
      record(`helm${major} ${config.name}: policy checks`, () => {
        const objects = parseAllDocuments(rendered).map((d) => d.toJSON()).filter(Boolean);
        const violations = checkPolicies(objects, { production: config.production });
        if (violations.length > 0) throw new Error(violations.join('\n'));
        return `${objects.length} objects`;
      });
    }
  }

  const failed = results.filter((r) => !r.ok);
  console.log(`\nhelm-lint: ${results.length - failed.length} of ${results.length} checks passed`);
  if (failed.length > 0) {
    console.log(`failed:\n${failed.map((f) => `  - ${f.check}`).join('\n')}`);
    console.log('next: fix the template or values named above; rendered manifests are in dist/helm-lint/');
    process.exit(1);
  }
}

main();
