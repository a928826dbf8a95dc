import type { TaskRef, ToolStep } from '@/lib/types';

const named = (task: TaskRef | undefined, fallback: string) =>
  task?.title ? `'${task.title}'` : task?.id !== undefined ? `task #${task.id}` : fallback;

const RUNNING: Record<string, (task?: TaskRef) => string> = {
  add_task: (task) => `Adding ${named(task, 'a task')}…`,
  list_tasks: () => 'Looking at your tasks…',
  complete_task: (task) => `Completing ${named(task, 'a task')}…`,
  delete_task: (task) => `Deleting ${named(task, 'a task')}…`,
  update_task: (task) => `Updating ${named(task, 'a task')}…`,
};

const DONE: Record<string, (task?: TaskRef) => string> = {
  add_task: (task) => `Added ${named(task, 'a task')}`,
  list_tasks: () => 'Looked at your tasks',
  complete_task: (task) => `Completed ${named(task, 'a task')}`,
  delete_task: (task) => `Deleted ${named(task, 'a task')}`,
  update_task: (task) => `Updated ${named(task, 'a task')}`,
};

export function stepLabel({ tool, task, state }: ToolStep): string {
  if (state === 'running') return RUNNING[tool]?.(task) ?? `Running ${tool}…`;
  if (state === 'failed') return `${RUNNING[tool]?.(task).replace(/…$/, '') ?? tool} did not work`;
  return DONE[tool]?.(task) ?? tool;
}

/** The tool steps of a reply being written, each as it starts and finishes. */
export function ToolSteps({ steps }: { steps: ToolStep[] }) {
  if (steps.length === 0) return null;
  return (
    <ul className="mb-1 flex flex-col gap-0.5 text-xs text-slate-500" aria-label="Steps">
      {steps.map((step, index) => (
        <li key={index} data-testid="tool-step" data-state={step.state}>
          {stepLabel(step)}
        </li>
      ))}
    </ul>
  );
}
