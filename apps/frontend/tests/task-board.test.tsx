import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { TaskBoard } from '../components/tasks/TaskBoard';
import { navigation } from '../lib/api-client';
import type { Task } from '../lib/types';
import { fakeApi } from './support/fake-api';

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
  vi.restoreAllMocks();
});

const at = '2026-11-25T10:00:00Z';
const task = (id: number, title: string, extra: Partial<Task> = {}): Task => ({
  id, title, description: null, completed: false, user_id: 'u', created_at: at, updated_at: at, ...extra,
});

describe('TaskBoard', () => {
  it('shows the empty state when there are no tasks', () => {
    render(<TaskBoard initialTasks={[]} />);
    expect(screen.getByText('No tasks yet')).toBeTruthy();
    expect(screen.getByTestId('task-counts').textContent).toMatch(/0 tasks · 0 completed/);
  });

  it('counts tasks and completed tasks, and shows "Updated" only for real edits', () => {
    render(
      <TaskBoard
        initialTasks={[
          task(1, 'same second', { updated_at: '2026-11-25T10:00:00.400Z' }),
          task(2, 'edited later', { completed: true, updated_at: '2026-11-25T12:00:00Z' }),
        ]}
      />,
    );
    expect(screen.getByTestId('task-counts').textContent).toMatch(/2 tasks · 1 completed/);
    const [first, second] = screen.getAllByTestId('task-item');
    expect(first.textContent).not.toMatch(/Updated/);
    expect(second.textContent).toMatch(/Updated/);
    expect(within(second).getByText('Completed')).toBeTruthy();
  });

  it('renders the state the page URL asks for (?new, ?edit, ?delete), which the buttons load before hydration', () => {
    const { unmount } = render(<TaskBoard initialTasks={[task(1, 'walk')]} view={{ formOpen: true }} />);
    expect(screen.getByRole('form', { name: 'New task' })).toBeTruthy();
    unmount();
    const board = render(<TaskBoard initialTasks={[task(1, 'walk')]} />);
    const target = (name: string) => {
      const form = screen.getByRole('button', { name }).closest('form');
      return `${form?.getAttribute('method')} ${form?.getAttribute('action')}?${new URLSearchParams(form ? [...new FormData(form)].map(([k, v]) => [k, String(v)]) : []).toString()}`;
    };
    expect([target('New task'), target('Edit “walk”'), target('Delete “walk”')]).toEqual(['get /tasks?new=1', 'get /tasks?edit=1', 'get /tasks?delete=1']);
    board.unmount();
    render(<TaskBoard initialTasks={[task(1, 'walk'), task(2, 'run')]} view={{ taskId: 2, taskMode: 'confirm-delete' }} />);
    const [walk, run] = screen.getAllByTestId('task-item');
    expect(within(walk).queryByRole('group', { name: 'Confirm deletion' })).toBeNull();
    expect(within(run).getByRole('group', { name: 'Confirm deletion' })).toBeTruthy();
  });

  it('adds a task through the API and lists it first', async () => {
    const calls = fakeApi(() => ({ status: 201, body: task(9, 'buy milk', { description: '2 litres' }) }));
    render(<TaskBoard initialTasks={[task(1, 'older')]} />);
    fireEvent.click(screen.getByRole('button', { name: /New task/ }));
    fireEvent.change(screen.getByLabelText('Title'), { target: { value: '  buy milk ' } });
    fireEvent.change(screen.getByLabelText(/Description/), { target: { value: '2 litres' } });
    fireEvent.click(screen.getByRole('button', { name: 'Add task' }));
    await waitFor(() => expect(screen.getAllByTestId('task-item')[0].textContent).toMatch(/buy milk/));
    expect(calls[0]).toEqual({ method: 'POST', path: '/api/tasks', body: { title: 'buy milk', description: '2 litres' } });
  });

  it('refuses an empty title with an error tied to the field', () => {
    const calls = fakeApi(() => ({ status: 201 }));
    render(<TaskBoard initialTasks={[]} />);
    fireEvent.click(screen.getByRole('button', { name: /New task/ }));
    fireEvent.click(screen.getByRole('button', { name: 'Add task' }));
    const title = screen.getByLabelText('Title');
    expect(document.getElementById(title.getAttribute('aria-describedby') ?? '')?.textContent).toBe('Give the task a title.');
    expect(calls).toHaveLength(0);
  });

  it('toggles completion, edits inline (clearing the description) and deletes after confirmation', async () => {
    const calls = fakeApi((call) => {
      if (call.method === 'PATCH') return { status: 200, body: task(1, 'walk', { completed: true }) };
      if (call.method === 'PUT') return { status: 200, body: task(1, 'walk the dog', { completed: true }) };
      return { status: 204 };
    });
    render(<TaskBoard initialTasks={[task(1, 'walk', { description: 'park' })]} />);
    fireEvent.click(screen.getByRole('checkbox', { name: 'walk' }));
    await screen.findByText('Completed');
    expect(calls[0]).toEqual({ method: 'PATCH', path: '/api/tasks/1/complete', body: { completed: true } });

    fireEvent.click(screen.getByRole('button', { name: 'Edit “walk”' }));
    fireEvent.change(screen.getByLabelText('Title'), { target: { value: 'walk the dog' } });
    fireEvent.change(screen.getByLabelText('Description'), { target: { value: '' } });
    fireEvent.click(screen.getByRole('button', { name: 'Save' }));
    await screen.findByText('walk the dog');
    expect(calls[1]).toEqual({ method: 'PUT', path: '/api/tasks/1', body: { title: 'walk the dog', description: null } });

    fireEvent.click(screen.getByRole('button', { name: 'Delete “walk the dog”' }));
    expect(calls).toHaveLength(2);
    fireEvent.click(screen.getByRole('button', { name: 'Delete task' }));
    await screen.findByText('No tasks yet');
    expect(calls[2]).toEqual({ method: 'DELETE', path: '/api/tasks/1', body: undefined });
  });

  it('shows the server\'s error next to the task when an action fails', async () => {
    fakeApi(() => ({ status: 404, body: { detail: 'Task not found' } }));
    render(<TaskBoard initialTasks={[task(1, 'gone')]} />);
    fireEvent.click(screen.getByRole('checkbox', { name: 'gone' }));
    expect((await screen.findByRole('alert')).textContent).toBe('Task not found');
  });

  it('sends the browser to /login when the session has ended', async () => {
    fakeApi(() => ({ status: 401, body: { detail: 'Not authenticated' } }));
    const toLogin = vi.spyOn(navigation, 'toLogin').mockImplementation(() => undefined);
    render(<TaskBoard initialTasks={[task(1, 'x')]} />);
    fireEvent.click(screen.getByRole('checkbox', { name: 'x' }));
    await waitFor(() => expect(toLogin).toHaveBeenCalled());
  });
});
