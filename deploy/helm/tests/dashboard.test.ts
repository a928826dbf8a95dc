// The Grafana dashboard shipped beside the chart, validated against Grafana's own dashboard model: the
// `Dashboard` type of @grafana/schema (the classic JSON model Grafana imports), turned into a JSON schema.
import { Ajv } from 'ajv';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { createGenerator } from 'ts-json-schema-generator';
import { chartDir } from '../scripts/toolchain.mjs';

const DASHBOARD = join(chartDir, 'dashboards/golden-signals.json');
const GRAFANA_TYPES = join(dirname(createRequire(import.meta.url).resolve('@grafana/schema/package.json')), 'dist/types/raw/dashboard/x/types.gen.d.ts');

interface Target {
  expr: string;
  datasource: { uid: string };
}
interface Panel {
  type: string;
  title: string;
  targets?: Target[];
}

const dashboard = JSON.parse(readFileSync(DASHBOARD, 'utf8'));
const panels: Panel[] = dashboard.panels;

describe('the Grafana dashboard', () => {
  it("is valid against @grafana/schema's Dashboard type", () => {
    const schema = createGenerator({ path: GRAFANA_TYPES, type: 'Dashboard', skipTypeCheck: true, expose: 'none', additionalProperties: false }).createSchema('Dashboard');
    const validate = new Ajv({ strict: false, allErrors: true }).compile(schema);
    expect(validate(dashboard) ? [] : validate.errors).toEqual([]);
    // The schema can fail: a misspelled top-level key is refused.
    expect(validate({ ...dashboard, panelz: [] })).toBe(false);
  });

  it('shows the golden signals of both apps, the database pool, the model and the tools', () => {
    const exprs = panels.flatMap((p) => p.targets ?? []).map((t) => t.expr).join('\n');
    for (const metric of [
      'http_request_duration_seconds_count{component="frontend"',
      'http_request_duration_seconds_count{component="backend"',
      'http_request_duration_seconds_bucket',
      'todo_backend_call_duration_seconds_count',
      'todo_backend_call_retries_total',
      'todo_rate_limit_rejections_total',
      'todo_db_pool_connections',
      'todo_db_pool_waiting_requests',
      'todo_model_call_duration_seconds_count',
      'todo_model_tokens_total',
      'todo_tool_invocations_total',
      'process_cpu_seconds_total',
      'process_resident_memory_bytes',
    ]) {
      expect(exprs).toContain(metric);
    }
  });

  it('queries the Prometheus data source the viewer picks, in every panel', () => {
    const queries = panels.filter((p) => p.type !== 'row');
    expect(queries.length).toBeGreaterThan(10);
    for (const panel of queries) {
      expect(panel.targets?.length, panel.title).toBeGreaterThan(0);
      for (const target of panel.targets ?? []) expect(target.datasource.uid, panel.title).toBe('${datasource}');
    }
  });
});
