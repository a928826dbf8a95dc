import { AsyncLocalStorage } from 'node:async_hooks';
import type { TraceParent } from '@todo/observability';

/** What a request hands on to the calls it makes (the model call): its id and, with tracing off, its trace. */
export interface RequestScope {
  requestId: string;
  trace: TraceParent;
}

export const requestScope = new AsyncLocalStorage<RequestScope>();
