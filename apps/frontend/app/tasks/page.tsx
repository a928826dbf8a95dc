import type { Metadata } from 'next';
import { TaskBoard, type TaskBoardView } from '@/components/tasks/TaskBoard';
import { loadTasks, requireSession } from '@/lib/server/user-data';

export const metadata: Metadata = { title: 'My tasks' };

type SearchParams = Promise<Record<string, string | string[] | undefined>>;

/** `?new`, `?edit=<id>` and `?delete=<id>` open the form, an edit or a confirmation: the buttons' targets before hydration. */
function viewOf(params: Awaited<SearchParams>): TaskBoardView {
  const edit = Number(params.edit);
  const remove = Number(params.delete);
  if (Number.isSafeInteger(edit) && edit > 0) return { taskId: edit, taskMode: 'edit' };
  if (Number.isSafeInteger(remove) && remove > 0) return { taskId: remove, taskMode: 'confirm-delete' };
  return { formOpen: params.new !== undefined };
}

export default async function TasksPage({ searchParams }: { searchParams: SearchParams }) {
  const { session, profile } = await requireSession();
  const [tasks, params] = await Promise.all([loadTasks(session), searchParams]);
  return (
    <div className="mx-auto max-w-3xl px-4 py-8">
      <div className="mb-6">
        <h1 className="text-2xl font-bold text-slate-900 sm:text-3xl">My tasks</h1>
        {profile && <p className="mt-1 text-sm text-slate-500">Signed in as {profile.email}</p>}
      </div>
      <TaskBoard initialTasks={tasks} view={viewOf(params)} />
    </div>
  );
}
