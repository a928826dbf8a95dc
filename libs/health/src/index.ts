export { type HealthCheck, type CheckResult, type CheckStatus, type CheckFailure } from './lib/checks.js';
export { createHealth, type Health, type HealthOptions, type Phase, type ProbeReport } from './lib/health.js';
export {
  createShutdown,
  isRunAtSignal,
  runsAtSignal,
  RUNS_AT_SIGNAL,
  type Shutdown,
  type ShutdownOptions,
  type ShutdownLog,
  type ShutdownSignal,
  type SignalSource,
} from './lib/shutdown.js';
export { healthPlugin, type HealthPluginOptions } from './lib/fastify.js';
export { healthRouteHandlers, type RouteHandler } from './lib/next.js';
