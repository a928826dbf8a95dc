import type { Health, ProbeReport } from './health.js';

export type RouteHandler = () => Promise<Response>;

const toResponse = (report: ProbeReport) =>
  Response.json(report.body, { status: report.httpStatus, headers: { 'cache-control': 'no-store' } });

/** `GET` handlers for Next.js route files: `export const GET = handlers.ready;`. */
export function healthRouteHandlers(health: Health): { health: RouteHandler; ready: RouteHandler; startup: RouteHandler } {
  return {
    health: async () => toResponse(health.liveness()),
    ready: async () => toResponse(await health.readiness()),
    startup: async () => toResponse(health.startup()),
  };
}
