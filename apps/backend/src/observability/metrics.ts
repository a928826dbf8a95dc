import { Counter, Gauge, Histogram, httpRequestDuration, LATENCY_BUCKETS, metricsRegistry } from '@todo/observability';

/** Every backend metric, in the one registry that the metrics port (METRICS_PORT) serves. */
export const registry = metricsRegistry('backend');

export const httpRequests = httpRequestDuration(registry);

export const modelCalls = new Histogram({
  name: 'todo_model_call_duration_seconds',
  help: 'Calls to the LLM provider, by model and outcome (ok, error)',
  labelNames: ['model', 'outcome'] as const,
  buckets: LATENCY_BUCKETS,
  registers: [registry],
});

export const modelTokens = new Counter({
  name: 'todo_model_tokens_total',
  help: 'Tokens the LLM provider reported, by model and direction (input, output)',
  labelNames: ['model', 'direction'] as const,
  registers: [registry],
});

export const toolInvocations = new Counter({
  name: 'todo_tool_invocations_total',
  help: 'Task tool runs (chat agent and MCP), by tool and outcome (ok, refused, error)',
  labelNames: ['tool', 'outcome'] as const,
  registers: [registry],
});

export const rateLimitRejections = new Counter({
  name: 'todo_rate_limit_rejections_total',
  help: 'Requests answered 429 by the rate limiter, by route template',
  labelNames: ['route'] as const,
  registers: [registry],
});

/** What a connection pool reports; pg.Pool has these three counts. */
export interface PoolCounts {
  totalCount: number;
  idleCount: number;
  waitingCount: number;
}

const pools = new Set<PoolCounts>();

new Gauge({
  name: 'todo_db_pool_connections',
  help: 'PostgreSQL pool connections, by state (in_use, idle); 0 on embedded PGlite, which has no pool',
  labelNames: ['state'] as const,
  registers: [registry],
  collect() {
    let total = 0;
    let idle = 0;
    for (const pool of pools) {
      total += pool.totalCount;
      idle += pool.idleCount;
    }
    this.set({ state: 'in_use' }, total - idle);
    this.set({ state: 'idle' }, idle);
  },
});

new Gauge({
  name: 'todo_db_pool_waiting_requests',
  help: 'Queries waiting for a free PostgreSQL pool connection',
  registers: [registry],
  collect() {
    let waiting = 0;
    for (const pool of pools) waiting += pool.waitingCount;
    this.set(waiting);
  },
});

/** Reports `pool` in the pool gauges until the returned function is called (when the pool closes). */
export function observePool(pool: PoolCounts): () => void {
  pools.add(pool);
  return () => void pools.delete(pool);
}
