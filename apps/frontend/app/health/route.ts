import { healthRoutes } from '@/lib/server/health';

export const dynamic = 'force-dynamic';

export function GET() {
  return healthRoutes.health();
}
