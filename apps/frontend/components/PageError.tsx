'use client';

import { useRouter } from 'next/navigation';
import { startTransition } from 'react';

/** Error state of a page whose data could not be loaded; "Try again" re-renders it on the server. */
export function PageError({ title, reset }: { title: string; reset: () => void }) {
  const router = useRouter();
  return (
    <div className="mx-auto max-w-3xl px-4 py-12">
      <div role="alert" className="card p-6 text-center">
        <h1 className="text-lg font-semibold text-slate-900">{title}</h1>
        <p className="mt-2 text-sm text-slate-600">
          The server did not answer as expected. It may be restarting — please try again in a moment.
        </p>
        <button
          type="button"
          className="btn-primary mt-4"
          onClick={() => startTransition(() => { router.refresh(); reset(); })}
        >
          Try again
        </button>
      </div>
    </div>
  );
}
