import type { Metadata } from 'next';
import { TaskBoard } from '@/components/tasks/TaskBoard';
import { loadTasks, requireSession } from '@/lib/server/user-data';

export const metadata: Metadata = { title: 'My tasks' };

export default async function TasksPage() {
  const { session, profile } = await requireSession();
  const tasks = await loadTasks(session);
  return (
    <div className="mx-auto max-w-3xl px-4 py-8">
      <div className="mb-6">
        <h1 className="text-2xl font-bold text-slate-900 sm:text-3xl">My tasks</h1>
        {profile && <p className="mt-1 text-sm text-slate-500">Signed in as {profile.email}</p>}
      </div>
      <TaskBoard initialTasks={tasks} />
    </div>
  );
}
