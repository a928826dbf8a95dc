import type { Metadata } from 'next';
import Link from 'next/link';
import { AuthCard } from '@/components/AuthCard';
import { RegisterForm } from '@/components/auth/RegisterForm';

export const metadata: Metadata = { title: 'Create account' };

export default function RegisterPage() {
  return (
    <AuthCard
      title="Create your account"
      subtitle={<>Already have one? <Link href="/login" className="font-medium text-brand-600 hover:underline">Sign in</Link></>}
    >
      <RegisterForm />
    </AuthCard>
  );
}
