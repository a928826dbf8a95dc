import type { NextRequest } from 'next/server';
import { forwardToBackend } from '@/lib/server/forward';

export function POST(request: NextRequest) {
  return forwardToBackend(request, { path: '/api/auth/register' });
}
