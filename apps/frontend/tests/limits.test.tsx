import { type LimitedField, LIMIT_EDGES, edgesOf } from '@todo/api-contract/edges';
import { cleanup, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { RegisterForm } from '../components/auth/RegisterForm';
import { ChatInput } from '../components/chat/ChatInput';
import { TaskForm } from '../components/tasks/TaskForm';
import { validateChatMessage, validateName, validateNewPassword, validateTaskDescription, validateTaskTitle } from '../lib/validation';

afterEach(cleanup);

const checks: Record<LimitedField, (value: string) => string | undefined> = {
  title: validateTaskTitle,
  description: validateTaskDescription,
  chatMessage: validateChatMessage,
  name: validateName,
  password: validateNewPassword,
};

/**
 * The form checks run libs/api-contract's table of limit edges, the same table the backend's REST and MCP
 * tests run (apps/backend/tests/limits.test.ts): what one accepts, all accept. (Clearing a description
 * is sent as null: task-board.test.tsx.)
 */
describe('the form checks at the limits\' edges', () => {
  it.each(LIMIT_EDGES.map((edge) => [edge.field, edge.label, edge] as const))('%s, %s', (_field, _label, edge) => {
    const problem = checks[edge.field](edge.value);
    expect(problem === undefined, problem).toBe(edge.valid);
  });

  it('lets the browser take every valid value whole: no maxlength cuts one short', () => {
    const longestValid = (field: LimitedField) => Math.max(...edgesOf(field).filter((e) => e.valid).map((e) => e.value.length));
    const inputs: [LimitedField, () => void, string][] = [
      ['title', () => render(<TaskForm onAdded={() => undefined} onCancel={() => undefined} />), 'Title'],
      ['description', () => render(<TaskForm onAdded={() => undefined} onCancel={() => undefined} />), 'Description (optional)'],
      ['name', () => render(<RegisterForm />), 'Full name'],
      ['password', () => render(<RegisterForm />), 'Password'],
      ['chatMessage', () => render(<ChatInput value="" onChange={() => undefined} onSend={() => undefined} onStop={() => undefined} disabled={false} action={() => undefined} />), 'Message'],
    ];
    for (const [field, show, label] of inputs) {
      show();
      const maxLength = Number(screen.getByLabelText(label, { exact: false }).getAttribute('maxLength'));
      expect([field, maxLength >= longestValid(field)]).toEqual([field, true]);
      cleanup();
    }
  });
});
