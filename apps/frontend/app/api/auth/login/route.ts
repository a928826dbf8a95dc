import type { NextRequest } from 'next/server';
import { logIn } from '@/lib/server/login';

export function POST(request: NextRequest) {
  return logIn(request);
}
