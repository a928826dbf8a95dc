import type { Metadata } from 'next';
import Link from 'next/link';

export const metadata: Metadata = { title: 'Page not found' };

/** Next's built-in 404 styles itself with inline style attributes, which the CSP (style-src) blocks. */
export default function NotFound() {
  return (
    <div className="mx-auto max-w-3xl px-4 py-12">
      <div className="card p-6 text-center">
        <h1 className="text-lg font-semibold text-slate-900">This page could not be found.</h1>
        <p className="mt-2 text-sm text-slate-600">The address may be mistyped, or the page has moved.</p>
        <Link href="/" className="btn-primary mt-4 inline-block">Go to the start page</Link>
      </div>
    </div>
  );
}
