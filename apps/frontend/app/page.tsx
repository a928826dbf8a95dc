import Link from 'next/link';

const FEATURES = [
  { title: 'Tasks at a glance', text: 'Add, edit, complete and delete tasks, with counts of what is left to do.' },
  { title: 'Just say it', text: '“Add task buy milk” — the assistant manages your list while you chat.' },
  { title: 'Yours only', text: 'Your tasks and conversation are private to your account.' },
];

export default function LandingPage() {
  return (
    <div className="mx-auto max-w-5xl px-4 py-12 sm:py-20">
      <section className="text-center">
        <p className="mb-3 inline-block rounded-full bg-brand-50 px-3 py-1 text-sm font-medium text-brand-700">
          Tasks + AI assistant
        </p>
        <h1 className="text-4xl font-bold tracking-tight text-slate-900 sm:text-5xl">
          Your tasks, your way, every time
        </h1>
        <p className="mx-auto mt-4 max-w-2xl text-lg text-slate-600">
          TaskFlow keeps your to-do list in one place. Manage it by hand, or tell the assistant what to do in
          plain words.
        </p>
        <div className="mt-8 flex flex-col justify-center gap-3 sm:flex-row">
          <Link href="/register" className="btn-primary px-6 py-3 text-base">Create a free account</Link>
          <Link href="/login" className="btn-secondary px-6 py-3 text-base">Sign in</Link>
        </div>
      </section>
      <section aria-labelledby="features" className="mt-16">
        <h2 id="features" className="sr-only">Features</h2>
        <ul className="grid gap-4 sm:grid-cols-3">
          {FEATURES.map((feature) => (
            <li key={feature.title} className="card p-6">
              <h3 className="font-semibold text-slate-900">{feature.title}</h3>
              <p className="mt-2 text-sm text-slate-600">{feature.text}</p>
            </li>
          ))}
        </ul>
      </section>
    </div>
  );
}
