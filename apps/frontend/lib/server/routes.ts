import 'server-only';
/**
 * The browser's API, answered by the gateway in front of Next (api-gateway.ts maps each to its backend
 * route), in the app/ folder's spelling.
 */
export const API_ROUTES = [
  '/api/auth/login',
  '/api/auth/logout',
  '/api/auth/register',
  '/api/chat',
  '/api/conversations/clear',
  '/api/conversations/history',
  '/api/tasks',
  '/api/tasks/[taskId]',
  '/api/tasks/[taskId]/complete',
] as const;

export type ApiRoute = (typeof API_ROUTES)[number];

/**
 * The app's route templates, for metric labels and span names (a path's ids would make one time series
 * per task): the pages and route handlers under app/ and the API's routes. tests/observability.test.ts
 * checks the list against app/ and the gateway.
 */
export const ROUTES = ['/', '/login', '/register', '/tasks', '/chat', '/health', '/ready', '/startup', ...API_ROUTES] as const;

const TEMPLATES = ROUTES.map((route) => ({ route, segments: route.split('/').filter(Boolean) }));

/** The route template serving `pathname`: one of ROUTES, `/_next/*` for Next's assets, or `unmatched`. */
export function routeTemplate(pathname: string): string {
  if (pathname.startsWith('/_next/')) return '/_next/*';
  const segments = pathname.split('/').filter(Boolean);
  const found = TEMPLATES.find(
    (t) => t.segments.length === segments.length && t.segments.every((s, i) => s.startsWith('[') || s === segments[i]),
  );
  return found?.route ?? 'unmatched';
}
