import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { RegisterForm } from '../components/auth/RegisterForm';
import { fakeApi } from './support/fake-api';

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

function describedText(label: string): string | null | undefined {
  const ids = screen.getByLabelText(label).getAttribute('aria-describedby')?.split(' ') ?? [];
  return ids.length ? ids.map((id) => document.getElementById(id)?.textContent).join(' ') : null;
}

describe('RegisterForm', () => {
  it('describes the password by its hint, and by its error alone when there is one', () => {
    fakeApi(() => ({ status: 201 }));
    render(<RegisterForm />);
    expect(describedText('Password')).toBe('At least 8 characters.');
    fireEvent.click(screen.getByRole('button', { name: 'Create account' }));
    expect(describedText('Password')).toBe('Use at least 8 characters.');
    expect(describedText('Full name')).toBe('Enter your name.');
  });

  it('shows a taken e-mail (409) on the e-mail field', async () => {
    fakeApi(() => ({ status: 409, body: { detail: 'A user with this email already exists' } }));
    render(<RegisterForm />);
    fireEvent.change(screen.getByLabelText('Full name'), { target: { value: 'Ann' } });
    fireEvent.change(screen.getByLabelText('Email'), { target: { value: 'ann@example.com' } });
    fireEvent.change(screen.getByLabelText('Password'), { target: { value: 'secret123' } });
    fireEvent.click(screen.getByRole('button', { name: 'Create account' }));
    await waitFor(() => expect(describedText('Email')).toMatch(/already exists/));
  });
});
