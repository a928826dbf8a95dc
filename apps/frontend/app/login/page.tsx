import type { Metadata } from 'next';
import Link from 'next/link';
import { AuthCard } from '@/components/AuthCard';
import { LoginForm } from '@/components/auth/LoginForm';
import { safeNextPath } from '@/lib/validation';

export const metadata: Metadata = { title: 'Sign in' };

const NOTICES: Record<string, { tone: 'info' | 'success'; text: string }> = {
  expired: { tone: 'info', text: 'Your session has expired. Please sign in again.' },
  signin: { tone: 'info', text: 'Please sign in to continue.' },
  'signed-out': { tone: 'success', text: 'You have been signed out.' },
  registered: { tone: 'success', text: 'Account created. Sign in to get started.' },
};

type SearchParams = Promise<Record<string, string | string[] | undefined>>;

export default async function LoginPage({ searchParams }: { searchParams: SearchParams }) {
  const params = await searchParams;
  const reason = typeof params.reason === 'string' ? params.reason : undefined;
  const next = safeNextPath(typeof params.next === 'string' ? params.next : undefined);
  const notice = reason ? NOTICES[reason] : undefined;
  return (
    <AuthCard
      title="Welcome back"
      subtitle={<>New here? <Link href="/register" className="font-medium text-brand-600 hover:underline">Create an account</Link></>}
    >
      {notice && (
        <p role="status" className={`mb-4 ${notice.tone === 'success' ? 'alert-success' : 'alert-info'}`}>
          {notice.text}
        </p>
      )}
      <LoginForm next={next} />
    </AuthCard>
  );
}
