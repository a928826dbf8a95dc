'use client';

import { PageError } from '@/components/PageError';

export default function ChatError({ reset }: { reset: () => void }) {
  return <PageError title="The conversation could not be loaded" reset={reset} />;
}
