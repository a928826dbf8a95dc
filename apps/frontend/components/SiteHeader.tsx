import Link from 'next/link';
import { cookies, headers } from 'next/headers';
import { isHttps, readProfile } from '@/lib/server/session';
import { NavLink } from './NavLink';

/** The one header of every page: navigation, who is signed in, and the log-out button. */
export async function SiteHeader() {
  const profile = readProfile(await cookies(), isHttps(await headers()));
  return (
    <header className="sticky top-0 z-40 border-b border-slate-200 bg-white/90 backdrop-blur">
      <div className="mx-auto flex max-w-5xl flex-wrap items-center justify-between gap-x-4 gap-y-2 px-4 py-3">
        <Link href="/" className="flex items-center gap-2 text-lg font-semibold text-slate-900">
          <span aria-hidden="true" className="grid h-8 w-8 place-items-center rounded-lg bg-brand-600 text-white">✓</span>
          TaskFlow
        </Link>
        <nav aria-label="Main" className="flex flex-wrap items-center gap-1 text-sm">
          {profile ? (
            <>
              <NavLink href="/tasks">My tasks</NavLink>
              <NavLink href="/chat">Chat</NavLink>
              <span className="hidden px-2 text-slate-500 sm:inline" data-testid="signed-in-as">
                Hi, <span className="font-medium text-slate-700">{profile.name || profile.email}</span>
              </span>
              <form action="/api/auth/logout" method="post">
                <button type="submit" className="btn-ghost">Log out</button>
              </form>
            </>
          ) : (
            <>
              <NavLink href="/login">Sign in</NavLink>
              <Link href="/register" className="btn-primary">Get started</Link>
            </>
          )}
        </nav>
      </div>
    </header>
  );
}
