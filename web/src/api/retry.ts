// A fetch that retries politely when a context answers 503 with Retry-After,
// as every context does when its store is unavailable or too slow.

/** Longest wait we accept from a Retry-After before giving up instead. */
const maxWaitSeconds = 10;

export interface RetryOptions {
  /** How many times a request is retried after a 503. */
  retries: number;
  /** Waits; replaced in tests. */
  sleep: (ms: number, signal?: AbortSignal | null) => Promise<void>;
}

export const sleep = (ms: number, signal?: AbortSignal | null): Promise<void> =>
  new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason as Error);
    const t = setTimeout(resolve, ms);
    signal?.addEventListener("abort", () => {
      clearTimeout(t);
      reject(signal.reason as Error);
    });
  });

/** retryAfterMs reads Retry-After (seconds or an HTTP date), or undefined if absent or unusable. */
export function retryAfterMs(header: string | null, now = Date.now()): number | undefined {
  if (header === null || header.trim() === "") return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return seconds >= 0 ? seconds * 1000 : undefined;
  const date = Date.parse(header);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/**
 * A request may be sent again when repeating it cannot do anything twice:
 * safe and idempotent methods, and POSTs that carry an Idempotency-Key.
 */
function repeatable(req: Request): boolean {
  return req.method !== "POST" && req.method !== "PATCH" ? true : req.headers.has("Idempotency-Key");
}

/** retrying wraps fetch: a 503 with a usable Retry-After is retried after that long, a few times. */
export function retrying(inner: typeof fetch, opts: RetryOptions = { retries: 2, sleep }): (req: Request) => Promise<Response> {
  return async (req: Request) => {
    for (let attempt = 0; ; attempt++) {
      const res = await inner(repeatable(req) ? req.clone() : req);
      if (res.status !== 503 || attempt >= opts.retries || !repeatable(req)) return res;
      const wait = retryAfterMs(res.headers.get("Retry-After"));
      if (wait === undefined || wait > maxWaitSeconds * 1000) return res;
      await opts.sleep(wait, req.signal);
    }
  };
}
