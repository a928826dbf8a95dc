import { randomUUID } from 'node:crypto';
import { randomBytesPooled } from './random.js';

/** The request id header, read from the caller when it sends a sane one and sent on to the next hop. */
export const REQUEST_ID_HEADER = 'x-request-id';
/** W3C Trace Context (https://www.w3.org/TR/trace-context/). */
export const TRACEPARENT_HEADER = 'traceparent';

const SANE_REQUEST_ID = /^[A-Za-z0-9._:@-]{1,128}$/;
const TRACEPARENT = /^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/;

/** The caller's request id if it is a short token (no spaces, quotes or control characters), else a new one. */
export function acceptRequestId(value: string | string[] | null | undefined): string {
  const candidate = Array.isArray(value) ? value[0] : value;
  return candidate && SANE_REQUEST_ID.test(candidate) ? candidate : randomUUID();
}

export interface TraceParent {
  traceId: string;
  spanId: string;
  sampled: boolean;
}

/** A valid version-00 (or later) traceparent, or undefined; all-zero ids are invalid by the spec. */
export function parseTraceparent(value: string | string[] | null | undefined): TraceParent | undefined {
  const candidate = (Array.isArray(value) ? value[0] : value)?.trim().toLowerCase();
  const match = candidate ? TRACEPARENT.exec(candidate) : null;
  if (!match || match[1] === 'ff' || /^0+$/.test(match[2]) || /^0+$/.test(match[3])) return undefined;
  return { traceId: match[2], spanId: match[3], sampled: (parseInt(match[4], 16) & 1) === 1 };
}

export function formatTraceparent({ traceId, spanId, sampled }: TraceParent): string {
  return `00-${traceId}-${spanId}-${sampled ? '01' : '00'}`;
}

/** A new root trace context, for a request that arrived without one while tracing is off. */
export function newTraceparent(): TraceParent {
  const bytes = Buffer.from(randomBytesPooled(24));
  return { traceId: bytes.toString('hex', 0, 16), spanId: bytes.toString('hex', 16, 24), sampled: false };
}
