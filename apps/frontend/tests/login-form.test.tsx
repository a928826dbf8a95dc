import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { LoginForm } from '../components/auth/LoginForm';
import { fakeApi } from './support/fake-api';

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

function fillAndSubmit(email: string, password: string) {
  fireEvent.change(screen.getByLabelText('Email'), { target: { value: email } });
  fireEvent.change(screen.getByLabelText('Password'), { target: { value: password } });
  fireEvent.click(screen.getByRole('button', { name: 'Sign in' }));
}

describe('LoginForm', () => {
  it('ties field errors to their inputs and sends nothing when fields are invalid', () => {
    const calls = fakeApi(() => ({ status: 200 }));
    render(<LoginForm next="/tasks" />);
    fillAndSubmit('not-an-email', '');
    const email = screen.getByLabelText('Email');
    expect(email.getAttribute('aria-invalid')).toBe('true');
    const describedBy = email.getAttribute('aria-describedby') ?? '';
    expect(document.getElementById(describedBy)?.textContent).toMatch(/valid email/);
    const password = screen.getByLabelText('Password');
    expect(document.getElementById(password.getAttribute('aria-describedby') ?? '')?.textContent).toBe('Enter your password.');
    expect(calls).toHaveLength(0);
  });

  it('shows a credential error for a wrong password', async () => {
    fakeApi(() => ({ status: 401, body: { detail: 'Incorrect email or password' } }));
    render(<LoginForm next="/tasks" />);
    fillAndSubmit('ann@example.com', 'wrong-password');
    expect((await screen.findByRole('alert')).textContent).toBe('Incorrect email or password.');
  });

  it('shows a credential error, not "Login failed", for a too-short password the backend rejects with 422', async () => {
    fakeApi(() => ({ status: 422, body: { detail: [{ loc: ['body', 'password'], msg: 'String should have at least 8 characters', type: 'string_too_short' }] } }));
    render(<LoginForm next="/tasks" />);
    fillAndSubmit('ann@example.com', 'short');
    expect((await screen.findByRole('alert')).textContent).toBe('Incorrect email or password.');
  });

  it('posts the credentials to the same-origin login route and goes on to the requested page', async () => {
    const calls = fakeApi(() => ({ status: 200, body: { user: { id: '1', name: 'Ann', email: 'ann@example.com' } } }));
    const assign = vi.fn();
    vi.stubGlobal('location', { ...window.location, assign });
    render(<LoginForm next="/chat" />);
    fillAndSubmit(' ann@example.com ', 'secret123');
    await waitFor(() => expect(assign).toHaveBeenCalledWith('/chat'));
    expect(calls).toEqual([{ method: 'POST', path: '/api/auth/login', body: { email: 'ann@example.com', password: 'secret123' } }]);
  });
});
