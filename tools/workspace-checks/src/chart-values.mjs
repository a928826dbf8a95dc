// @ts-check
// The chart values reference: every leaf key of deploy/helm/values.schema.json with its type and
// description, its default from values.yaml and its value in values-dev.yaml / values-prod.yaml.

/**
 * @typedef {{ type?: string | string[], const?: unknown, enum?: unknown[], minimum?: number, maximum?: number,
 *   properties?: Record<string, Schema>, $ref?: string, description?: string, items?: Schema }} Schema
 * @typedef {{ path: string, type: string, default: string, dev: string, prod: string, description: string }} Row
 */

/**
 * @param {Schema} root
 * @param {Schema} node
 * @returns {Schema}
 */
function resolve(root, node) {
  if (!node.$ref) return node;
  const name = node.$ref.replace('#/definitions/', '');
  const target = /** @type {Record<string, Schema>} */ (/** @type {any} */ (root).definitions)[name];
  if (!target) throw new Error(`values.schema.json: unresolved ${node.$ref}`);
  return { ...resolve(root, target), ...(node.description ? { description: node.description } : {}), $ref: node.$ref };
}

/**
 * Human type of a leaf.
 * @param {Schema} schema resolved
 */
function typeOf(schema) {
  const ref = schema.$ref?.replace('#/definitions/', '');
  if (ref === 'intLike') return 'integer (string or number)';
  if (ref === 'quantity') return 'quantity';
  if (ref === 'stringMap') return 'map of strings';
  if (ref === 'port') return 'port';
  if (schema.const !== undefined) return `\`${JSON.stringify(schema.const)}\` (fixed)`;
  if (schema.enum) return `one of ${[...new Set(schema.enum.map((v) => (v === '' ? '""' : String(v))))].map((v) => `\`${v}\``).join(', ')}`;
  const types = Array.isArray(schema.type) ? schema.type : [schema.type ?? 'any'];
  const named = types.map((t) => (t === 'array' ? 'list' : t === 'object' ? 'object' : t)).join(' or ');
  if (schema.minimum !== undefined && schema.maximum !== undefined) return `${named} ${schema.minimum}–${schema.maximum}`;
  if (schema.minimum !== undefined) return `${named} ≥ ${schema.minimum}`;
  return named;
}

/**
 * @param {unknown} value
 */
function show(value) {
  if (value === undefined) return '';
  if (typeof value === 'string') return value === '' ? '`""`' : `\`${value}\``;
  return `\`${JSON.stringify(value)}\``;
}

/**
 * @param {any} values
 * @param {string[]} path
 */
function lookup(values, path) {
  return path.reduce((node, key) => (node && typeof node === 'object' ? node[key] : undefined), values);
}

/**
 * Every leaf key of the schema with its type, description, default and per-environment values.
 * @param {{ schema: Schema, values: any, dev: any, prod: any }} input
 * @returns {Row[]}
 */
export function chartValueRows({ schema, values, dev, prod }) {
  /** @type {Row[]} */
  const rows = [];
  /** @type {string[]} */
  const undescribed = [];
  /**
   * @param {Schema} node
   * @param {string[]} path
   */
  const walk = (node, path) => {
    const resolved = resolve(schema, node);
    if (resolved.properties) {
      for (const [key, child] of Object.entries(resolved.properties)) walk(child, [...path, key]);
      return;
    }
    const dotted = path.join('.');
    if (!resolved.description) undescribed.push(dotted);
    rows.push({
      path: dotted,
      type: typeOf(resolved),
      default: show(lookup(values, path)) || '—',
      dev: show(lookup(dev, path)),
      prod: show(lookup(prod, path)),
      description: resolved.description ?? '',
    });
  };
  walk(schema, []);
  if (undescribed.length) throw new Error(`values.schema.json: add a "description" to ${undescribed.join(', ')}`);
  return rows;
}

/** @param {string} text */
const cell = (text) => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');

/**
 * Markdown tables, one per top-level section of the values.
 * @param {Row[]} rows
 */
export function renderChartValues(rows) {
  /** @type {Map<string, Row[]>} */
  const sections = new Map();
  for (const row of rows) {
    const section = row.path.includes('.') ? row.path.split('.')[0] : 'general';
    sections.set(section, [...(sections.get(section) ?? []), row]);
  }
  const out = [];
  for (const [section, sectionRows] of sections) {
    out.push(`### ${section === 'general' ? 'Names and pull secrets' : `\`${section}\``}`, '');
    out.push('| Key | Type | Default | dev | prod | Description |', '|---|---|---|---|---|---|');
    for (const r of sectionRows) out.push(`| \`${r.path}\` | ${cell(r.type)} | ${cell(r.default)} | ${cell(r.dev)} | ${cell(r.prod)} | ${cell(r.description)} |`);
    out.push('');
  }
  return out.join('\n').trimEnd();
}
