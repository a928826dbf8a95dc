/**
 * Random bytes for ids and nonces, taken from a buffer refilled 4 KiB at a time, as Node's randomUUID
 * does: one call into the CSPRNG per ~170 requests instead of one or two per request (they were 5% of
 * the frontend's CPU under load: docs/architecture.md, "The API path, measured"). Each byte is handed
 * out once. Web Crypto only, so Next's proxy can import it (`@todo/observability/random`).
 */
const POOL_BYTES = 4096;
let pool = new Uint8Array(0);
let offset = 0;

/** `size` fresh bytes from the platform's CSPRNG. */
export function randomBytesPooled(size: number): Uint8Array {
  if (size > POOL_BYTES) return crypto.getRandomValues(new Uint8Array(size));
  if (offset + size > pool.length) {
    pool = crypto.getRandomValues(new Uint8Array(POOL_BYTES));
    offset = 0;
  }
  offset += size;
  return pool.subarray(offset - size, offset);
}
