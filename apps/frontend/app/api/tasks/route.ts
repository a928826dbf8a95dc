import type { NextRequest } from 'next/server';
import { forwardToBackend } from '@/lib/server/forward';

export function GET(request: NextRequest) {
  return forwardToBackend(request, { path: '/tasks', perUser: true });
}

export function POST(request: NextRequest) {
  return forwardToBackend(request, { path: '/tasks', perUser: true });
}
