export default function LoadingTasks() {
  return (
    <div className="mx-auto max-w-3xl px-4 py-8" aria-busy="true" aria-live="polite">
      <p className="sr-only">Loading your tasks…</p>
      <div className="mb-6 h-8 w-40 animate-pulse rounded bg-slate-200" />
      <div className="space-y-3">
        {[0, 1, 2].map((row) => (
          <div key={row} className="card h-20 animate-pulse bg-slate-100" />
        ))}
      </div>
    </div>
  );
}
