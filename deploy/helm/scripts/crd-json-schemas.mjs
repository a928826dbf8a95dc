#!/usr/bin/env node
// @ts-check
// Converts CustomResourceDefinitions (the Prometheus Operator's, from its Go module) into strict JSON
// schemas at <outDir>/<group>/<kind>_<version>.json, the layout kubeconform's -schema-location
// '{{ .Group }}/{{ .ResourceKind }}_{{ .ResourceAPIVersion }}.json' reads, so the chart's ServiceMonitor
// and PodMonitor are validated offline like the built-in kinds.
// Usage: node crd-json-schemas.mjs <outDir> <crd.yaml>...
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { strictify } from './k8s-json-schemas.mjs';

/**
 * @param {any} schema
 * @returns {any}
 */
function intOrString(schema) {
  if (Array.isArray(schema)) return schema.map(intOrString);
  if (!schema || typeof schema !== 'object') return schema;
  if (schema['x-kubernetes-int-or-string']) return { oneOf: [{ type: 'string' }, { type: 'integer' }] };
  return Object.fromEntries(Object.entries(schema).map(([key, value]) => [key, intOrString(value)]));
}

const [outDir, ...files] = process.argv.slice(2);
if (!outDir || files.length === 0) {
  console.error('usage: node crd-json-schemas.mjs <outDir> <crd.yaml>...');
  process.exit(2);
}
for (const file of files) {
  for (const doc of parseAllDocuments(readFileSync(file, 'utf8'))) {
    const crd = doc.toJSON();
    if (crd?.kind !== 'CustomResourceDefinition') continue;
    for (const version of crd.spec.versions) {
      const dir = join(outDir, crd.spec.group);
      mkdirSync(dir, { recursive: true });
      const target = join(dir, `${crd.spec.names.kind.toLowerCase()}_${version.name}.json`);
      writeFileSync(target, JSON.stringify(strictify(intOrString(version.schema.openAPIV3Schema))));
      console.log(`wrote ${target}`);
    }
  }
}
