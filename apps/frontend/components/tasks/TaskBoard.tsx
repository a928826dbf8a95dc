'use client';

import { useState } from 'react';
import { PlusIcon } from '@/components/icons';
import { ViewButton } from '@/components/ViewButton';
import type { Task } from '@/lib/types';
import { TaskForm } from './TaskForm';
import { type Mode, TaskItem } from './TaskItem';

/** What the page URL asks to show open (`?new`, `?edit=<id>`, `?delete=<id>`), so buttons work without JavaScript. */
export interface TaskBoardView {
  formOpen?: boolean;
  taskId?: number;
  taskMode?: Mode;
}

/** The task list of /tasks: counts, the new-task form, and every task with its own actions. */
export function TaskBoard({ initialTasks, view = {} }: { initialTasks: Task[]; view?: TaskBoardView }) {
  const [tasks, setTasks] = useState(initialTasks);
  const [formOpen, setFormOpen] = useState(view.formOpen ?? false);
  const [announcement, setAnnouncement] = useState('');
  const completed = tasks.filter((task) => task.completed).length;
  const openForm = () => setFormOpen(true);

  function added(task: Task) {
    setTasks((current) => [task, ...current]);
    setFormOpen(false);
    setAnnouncement(`Task “${task.title}” added.`);
  }

  function changed(task: Task) {
    setTasks((current) => current.map((existing) => (existing.id === task.id ? task : existing)));
  }

  function removed(task: Task) {
    setTasks((current) => current.filter((existing) => existing.id !== task.id));
    setAnnouncement(`Task “${task.title}” deleted.`);
  }

  return (
    <section aria-labelledby="task-list-heading">
      <p className="sr-only" aria-live="polite">{announcement}</p>
      <div className="mb-4 flex flex-wrap items-center justify-between gap-3">
        <h2 id="task-list-heading" className="text-sm text-slate-600" data-testid="task-counts">
          <span className="font-semibold text-slate-900">{tasks.length}</span> {tasks.length === 1 ? 'task' : 'tasks'}
          <span aria-hidden="true"> · </span>
          <span className="font-semibold text-emerald-700">{completed}</span> completed
        </h2>
        {!formOpen && (
          <ViewButton to="/tasks" query={{ new: '1' }} onOpen={openForm} className="btn-primary">
            <PlusIcon /> New task
          </ViewButton>
        )}
      </div>
      {formOpen && <TaskForm onAdded={added} onCancel={() => setFormOpen(false)} />}
      {tasks.length === 0 ? (
        <div className="card px-6 py-12 text-center">
          <p className="text-lg font-semibold text-slate-900">No tasks yet</p>
          <p className="mt-1 text-sm text-slate-600">
            Add your first task, or ask the assistant in <a href="/chat" className="font-medium text-brand-600 hover:underline">Chat</a>.
          </p>
          {!formOpen && (
            <ViewButton to="/tasks" query={{ new: '1' }} onOpen={openForm} className="btn-secondary mt-4">Add a task</ViewButton>
          )}
        </div>
      ) : (
        <ul className="space-y-3" aria-label="Tasks">
          {tasks.map((task) => (
            <TaskItem
              key={task.id}
              task={task}
              initialMode={task.id === view.taskId ? view.taskMode : undefined}
              onChanged={changed}
              onRemoved={removed}
            />
          ))}
        </ul>
      )}
    </section>
  );
}
