import Link from 'next/link';
import { cookies, headers } from 'next/headers';
import { isHttps, readProfile } from '@/lib/server/session';

export async function SiteFooter() {
  const signedIn = readProfile(await cookies(), isHttps(await headers())) !== null;
  const links = signedIn
    ? [{ href: '/tasks', label: 'My tasks' }, { href: '/chat', label: 'Chat' }]
    : [{ href: '/login', label: 'Sign in' }, { href: '/register', label: 'Create account' }];
  return (
    <footer className="border-t border-slate-200 bg-white">
      <div className="mx-auto flex max-w-5xl flex-col gap-3 px-4 py-6 text-sm text-slate-500 sm:flex-row sm:items-center sm:justify-between">
        <p>© TaskFlow — tasks by hand or by chat.</p>
        <nav aria-label="Footer" className="flex flex-wrap gap-4">
          {links.map((link) => (
            <Link key={link.href} href={link.href} className="hover:text-slate-900">{link.label}</Link>
          ))}
        </nav>
      </div>
    </footer>
  );
}
