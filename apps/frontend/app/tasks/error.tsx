'use client';

import { PageError } from '@/components/PageError';

export default function TasksError({ reset }: { reset: () => void }) {
  return <PageError title="Your tasks could not be loaded" reset={reset} />;
}
