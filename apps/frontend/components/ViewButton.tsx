'use client';

import type { ButtonHTMLAttributes } from 'react';

interface ViewButtonProps extends Omit<ButtonHTMLAttributes<HTMLButtonElement>, 'type' | 'onClick'> {
  /** The page, and the query that renders it in the state this button opens. */
  to: string;
  query?: Record<string, string>;
  /** What the hydrated page does instead, in place. */
  onOpen: () => void;
}

/**
 * A button that changes what the page shows. Before hydration it is a GET form that loads the page in
 * that state (so it works without JavaScript); once hydrated it calls `onOpen` and stays put.
 */
export function ViewButton({ to, query = {}, onOpen, children, ...button }: ViewButtonProps) {
  return (
    <form
      method="get"
      action={to}
      className="contents"
      onSubmit={(event) => {
        event.preventDefault();
        onOpen();
      }}
    >
      {Object.entries(query).map(([name, value]) => (
        <input key={name} type="hidden" name={name} value={value} />
      ))}
      <button type="submit" {...button}>{children}</button>
    </form>
  );
}
