const LABELS: Record<string, string> = {
  add_task: 'Added a task',
  list_tasks: 'Listed tasks',
  complete_task: 'Completed a task',
  delete_task: 'Deleted a task',
  update_task: 'Updated a task',
};

/** Which task tools the assistant really used in a turn. */
export function ToolBadges({ tools }: { tools: string[] }) {
  if (tools.length === 0) return null;
  return (
    <ul className="mt-2 flex flex-wrap gap-1.5" aria-label="Actions taken">
      {tools.map((tool, index) => (
        <li
          key={`${tool}-${index}`}
          data-testid="tool-badge"
          data-tool={tool}
          className="inline-flex items-center gap-1 rounded-full border border-brand-100 bg-brand-50 px-2 py-0.5 text-xs font-medium text-brand-700"
        >
          <span aria-hidden="true">🛠️</span> {LABELS[tool] ?? tool}
        </li>
      ))}
    </ul>
  );
}
