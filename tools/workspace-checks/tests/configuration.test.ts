// docs/configuration.md cannot drift: it lists exactly the variables the apps read (with the code's
// defaults), every chart value (generated from values.schema.json), and the chart sets only variables
// the apps read.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import { parse } from 'yaml';
import { chartValueRows, renderChartValues } from '../src/chart-values.mjs';
import { readSection, replaceSection, tableRows } from '../src/doc-sections.mjs';
import { appEnvironment, configMapKeys, variablesInDockerfile, variablesInModule } from '../src/environment.mjs';
import { ARCHITECTURE_DOC, CONFIGURATION_DOC, generatedArchitectureDoc, generatedConfigurationDoc } from '../src/generate-docs.mjs';
import { readProjectGraph, workspaceRoot } from '../src/nx.mjs';

const read = (relative: string) => readFileSync(join(workspaceRoot, relative), 'utf8');
const doc = read(CONFIGURATION_DOC);
const schema = JSON.parse(read('deploy/helm/values.schema.json'));

/** Rows of a documented env table, keyed by the variable name in the first cell. */
function documented(app: 'backend' | 'frontend') {
  const rows = tableRows(readSection(doc, `env:${app}`, CONFIGURATION_DOC));
  return new Map(rows.map((cells) => [cells[0].replace(/`/g, ''), cells]));
}

function drift(app: 'backend' | 'frontend') {
  const { module, image } = appEnvironment(app);
  const read = new Set([...module, ...image].map((v) => v.name));
  const listed = documented(app);
  return {
    missing: [...read].filter((name) => !listed.has(name)).sort(),
    stale: [...listed.keys()].filter((name) => !read.has(name)).sort(),
  };
}

describe('docs/configuration.md', () => {
  it.each(['backend', 'frontend'] as const)('lists every variable the %s reads or its image sets, and no other', (app) => {
    expect(drift(app)).toEqual({ missing: [], stale: [] });
  });

  it.each(['backend', 'frontend'] as const)('gives the %s defaults written in its code and image', (app) => {
    const { module, image } = appEnvironment(app);
    const listed = documented(app);
    const wrong = [
      ...module.filter((v) => v.default !== undefined && !listed.get(v.name)?.[1].includes(`\`${v.default}\``)),
      ...image.filter((v) => !listed.get(v.name)?.slice(1, 3).join(' ').includes(`\`${v.default}\``)),
    ].map((v) => `${v.name}: code says ${v.default}`);
    expect(wrong).toEqual([]);
  });

  it('documents every chart value with the schema description and the values files (generated section is current)', () => {
    expect(doc, 'run `npx nx run workspace-checks:generate-docs` and commit docs/configuration.md').toBe(generatedConfigurationDoc());
    const keys = tableRows(readSection(doc, 'generated:chart-values', CONFIGURATION_DOC)).map((cells) => cells[0]);
    expect(keys).toContain('`backend.config.LOG_LEVEL`');
    expect(keys).toContain('`postgresql.persistence.enabled`');
  });

  it('names the backend variables each chart value sets', () => {
    const backend = documented('backend');
    const unmentioned = Object.keys(schema.properties.backend.properties.config.properties).filter(
      (key) => !backend.get(key)?.[2].includes(`backend.config.${key}`),
    );
    expect(unmentioned).toEqual([]);
  });
});

describe('the chart sets only variables the apps read', () => {
  const backend = new Set(appEnvironment('backend').module.map((v) => v.name));
  const frontend = appEnvironment('frontend');
  const frontendNames = new Set([...frontend.module, ...frontend.image].map((v) => v.name));

  it('backend.config and frontend.config accept only the apps\' own variables', () => {
    const config = (app: string) => Object.keys(schema.properties[app].properties.config.properties);
    expect(config('backend').filter((k) => !backend.has(k))).toEqual([]);
    expect(config('frontend').filter((k) => !frontendNames.has(k))).toEqual([]);
  });

  it('the ConfigMaps\' fixed keys and the Secret\'s keys are variables the apps read', () => {
    const backendImage = new Set(appEnvironment('backend').image.map((v) => v.name));
    const fixedBackend = configMapKeys(read('deploy/helm/templates/backend-configmap.yaml'));
    const fixedFrontend = configMapKeys(read('deploy/helm/templates/frontend-configmap.yaml'));
    expect(fixedBackend.length).toBeGreaterThan(0);
    expect(fixedFrontend.length).toBeGreaterThan(0);
    expect(fixedBackend.filter((k) => !backend.has(k) && !backendImage.has(k))).toEqual([]);
    expect(fixedFrontend.filter((k) => !frontendNames.has(k))).toEqual([]);
    const secretKeys = [...read('deploy/helm/templates/secret.yaml').matchAll(/^ {2}([A-Z][A-Z0-9_]*):/gm)].map((m) => m[1]);
    expect(secretKeys.sort()).toEqual(['DATABASE_URL', 'JWT_SECRET_KEY', 'OPENAI_API_KEY']);
    expect(secretKeys.filter((k) => !backend.has(k))).toEqual([]);
  });
});

describe('the generators', () => {
  it('refuses a schema value without a description, naming it', () => {
    const undocumented = { type: 'object', properties: { a: { type: 'object', properties: { b: { type: 'string' } } } } };
    expect(() => chartValueRows({ schema: undocumented, values: {}, dev: {}, prod: {} })).toThrow(/a\.b/);
  });

  it('follows $ref into definitions and shows defaults and per-environment values', () => {
    const rows = chartValueRows({
      schema: {
        type: 'object',
        properties: { web: { type: 'object', properties: { port: { $ref: '#/definitions/port', description: 'Port.' } } } },
        definitions: { port: { type: 'integer', minimum: 1, maximum: 65535 } },
      } as never,
      values: { web: { port: 80 } },
      dev: { web: { port: 8080 } },
      prod: parse('{}'),
    });
    expect(rows).toEqual([{ path: 'web.port', type: 'port', default: '`80`', dev: '`8080`', prod: '', description: 'Port.' }]);
    expect(renderChartValues(rows)).toContain('| `web.port` | port | `80` | `8080` |  | Port. |');
  });

  it('finds variables and literal defaults in the shapes the config modules use', () => {
    const source = [
      "const port = integer(env, 'PORT', 8_000, 0, 65535);",
      "const level = oneOf(env, 'LOG_LEVEL', ['info', 'debug'] as const, 'info');",
      "const host = text(env, 'HOST') ?? '0.0.0.0';",
      "const url = url(env, 'DATABASE_URL', ['postgres:']);",
      'const timeout = positiveInt(env.CHAT_TIMEOUT_MS, 90_000, "x");',
      "const backend = env.BACKEND_URL || 'http://127.0.0.1:8000';",
    ].join('\n');
    expect(variablesInModule(source)).toEqual([
      { name: 'BACKEND_URL', default: 'http://127.0.0.1:8000' },
      { name: 'CHAT_TIMEOUT_MS', default: '90000' },
      { name: 'DATABASE_URL' },
      { name: 'HOST', default: '0.0.0.0' },
      { name: 'LOG_LEVEL', default: 'info' },
      { name: 'PORT', default: '8000' },
    ]);
    expect(variablesInDockerfile('FROM a AS b\nENV X=1\nFROM c\nENV NODE_ENV=production \\\n    PORT=3000\n')).toEqual([
      { name: 'NODE_ENV', default: 'production' },
      { name: 'PORT', default: '3000' },
    ]);
  });

  it('refuses to write a doc whose markers are missing', () => {
    expect(() => replaceSection('# no markers\n', 'generated:x', 'text', 'doc.md')).toThrow(/markers/);
    expect(replaceSection('a\n<!-- BEGIN generated:x (cmd) -->\nold\n<!-- END generated:x -->\n', 'generated:x', 'new', 'doc.md')).toBe(
      'a\n<!-- BEGIN generated:x (cmd) -->\nnew\n<!-- END generated:x -->\n',
    );
  });
});

describe('docs/architecture.md', () => {
  it('draws the project graph Nx computes today (generated section is current)', () => {
    const graph = readProjectGraph(inject('projectGraphFile'));
    expect(read(ARCHITECTURE_DOC), 'run `npx nx run workspace-checks:generate-docs` and commit docs/architecture.md').toBe(
      generatedArchitectureDoc(graph),
    );
  });
});
