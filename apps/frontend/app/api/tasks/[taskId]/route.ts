import type { NextRequest } from 'next/server';
import { forwardToBackend } from '@/lib/server/forward';

type Context = { params: Promise<{ taskId: string }> };

async function forwardTask(request: NextRequest, { params }: Context) {
  const { taskId } = await params;
  return forwardToBackend(request, { path: `/tasks/${encodeURIComponent(taskId)}`, perUser: true });
}

export const GET = forwardTask;
export const PUT = forwardTask;
export const DELETE = forwardTask;
