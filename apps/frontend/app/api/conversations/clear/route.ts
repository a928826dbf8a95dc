import type { NextRequest } from 'next/server';
import { forwardToBackend } from '@/lib/server/forward';

export function DELETE(request: NextRequest) {
  return forwardToBackend(request, { path: '/conversations/clear', perUser: true });
}
