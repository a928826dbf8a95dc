import type { NextRequest } from 'next/server';
import { forwardToBackend } from '@/lib/server/forward';

export async function PATCH(request: NextRequest, { params }: { params: Promise<{ taskId: string }> }) {
  const { taskId } = await params;
  return forwardToBackend(request, { path: `/tasks/${encodeURIComponent(taskId)}/complete`, perUser: true });
}
