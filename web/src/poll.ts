// Polite polling: read something again, with growing waits, until it is
// settled or a bound is reached; never while the page is hidden.
import { ApiError } from "./api/problem";

/** The waits before each read (ms): 0.75 s growing by half each time up to 10 s, at most 12 reads (about 70 s). */
export function backoff(first = 750, factor = 1.5, max = 10_000, reads = 12): number[] {
  const out: number[] = [];
  for (let i = 0, d = first; i < reads; i++, d = Math.min(max, d * factor)) out.push(Math.round(d));
  return out;
}

/** The part of document that polling looks at; replaced in tests. */
export interface Visibility {
  readonly hidden: boolean;
  addEventListener(type: "visibilitychange", fn: () => void): void;
  removeEventListener(type: "visibilitychange", fn: () => void): void;
}

export interface PollOptions<T> {
  /** One read; aborted when polling stops. */
  read: (signal: AbortSignal) => Promise<T>;
  /** Whether a value is final: polling stops after it. */
  settled: (value: T) => boolean;
  /** Every value read, final or not. */
  onValue: (value: T) => void;
  /** Called once when the bound is reached without a settled value, or a read failed for good. */
  onGiveUp?: (error?: ApiError) => void;
  /** The wait before each read; its length is the bound on reads. */
  delays?: readonly number[];
  visibility?: Visibility;
  /** Injected in tests; Date.now otherwise. */
  now?: () => number;
}

/**
 * A failed read that reading again cannot fix (the order is not found, the
 * session ended): polling stops. Network failures and 5xx answers count as
 * a read and polling goes on after the next wait.
 */
function final(err: unknown): err is ApiError {
  return err instanceof ApiError && err.status >= 400 && err.status < 500 && err.status !== 408 && err.status !== 429;
}

/**
 * poll reads after each delay in turn, one read at a time, until a value is
 * settled, the delays run out, or the returned stop is called. While the page
 * is hidden no read is started; when it is shown again the next read comes
 * when its wait, counted from the previous read, is over (at once if it
 * already is), so showing and hiding the page never speeds polling up.
 */
export function poll<T>(opts: PollOptions<T>): () => void {
  const delays = opts.delays ?? backoff();
  const vis = opts.visibility ?? (typeof document !== "undefined" ? document : undefined);
  const now = opts.now ?? Date.now;
  const ctl = new AbortController();
  let attempt = 0;
  let last = now(); // when the previous read ended (or polling started)
  let timer: ReturnType<typeof setTimeout> | undefined;
  let reading = false;
  let stopped = false;

  const stop = () => {
    if (stopped) return;
    stopped = true;
    clearTimeout(timer);
    timer = undefined;
    vis?.removeEventListener("visibilitychange", onVisibility);
    ctl.abort();
  };

  const giveUp = (error?: ApiError) => {
    stop();
    opts.onGiveUp?.(error);
  };

  const schedule = () => {
    clearTimeout(timer);
    timer = undefined;
    if (stopped || reading || vis?.hidden) return;
    if (attempt >= delays.length) return giveUp();
    const wait = Math.max(0, last + (delays[attempt] ?? 0) - now());
    timer = setTimeout(() => void readOnce(), wait);
  };

  const readOnce = async () => {
    timer = undefined;
    if (stopped || vis?.hidden) return;
    attempt++;
    reading = true;
    try {
      const value = await opts.read(ctl.signal);
      if (ctl.signal.aborted) return; // stopped while reading
      opts.onValue(value);
      if (opts.settled(value)) return stop();
    } catch (err) {
      if (ctl.signal.aborted) return;
      if (final(err)) return giveUp(err);
    } finally {
      reading = false;
      last = now();
    }
    schedule();
  };

  function onVisibility() {
    if (vis?.hidden) {
      clearTimeout(timer);
      timer = undefined;
    } else schedule();
  }

  vis?.addEventListener("visibilitychange", onVisibility);
  schedule();
  return stop;
}
