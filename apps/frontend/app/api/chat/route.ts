import type { NextRequest } from 'next/server';
import { frontendConfig } from '@/lib/server/config';
import { forwardToBackend } from '@/lib/server/forward';

export function POST(request: NextRequest) {
  return forwardToBackend(request, { path: '/chat', perUser: true, timeoutMs: frontendConfig().chatTimeoutMs, stream: true });
}
