export default function LoadingChat() {
  return (
    <div className="mx-auto max-w-3xl px-4 py-8" aria-busy="true" aria-live="polite">
      <p className="sr-only">Loading conversation…</p>
      <div className="card h-[60dvh] animate-pulse bg-slate-100" />
    </div>
  );
}
