'use client';

import { useSyncExternalStore } from 'react';

const subscribe = () => () => undefined;

/**
 * A timestamp in the reader's own time zone. The server renders the UTC date; the browser swaps in
 * local time after hydration (no mismatch, no naive-time misreading).
 */
export function LocalTime({ iso, format }: { iso: string; format: 'date' | 'time' | 'datetime' }) {
  const inBrowser = useSyncExternalStore(subscribe, () => true, () => false);
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return null;
  const options: Intl.DateTimeFormatOptions =
    format === 'time'
      ? { hour: '2-digit', minute: '2-digit' }
      : format === 'date'
        ? { dateStyle: 'medium' }
        : { dateStyle: 'medium', timeStyle: 'short' };
  const text = inBrowser
    ? new Intl.DateTimeFormat(undefined, options).format(date)
    : new Intl.DateTimeFormat('en', { ...options, timeZone: 'UTC' }).format(date);
  return <time dateTime={iso} title={date.toISOString()}>{text}</time>;
}
