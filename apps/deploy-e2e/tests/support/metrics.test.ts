// counterDeltas on a real exposition: the backend's own registry (prom-client, as /metrics serves it).
import { metricsRegistry, parseExposition, Counter, httpRequestDuration } from '@todo/observability';
import { describe, expect, it } from 'vitest';
import { counterDeltas } from './metrics.js';

describe('counterDeltas', () => {
  it('reports how far the request and tool counters moved between two real expositions', async () => {
    const registry = metricsRegistry('backend');
    const requests = httpRequestDuration(registry);
    const tools = new Counter({ name: 'todo_tool_invocations_total', help: 'tool runs', labelNames: ['tool', 'outcome'], registers: [registry] });
    requests.observe({ method: 'GET', route: '/api/:user_id/tasks', status_code: '200' }, 0.01);
    const before = parseExposition(await registry.metrics());
    requests.observe({ method: 'GET', route: '/api/:user_id/tasks', status_code: '200' }, 0.02);
    requests.observe({ method: 'POST', route: '/api/:user_id/chat', status_code: '200' }, 1.5);
    tools.inc({ tool: 'add_task', outcome: 'ok' });
    tools.inc({ tool: 'add_task', outcome: 'ok' });
    const after = parseExposition(await registry.metrics());

    expect(
      counterDeltas(before, after, [
        { name: 'http_request_duration_seconds_count', labels: { route: '/api/:user_id/tasks', status_code: '200' } },
        { name: 'http_request_duration_seconds_count', labels: { component: 'backend' } },
        { name: 'todo_tool_invocations_total', labels: { tool: 'add_task', outcome: 'ok' } },
        { name: 'todo_tool_invocations_total', labels: { tool: 'delete_task' } },
      ]),
    ).toEqual({
      'http_request_duration_seconds_count{route="/api/:user_id/tasks",status_code="200"}': 1,
      'http_request_duration_seconds_count{component="backend"}': 2,
      'todo_tool_invocations_total{tool="add_task",outcome="ok"}': 2,
      'todo_tool_invocations_total{tool="delete_task"}': 0,
    });
    // The exposition is the real one: process metrics and histogram buckets parse too.
    expect(after.some((s) => s.name === 'process_cpu_seconds_total')).toBe(true);
    expect(after.some((s) => s.name === 'http_request_duration_seconds_bucket' && s.labels.le === '+Inf')).toBe(true);
  });
});
