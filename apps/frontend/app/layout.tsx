import type { Metadata, Viewport } from 'next';
import Link from 'next/link';
import { SiteHeader } from '@/components/SiteHeader';
import './globals.css';

export const metadata: Metadata = {
  title: { default: 'TaskFlow — Smart task management', template: '%s · TaskFlow' },
  description: 'Manage your tasks by hand or by chatting with an AI assistant.',
};

export const viewport: Viewport = { width: 'device-width', initialScale: 1, themeColor: '#4f46e5' };

export default function RootLayout({ children }: { children: React.ReactNode }) {
  return (
    <html lang="en">
      <body className="flex min-h-dvh flex-col">
        <a href="#main" className="sr-only focus:not-sr-only focus:absolute focus:left-4 focus:top-4 focus:z-50 btn-primary">
          Skip to content
        </a>
        <SiteHeader />
        <main id="main" className="flex-1">
          {children}
        </main>
        <footer className="border-t border-slate-200 bg-white">
          <div className="mx-auto flex max-w-5xl flex-col gap-3 px-4 py-6 text-sm text-slate-500 sm:flex-row sm:items-center sm:justify-between">
            <p>© TaskFlow — tasks by hand or by chat.</p>
            <nav aria-label="Footer" className="flex flex-wrap gap-4">
              <Link href="/tasks" className="hover:text-slate-900">My tasks</Link>
              <Link href="/chat" className="hover:text-slate-900">Chat</Link>
              <Link href="/login" className="hover:text-slate-900">Sign in</Link>
              <Link href="/register" className="hover:text-slate-900">Create account</Link>
            </nav>
          </div>
        </footer>
      </body>
    </html>
  );
}
