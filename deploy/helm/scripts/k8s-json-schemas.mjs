#!/usr/bin/env node
// @ts-check
// Converts the Kubernetes OpenAPI v2 spec (api/openapi-spec/swagger.json of the k8s.io/kubernetes Go
// module) into the standalone, strict JSON schemas kubeconform reads with -schema-location, so manifests
// are validated offline and unknown fields are rejected.
// Usage: node k8s-json-schemas.mjs <swagger.json> <outDir>
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** @typedef {Record<string, any>} Schema */

const INT_OR_STRING = 'io.k8s.apimachinery.pkg.util.intstr.IntOrString';
const QUANTITY = 'io.k8s.apimachinery.pkg.api.resource.Quantity';

/**
 * Makes one definition strict: every object with properties rejects unknown ones.
 * @param {Schema} schema
 * @returns {Schema}
 */
export function strictify(schema) {
  if (Array.isArray(schema)) return schema.map(strictify);
  if (!schema || typeof schema !== 'object') return schema;
  /** @type {Schema} */
  const out = {};
  for (const [key, value] of Object.entries(schema)) {
    if (key === 'description') continue;
    out[key] = key === 'properties' ? mapValues(value, strictify) : strictify(value);
  }
  if (out.format === 'int-or-string') return { oneOf: [{ type: 'string' }, { type: 'integer' }] };
  if (out.properties && out.additionalProperties === undefined) out.additionalProperties = false;
  return out;
}

/**
 * @param {Schema} object
 * @param {(value: any) => any} fn
 */
function mapValues(object, fn) {
  return Object.fromEntries(Object.entries(object).map(([k, v]) => [k, fn(v)]));
}

/**
 * Names of every definition reachable from one.
 * @param {string} name
 * @param {Schema} definitions
 */
function closure(name, definitions) {
  const seen = new Set([name]);
  const queue = [name];
  while (queue.length) {
    const text = JSON.stringify(definitions[/** @type {string} */ (queue.pop())]);
    for (const match of text.matchAll(/"#\/definitions\/([^"]+)"/g)) {
      if (!seen.has(match[1])) {
        seen.add(match[1]);
        queue.push(match[1]);
      }
    }
  }
  return [...seen];
}

/**
 * The file name kubeconform derives: {kind}-{first part of group}-{version}.json, or {kind}-{version}.json.
 * @param {{ group: string, version: string, kind: string }} gvk
 */
export function schemaFileName({ group, version, kind }) {
  const groupPart = group ? `-${group.split('.')[0].toLowerCase()}` : '';
  return `${kind.toLowerCase()}${groupPart}-${version.toLowerCase()}.json`;
}

/**
 * @param {Schema} swagger
 * @returns {Map<string, Schema>} file name → schema
 */
export function convert(swagger) {
  const definitions = mapValues(swagger.definitions, strictify);
  definitions[QUANTITY] = { oneOf: [{ type: 'string' }, { type: 'number' }] };
  definitions[INT_OR_STRING] = { oneOf: [{ type: 'string' }, { type: 'integer' }] };
  const files = new Map();
  for (const [name, original] of Object.entries(swagger.definitions)) {
    for (const gvk of original['x-kubernetes-group-version-kind'] ?? []) {
      if (!definitions[name].properties?.kind) continue;
      const apiVersion = gvk.group ? `${gvk.group}/${gvk.version}` : gvk.version;
      const root = structuredClone(definitions[name]);
      root.properties.kind = { type: 'string', enum: [gvk.kind] };
      root.properties.apiVersion = { type: 'string', enum: [apiVersion] };
      root.definitions = Object.fromEntries(
        closure(name, definitions).filter((n) => n !== name).map((n) => [n, definitions[n]]),
      );
      // A self-reference (rare) still resolves through definitions.
      root.definitions[name] = definitions[name];
      root.$schema = 'http://json-schema.org/draft-07/schema#';
      files.set(schemaFileName(gvk), root);
    }
  }
  return files;
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split('/').pop() ?? '')) {
  const [swaggerPath, outDir] = process.argv.slice(2);
  if (!swaggerPath || !outDir) {
    console.error('usage: k8s-json-schemas.mjs <swagger.json> <outDir>');
    process.exit(2);
  }
  const files = convert(JSON.parse(readFileSync(swaggerPath, 'utf8')));
  mkdirSync(outDir, { recursive: true });
  for (const [file, schema] of files) writeFileSync(join(outDir, file), JSON.stringify(schema));
  console.log(`wrote ${files.size} schemas to ${outDir}`);
}
