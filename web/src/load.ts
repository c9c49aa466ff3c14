// useLoad runs an API read when its inputs change and tracks its state.
import { useCallback, useEffect, useState } from "react";
import { ApiError } from "./api/problem";

export type Load<T> =
  | { state: "loading"; data?: T; error?: undefined; reload: () => void }
  | { state: "done"; data: T; error?: undefined; reload: () => void }
  | { state: "failed"; data?: T; error: ApiError; reload: () => void };

interface Result<T> {
  /** The inputs the result is for. */
  inputs: readonly unknown[];
  data?: T;
  error?: ApiError;
}

const same = (a: readonly unknown[], b: readonly unknown[]) => a.length === b.length && a.every((v, i) => Object.is(v, b[i]));

/**
 * useLoad calls fn whenever deps change (or reload is called) and returns
 * its state. While a new result loads, the previous data stays available so
 * that pages do not flicker.
 */
export function useLoad<T>(fn: (signal: AbortSignal) => Promise<T>, deps: readonly unknown[]): Load<T> {
  const [tick, setTick] = useState(0);
  const [result, setResult] = useState<Result<T> | null>(null);
  const [last, setLast] = useState<T | undefined>(undefined);
  const reload = useCallback(() => setTick((t) => t + 1), []);
  const inputs = [...deps, tick];

  useEffect(() => {
    const ctl = new AbortController();
    fn(ctl.signal).then(
      (data) => {
        if (ctl.signal.aborted) return;
        setResult({ inputs, data });
        setLast(data);
      },
      (err: unknown) => {
        if (ctl.signal.aborted) return;
        const error = err instanceof ApiError ? err : new ApiError({ title: "Something went wrong", status: 0, detail: String(err) });
        setResult({ inputs, error });
      },
    );
    return () => ctl.abort();
    // fn is a new closure at every render; inputs say when to call it again.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, inputs);

  if (!result || !same(result.inputs, inputs)) return { state: "loading", ...(last !== undefined ? { data: last } : {}), reload };
  if (result.error) return { state: "failed", error: result.error, ...(last !== undefined ? { data: last } : {}), reload };
  return { state: "done", data: result.data as T, reload };
}
